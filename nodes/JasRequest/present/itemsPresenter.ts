/**
 * The workflow presenter: every input item leaves on exactly one output, in input order, paired to its input.
 * Successes become items (Split Into Items, Full Response, files, at most MAX_ITEMS_PER_INPUT per input); failures
 * become one error item, on the output the router gives their outcome.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { settle } from '../../shared/http/settle';
import type { Router } from '../routing';
import { MAX_ITEMS_PER_INPUT, safeHeaders, shapeSuccess, tooManyItems } from '../responseBody';
import type { RunSettings } from '../settings';
import { Exit, FileTooLargeError, fileNameOf, mimeTypeOf } from './emit';
import { statusTextFor } from './errorItems';
import { type Failure, failureDetails, failureRoute, INPUT_OUTPUT } from './failures';
import type { Fetched, ItemPresentation, Page, PageVerdict, Presenter } from './presenter';
import { downloadFailure, unusable } from './pageFailures';

type Shaping = Pick<RunSettings, 'responseFormat' | 'fullResponse' | 'splitField' | 'outputBinaryPropertyName' | 'maxFileBytes'>;

interface ItemResult {
	output: number;
	items: INodeExecutionData[];
}

export class ItemsPresenter implements Presenter {
	private readonly results: ItemResult[];

	/** Each message of paging that stopped short, and how many items it stopped: one hint per message. */
	private readonly shortStops = new Map<string, number>();

	constructor(
		readonly exit: Exit,
		readonly router: Router,
		readonly settings: Shaping,
		/** On Error: Stop: an item's invalid input stops the workflow instead of going to an output. */
		readonly stopOnInputError: boolean,
		count: number,
		/** The credential is JTL-FFN's: its own tips go with API errors. */
		readonly jtl = false,
	) {
		this.results = new Array<ItemResult>(count);
	}

	item(index: number): ItemPresentation {
		return new WorkflowItem(this, index);
	}

	settle(index: number, result: ItemResult): void {
		this.results[index] = result;
	}

	/** Paging of an item stopped short of the list's end: the editor will say so once per message. */
	stoppedShort(message: string): void {
		this.shortStops.set(message, (this.shortStops.get(message) ?? 0) + 1);
	}

	outputs(): INodeExecutionData[][] {
		const outputs: INodeExecutionData[][] = this.router.outputs.map(() => []);
		for (const result of this.results) outputs[result.output].push(...result.items);
		const total = this.results.length;
		this.exit.hints([...this.shortStops].map(([message, items]) => (total === 1 ? message : `${items} of ${total} items: ${message}`)));
		return outputs;
	}
}

class WorkflowItem implements ItemPresentation {
	private readonly items: INodeExecutionData[] = [];

	private output = 0;

	constructor(
		private readonly run: ItemsPresenter,
		private readonly index: number,
	) {}

	async page(page: Page): Promise<PageVerdict> {
		// A custom rule may claim a success status (e.g. "Created: 201"); the first page decides.
		if (page.number === 1) this.output = this.run.router.route(page.response.status);
		const produced = this.run.settings.responseFormat === 'file' ? await this.file(page) : this.json(page);
		if (!Array.isArray(produced)) return produced;
		const count = this.items.length + produced.length;
		if (count > MAX_ITEMS_PER_INPUT) return unusable(page, tooManyItems(count), 'response');
		for (const item of produced) this.items.push(item); // not push(...produced): a spread of 100,000 overflows the stack
		return 'more';
	}

	done({ pages, stoppedBecause, stopMessage }: Fetched): void {
		if (stoppedBecause) this.markPaging(pages, stoppedBecause, stopMessage);
		this.run.settle(this.index, { output: this.output, items: this.items });
	}

	/**
	 * The data says how paging ended: with Full Response every item's wrapper (the node's own shape) always carries
	 * `pagination`; otherwise only the items of a list that stopped short do (a complete export stays as the API sent
	 * it), and never over a field of the record's own.
	 */
	private markPaging(pagesFetched: number, stoppedBecause: string, message: string | undefined): void {
		if (message) this.run.stoppedShort(message);
		if (!message && !this.run.settings.fullResponse) return;
		const pagination = message ? { pagesFetched, stoppedBecause, message: this.run.exit.text(message) } : { pagesFetched, stoppedBecause };
		for (const item of this.items) if (!('pagination' in item.json)) item.json.pagination = pagination;
	}

	failed(failure: Failure): void {
		const { exit, router } = this.run;
		if (failure.kind === 'input' && this.run.stopOnInputError) throw exit.thrown(failure.message, this.index);
		const route = failureRoute(failure);
		const output = route === INPUT_OUTPUT ? router.inputError : router.route(route);
		const details = failureDetails(failure, this.run.jtl);
		// A workflow's user reads the item's number; a tool call is always one item.
		if (failure.kind === 'input') details.message = `Item ${this.index}: ${details.message}`;
		this.run.settle(this.index, { output, items: [exit.error(this.index, router.outputs[output].displayName, details)] });
	}

	private json(page: Page): INodeExecutionData[] | Failure {
		const { response } = page;
		const { settings, exit } = this.run;
		const shaped = shapeSuccess(page.body, { status: response.status, statusText: statusTextFor(response.status), headers: response.headers }, settings);
		if (!Array.isArray(shaped)) return unusable(page, shaped.problem, shaped.source);
		// Everything the items were built from: when it cannot hold a secret, neither can they.
		const source = settings.fullResponse ? [page.text, JSON.stringify(response.headers)] : [page.text];
		return exit.json(this.index, shaped, source);
	}

	private async file(page: Page): Promise<INodeExecutionData[] | Failure> {
		const { response } = page;
		const { settings, exit } = this.run;
		const meta = settings.fullResponse ? { statusCode: response.status, statusMessage: statusTextFor(response.status), headers: safeHeaders(response.headers) } : {};
		// Only 2xx bodies are streamed: a 304 Not Modified, or a redirect not followed, has no file to store.
		if (!response.stream) return exit.json(this.index, [{ statusCode: response.status, statusMessage: statusTextFor(response.status), ...meta }], [JSON.stringify(response.headers)]);
		const file = await settle(
			exit.file(this.index, response.stream, {
				fileName: fileNameOf(response),
				mimeType: mimeTypeOf(response),
				field: settings.outputBinaryPropertyName,
				maxBytes: settings.maxFileBytes,
				json: meta,
			}),
		);
		if (file.ok) return [file.value];
		return file.error instanceof FileTooLargeError ? unusable(page, file.error.message, 'response') : downloadFailure(page, file.error);
	}
}
