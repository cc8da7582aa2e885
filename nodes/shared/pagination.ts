/**
 * Pagination decisions, pure: given the page just received, where the next page is (or that there is
 * none). The node loops; nothing here does I/O.
 */
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

/** The rel="next" target of an RFC 8288 Link header, if any. */
export function nextFromLinkHeader(header: string | string[] | undefined): string | undefined {
	const value = Array.isArray(header) ? header.join(', ') : header;
	if (!value) return undefined;
	for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
		const params = match[2];
		if (/;\s*rel\s*=\s*"?(?:[^";,]*\s)?next(?=[\s";,]|$)/i.test(params)) return match[1];
	}
	return undefined;
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
		const url = new URL(page.url);
		const offset = Number(url.searchParams.get(settings.offsetParameter) ?? 0) || 0;
		url.searchParams.set(settings.offsetParameter, String(offset + results.length));
		url.searchParams.set(settings.limitParameter, String(settings.pageSize));
		return url.href;
	}
	if (next === undefined) return undefined;
	const resolved = new URL(next, page.url).href;
	return resolved === page.url ? undefined : resolved;
}
