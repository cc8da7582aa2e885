/**
 * The tool presenter: in tool mode the model receives one answer per call on output 0 (toolAnswer.ts): the bodies
 * as the API sent them (Split Into Items and Full Response shape items, not answers) until the budget is reached,
 * a file described from what was stored, or a failure's details.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { formatBytes } from '../../shared/http/send';
import { settle } from '../../shared/http/settle';
import type { RunSettings } from '../settings';
import { Exit, FileTooLargeError, fileNameOf, mimeTypeOf, TEXT_TYPES } from './emit';
import { statusTextFor } from './errorItems';
import { type Failure, failureDetails } from './failures';
import { downloadFailure, unusable } from './pageFailures';
import type { Fetched, ItemPresentation, Page, PageVerdict, Presenter } from './presenter';
import type { FileDescription, ToolOutcome } from './toolAnswer';

type ToolSettings = Pick<RunSettings, 'responseFormat' | 'outputBinaryPropertyName' | 'maxFileBytes'>;

export class ToolPresenter implements Presenter {
	private readonly answers: INodeExecutionData[];

	constructor(
		readonly exit: Exit,
		readonly settings: ToolSettings,
		/** The most characters of one answer. */
		readonly maxChars: number,
		count: number,
		/** The credential is JTL-FFN's: its own tips go with API errors. */
		readonly jtl = false,
	) {
		this.answers = new Array<INodeExecutionData>(count);
	}

	item(index: number): ItemPresentation {
		return new ToolItem(this, index);
	}

	answer(index: number, outcome: ToolOutcome): void {
		this.answers[index] = this.exit.tool(index, outcome, this.maxChars);
	}

	outputs(): INodeExecutionData[][] {
		return [this.answers];
	}
}

/** Auto format: a successful answer of a type that is neither JSON nor text is a file a model cannot read. */
function fileOf(page: Page): FileDescription | undefined {
	const mimeType = mimeTypeOf(page.response);
	if (mimeType === '' || TEXT_TYPES.test(mimeType)) return undefined;
	return { fileName: fileNameOf(page.response), mimeType, size: formatBytes(page.response.body.length) };
}

class ToolItem implements ItemPresentation {
	private readonly bodies: unknown[] = [];

	private chars = 0;

	private status = 0;

	/** What the answer is when it is not the bodies: a file, a success without one, or the page a file stopped. */
	private outcome?: ToolOutcome;

	private stoppedAtFile?: FileDescription & { page: number };

	constructor(
		private readonly run: ToolPresenter,
		private readonly index: number,
	) {}

	async page(page: Page): Promise<PageVerdict> {
		if (page.number === 1) this.status = page.response.status;
		const format = this.run.settings.responseFormat;
		if (format === 'file') return await this.storeFile(page);
		const file = format === 'auto' ? fileOf(page) : undefined;
		if (file) {
			// A file after JSON pages ends the pagination, but keeps the pages before (and says so).
			if (page.number === 1) this.outcome = { kind: 'file', status: page.response.status, ...file };
			else this.stoppedAtFile = { ...file, page: page.number };
			return 'last';
		}
		this.bodies.push(page.body);
		// Its text's length measures a body (serialising a large or deeply nested body again would cost, or fail).
		this.chars += page.text.length;
		return this.chars >= this.run.maxChars ? 'enough' : 'more';
	}

	done({ stoppedAtBudget, stopMessage }: Fetched): void {
		const pages = this.bodies.length;
		const body = pages === 1 ? this.bodies[0] : this.bodies;
		this.run.answer(this.index, this.outcome ?? { kind: 'success', status: this.status, body, pages, stoppedAtBudget, stoppedAtFile: this.stoppedAtFile, stopMessage });
	}

	failed(failure: Failure): void {
		this.run.answer(this.index, { kind: 'error', error: failureDetails(failure, this.run.jtl) });
	}

	/** File format: the first page's file is stored and described; later pages' files are not shown to the model. */
	private async storeFile(page: Page): Promise<PageVerdict> {
		const { response } = page;
		if (page.number > 1) {
			response.stream?.destroy();
			return 'more';
		}
		if (!response.stream) {
			this.outcome = { kind: 'noFile', status: response.status, statusText: statusTextFor(response.status) };
			return 'more';
		}
		const { exit, settings } = this.run;
		const meta = { fileName: fileNameOf(response), mimeType: mimeTypeOf(response), field: settings.outputBinaryPropertyName, maxBytes: settings.maxFileBytes, json: {} };
		const stored = await settle(exit.file(this.index, response.stream, meta));
		if (!stored.ok) return stored.error instanceof FileTooLargeError ? unusable(page, stored.error.message, 'response') : downloadFailure(page, stored.error);
		const file = stored.value.binary?.[settings.outputBinaryPropertyName];
		this.outcome = { kind: 'file', status: response.status, fileName: file?.fileName ?? 'file', mimeType: file?.mimeType ?? '', size: file?.fileSize ?? 'unknown size' };
		return 'more';
	}
}
