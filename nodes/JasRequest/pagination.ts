/**
 * Pagination decisions, pure: given the page just received, where the next page is (or that there is
 * none). The node loops; nothing here does I/O.
 */
import { tryParseUrl } from '../shared/http/url';
import { getPath } from './dotPath';

export type PaginationSettings =
	| { mode: 'nextUrl'; nextUrlField: string; maxPages: number }
	| { mode: 'linkHeader'; maxPages: number }
	| { mode: 'offset'; offsetParameter: string; limitParameter: string; pageSize: number; itemsField: string; maxPages: number };

export interface Page {
	/** URL the page was requested from (after redirects). */
	url: string;
	headers: Record<string, string | string[]>;
	/** Parsed body (JSON), or text. */
	body: unknown;
}

/**
 * The rel="next" target of an RFC 8288 Link header, if any. One left-to-right scan (linear in the header's
 * length, whatever it contains): a hostile 16 KB header must not block the process.
 */
export function nextFromLinkHeader(header: string | string[] | undefined): string | undefined {
	const value = Array.isArray(header) ? header.join(', ') : header;
	if (!value) return undefined;
	let position = 0;
	while (position < value.length) {
		const open = value.indexOf('<', position);
		if (open === -1) return undefined;
		const close = value.indexOf('>', open + 1);
		if (close === -1) return undefined;
		const target = value.slice(open + 1, close);
		// The link's parameters run to the next comma outside quotes.
		let end = close + 1;
		let quoted = false;
		for (; end < value.length; end++) {
			const ch = value[end];
			if (ch === '"') quoted = !quoted;
			else if (ch === '\\' && quoted) end++;
			else if (ch === ',' && !quoted) break;
			else if (ch === '<' && !quoted) break;
		}
		if (hasRelNext(value.slice(close + 1, end))) return target;
		position = end;
	}
	return undefined;
}

/** Whether `;`-separated link parameters include rel="next" (rel may list several types). */
function hasRelNext(params: string): boolean {
	for (const param of params.split(';')) {
		const eq = param.indexOf('=');
		if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'rel') continue;
		const types = param.slice(eq + 1).trim().replace(/^"|"$/g, '');
		if (types.toLowerCase().split(/\s+/).includes('next')) return true;
	}
	return false;
}

/** The first request of a paginated call: offset mode adds offset 0 and the limit. */
export function firstPageUrl(settings: PaginationSettings, url: string): string {
	if (settings.mode !== 'offset') return url;
	const first = new URL(url);
	first.searchParams.set(settings.offsetParameter, '0');
	first.searchParams.set(settings.limitParameter, String(settings.pageSize));
	return first.href;
}

/** The page's results in offset mode, for counting. */
export function pageResults(settings: PaginationSettings, body: unknown): unknown[] | undefined {
	if (settings.mode !== 'offset') return undefined;
	const results = getPath(body, settings.itemsField);
	return Array.isArray(results) ? results : undefined;
}

/**
 * Why a paginated call fetched no further page. `lastPage`: the API said this was the last (the only silent end);
 * `maxPages`: Max Pages was reached while the API offered another page; `nextUrlFieldMissing`: the first page has
 * no Next URL Field at all (a wrong path, not a last page); `resultsFieldMissing`: a page has no array at the
 * Results Field (offset mode), so it cannot be counted.
 */
export type StopReason = 'lastPage' | 'maxPages' | 'nextUrlFieldMissing' | 'resultsFieldMissing';

/** After a page: the next page's URL, or why there is none. */
export type PageStep = { next: string } | { stop: StopReason };

/**
 * Whether `path` is absent from `body` in a way a last page does not explain: its parent object is missing (a
 * wrong path such as `links.next` for `_links.next`), or, for a top-level field, the field itself. A present
 * parent without the field (`_links: {}`) is how many APIs mark the last page.
 */
function fieldAbsent(body: unknown, path: string): boolean {
	const keys = path.trim().split('.');
	const parent = getPath(body, keys.slice(0, -1).join('.'));
	return parent === null || typeof parent !== 'object' || (keys.length === 1 && !(keys[0] in parent));
}

/**
 * The next page, or why paging stops. `pagesFetched` counts this page. Relative next links are resolved against
 * the page's URL; a next link equal to the current URL ends the list (a server bug would otherwise spin until
 * Max Pages). A link that does not parse is returned as it came: the caller's URL rule refuses it with a message.
 */
export function nextPage(settings: PaginationSettings, page: Page, pagesFetched: number): PageStep {
	let next: string | undefined;
	if (settings.mode === 'nextUrl') {
		const value = getPath(page.body, settings.nextUrlField);
		next = typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
		// Later pages may drop the field at the end of the list; the first page shows whether the path is right.
		if (next === undefined && value === undefined && pagesFetched === 1 && fieldAbsent(page.body, settings.nextUrlField)) return { stop: 'nextUrlFieldMissing' };
	} else if (settings.mode === 'linkHeader') {
		next = nextFromLinkHeader(page.headers.link);
	} else {
		const results = pageResults(settings, page.body);
		if (!results) return { stop: 'resultsFieldMissing' };
		if (results.length < settings.pageSize) return { stop: 'lastPage' };
		const url = tryParseUrl(page.url);
		if (!url) return { stop: 'lastPage' };
		const offset = Number(url.searchParams.get(settings.offsetParameter) ?? 0) || 0;
		url.searchParams.set(settings.offsetParameter, String(offset + results.length));
		url.searchParams.set(settings.limitParameter, String(settings.pageSize));
		next = url.href;
	}
	if (next === undefined) return { stop: 'lastPage' };
	const resolved = tryParseUrl(next, page.url)?.href;
	if (resolved === page.url) return { stop: 'lastPage' };
	if (pagesFetched >= settings.maxPages) return { stop: 'maxPages' };
	return { next: resolved ?? next };
}

/** URL of the next page, or undefined when paging stops (for callers that need no reason: the trigger's lists). */
export function nextPageUrl(settings: PaginationSettings, page: Page, pagesFetched: number): string | undefined {
	const step = nextPage(settings, page, pagesFetched);
	return 'next' in step ? step.next : undefined;
}

/** The top-level fields of a page, for a message saying which field is missing (at most `max`). */
export function fieldsOfPage(body: unknown, max = 12): string {
	if (Array.isArray(body)) return 'the page is a list, not an object';
	if (body === null || typeof body !== 'object') return 'the page is not JSON';
	const keys = Object.keys(body);
	if (keys.length === 0) return 'the page is an empty object';
	const shown = keys.slice(0, max).join(', ');
	return `the page has: ${shown}${keys.length > max ? `, … (${keys.length} fields)` : ''}`;
}

/** What the user reads when paging stopped short of the list's end (undefined for `lastPage`). */
export function stopMessage(settings: PaginationSettings, reason: StopReason, pages: number, body: unknown): string | undefined {
	switch (reason) {
		case 'maxPages':
			return `Pagination stopped at Max Pages (${settings.maxPages}) after ${pages} page(s), and the API offers more: raise Max Pages to fetch the rest.`;
		case 'nextUrlFieldMissing':
			return `Pagination stopped after page 1: it has no Next URL Field "${settings.mode === 'nextUrl' ? settings.nextUrlField : ''}" (${fieldsOfPage(body)}). If the list has more pages, set Next URL Field to where the page holds the next page's URL.`;
		case 'resultsFieldMissing':
			return `${resultsFieldProblem(settings, pages, body)} Paging stopped there, so later pages were not fetched.`;
		default:
			return undefined;
	}
}

/** A page without a list at the Results Field (offset mode): on page 1 the item's input is wrong (Client Error). */
export function resultsFieldProblem(settings: PaginationSettings, pages: number, body: unknown): string {
	const field = settings.mode === 'offset' ? settings.itemsField : '';
	return `Page ${pages} has no list at Results Field "${field}" (${fieldsOfPage(body)}). Set Results Field (under Pagination) to the field that holds each page's results.`;
}
