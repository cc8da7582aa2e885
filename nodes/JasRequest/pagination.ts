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
 * URL of the next page, or undefined when this was the last. `pagesFetched` counts this one.
 * Relative next links are resolved against the page's URL; a next link equal to the current URL ends
 * the loop (a server bug would otherwise spin until maxPages).
 */
export function nextPageUrl(settings: PaginationSettings, page: Page, pagesFetched: number): string | undefined {
	if (pagesFetched >= settings.maxPages) return undefined;
	let next: string | undefined;
	if (settings.mode === 'nextUrl') {
		const value = getPath(page.body, settings.nextUrlField);
		next = typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
	} else if (settings.mode === 'linkHeader') {
		next = nextFromLinkHeader(page.headers.link);
	} else {
		const results = pageResults(settings, page.body);
		if (!results || results.length < settings.pageSize) return undefined;
		const url = tryParseUrl(page.url);
		if (!url) return undefined;
		const offset = Number(url.searchParams.get(settings.offsetParameter) ?? 0) || 0;
		url.searchParams.set(settings.offsetParameter, String(offset + results.length));
		url.searchParams.set(settings.limitParameter, String(settings.pageSize));
		return url.href;
	}
	if (next === undefined) return undefined;
	// A link that does not parse is returned as it came: the caller's URL rule refuses it with a message.
	const resolved = tryParseUrl(next, page.url)?.href;
	if (resolved === undefined) return next;
	return resolved === page.url ? undefined : resolved;
}
