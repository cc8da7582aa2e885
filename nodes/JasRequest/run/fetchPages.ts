/**
 * The page loop of one item: call the API (callApi.ts), hand the page to the item's presentation, find the next
 * page (pagination.ts), hold it to the URL rule, and so on. It knows nothing of tool mode or items: what a page
 * becomes is the presentation's business, and so is whether it wants more.
 */
import { messageOf } from '../../shared/http/settle';
import type { CallOutcome } from '../callApi';
import type { Failure } from '../present/failures';
import { type ItemPresentation, Page } from '../present/presenter';
import { firstPageUrl, nextPageUrl, type PaginationSettings } from '../pagination';
import { type PreparedRequest, resolveUrl } from '../requestBuilder';
import type { ResponseFormat } from '../responseBody';

/** What every item's page loop shares in a run. */
export interface PageSource {
	/** One API call, token and retries included (callApi.ts with the run's authorizer and settings). */
	call: (request: PreparedRequest) => Promise<CallOutcome>;
	/** The credential's API URL: next links pass the same URL rule as the URL parameter. */
	baseUrl: string;
	pagination?: PaginationSettings;
	format: ResponseFormat;
}

/** How the loop ended well: the pages fetched, and whether more existed when the presentation had enough. */
export interface Fetched {
	pages: number;
	stoppedAtBudget: boolean;
}

export async function fetchPages(request: PreparedRequest, source: PageSource, presentation: ItemPresentation): Promise<Fetched | Failure> {
	const { call, pagination, format } = source;
	let url = pagination ? firstPageUrl(pagination, request.url) : request.url;
	for (let pages = 1; ; pages++) {
		const pageRequest = url === request.url ? request : { ...request, url };
		const line = { method: request.method, url };
		const outcome = await call(pageRequest);
		// With pagination, a failure says how many pages came before it.
		const pagesFetched = pagination ? pages - 1 : undefined;
		if (outcome.kind === 'token' || outcome.kind === 'network') return { ...outcome, request: line, pagesFetched };
		if (outcome.response.status >= 400) return { ...outcome, kind: 'api', request: line, pagesFetched };
		const page = new Page(outcome.response, outcome.attempts, pages, line, format);
		const verdict = await presentation.page(page);
		if (typeof verdict === 'object') return { ...verdict, pagesFetched };
		if (verdict === 'last') return { pages, stoppedAtBudget: false };
		const { response } = page;
		const next = pagination ? nextPageUrl(pagination, { url: response.url, headers: response.headers, body: page.linkBody }, pages) : undefined;
		if (!next) return { pages, stoppedAtBudget: false };
		if (verdict === 'enough') return { pages, stoppedAtBudget: true };
		// The next link is the API's choice, not the user's: it passes the same rule as the URL parameter (only the
		// credential's API host ever gets the token).
		try {
			url = resolveUrl(source.baseUrl || request.url, next).href;
		} catch (error) {
			const message = `Pagination stopped after ${pages} page(s): ${messageOf(error)}`;
			return { kind: 'unusable', status: response.status, message, source: 'input', attempts: outcome.attempts, request: line, pagesFetched: pages };
		}
	}
}
