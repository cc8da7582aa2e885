/**
 * The page loop of one item: call the API (callApi.ts), hand the page to the item's presentation, find the next
 * page (pagination.ts), hold it to the URL rule, and so on. It knows nothing of tool mode or items: what a page
 * becomes is the presentation's business, and so is whether it wants more.
 */
import { messageOf } from '../../shared/http/settle';
import type { CallOutcome } from '../callApi';
import type { Failure } from '../present/failures';
import { type Fetched, type ItemPresentation, Page } from '../present/presenter';
import { firstPageUrl, nextPage, type PaginationSettings, resultsFieldProblem, stopMessage } from '../pagination';
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
		if (!pagination) return { pages, stoppedAtBudget: false };
		const { response } = page;
		// The body is read for links only when the mode needs it (a Link header does not).
		const step = nextPage(pagination, { url: response.url, headers: response.headers, get body() { return page.linkBody; } }, pages);
		if ('stop' in step) {
			// Without its list the first page cannot be counted: the item's settings are wrong, not the API.
			if (step.stop === 'resultsFieldMissing' && pages === 1) {
				return { kind: 'unusable', status: response.status, message: resultsFieldProblem(pagination, pages, page.linkBody), source: 'input', attempts: outcome.attempts, request: line, pagesFetched: 0 };
			}
			return { pages, stoppedAtBudget: false, stoppedBecause: step.stop, stopMessage: stopMessage(pagination, step.stop, pages, page.linkBody) };
		}
		if (verdict === 'enough') return { pages, stoppedAtBudget: true };
		// The next link is the API's choice, not the user's: it passes the same rule as the URL parameter (only the
		// credential's API host ever gets the token).
		try {
			url = resolveUrl(source.baseUrl || request.url, step.next).href;
		} catch (error) {
			const message = `Pagination stopped after ${pages} page(s): ${messageOf(error)}`;
			return { kind: 'unusable', status: response.status, message, source: 'input', attempts: outcome.attempts, request: line, pagesFetched: pages };
		}
	}
}
