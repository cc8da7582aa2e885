/**
 * What the page loop (run/fetchPages.ts) hands over, and what takes it: a presenter turns an item's pages, or its
 * failure, into what the node returns. One presenter per run, chosen once: workflow items (itemsPresenter.ts) or an
 * AI agent's tool answers (toolPresenter.ts).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { HttpResponse } from '../../shared/http/send';
import type { StopReason } from '../pagination';
import { bodyText, parseText, type ResponseFormat } from '../responseBody';
import type { Failure, RequestLine } from './failures';

/** One successful answer (status below 400) of an item's call; its body is decoded and parsed at most once, on demand. */
export class Page {
	private decoded?: string;

	private parsed = false;

	private parsedBody: unknown;

	constructor(
		readonly response: HttpResponse,
		readonly attempts: number,
		/** 1 for the first page. */
		readonly number: number,
		readonly request: RequestLine,
		private readonly format: ResponseFormat,
	) {}

	/** The body as text ('' for a file download: its bytes are streamed, not read). */
	get text(): string {
		this.decoded ??= this.format === 'file' ? '' : bodyText(this.response.body, this.response.headers);
		return this.decoded;
	}

	/** The body as the Response Format reads it: JSON when the API says JSON (auto), else text. */
	get body(): unknown {
		if (!this.parsed) {
			this.parsedBody = parseText(this.text, this.response.headers, this.format);
			this.parsed = true;
		}
		return this.parsedBody;
	}

	/** The body as read for next links: JSON even when the items keep it as text. */
	get linkBody(): unknown {
		return this.format === 'auto' ? this.body : parseText(this.text, this.response.headers, 'auto');
	}
}

/** How an item's page loop ended well: the pages fetched, and whether more existed when the presentation had enough. */
export interface Fetched {
	pages: number;
	stoppedAtBudget: boolean;
	/** With pagination: why no further page was fetched, and what the user reads when that was not the list's end. */
	stoppedBecause?: StopReason;
	stopMessage?: string;
}

/**
 * After a page: `more` fetch the next page, if there is one; `enough` stop if there is one (a budget is reached);
 * `last` stop here; or the failure that ends the item.
 */
export type PageVerdict = 'more' | 'enough' | 'last' | Failure;

/** One item's presentation, fed by the page loop: pages, then `done` or `failed` (exactly one of them, once). */
export interface ItemPresentation {
	page(page: Page): Promise<PageVerdict>;
	/** How the pages ended: `stoppedAtBudget` (more exist, the presentation had enough), and with pagination why it stopped. */
	done(fetched: Fetched): void;
	/** May throw the error that stops the workflow (On Error: Stop, for an item's own input). */
	failed(failure: Failure): void;
}

export interface Presenter {
	item(index: number): ItemPresentation;
	/** The node's return value, once every item is done. */
	outputs(): INodeExecutionData[][];
}
