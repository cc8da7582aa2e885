import { fieldsOfPage, firstPageUrl, nextFromLinkHeader, nextPage, nextPageUrl, pageResults, stopMessage, type Page, type PaginationSettings } from '../../nodes/JasRequest/pagination';

describe('nextFromLinkHeader', () => {
	it('reads a hostile 800 KB header in one linear pass (a quadratic parser would block for minutes)', () => {
		const hostile = `${'<'.repeat(300_000)}${'; rel=prev'.repeat(30_000)}, ${'<x>;'.repeat(50_000)} <https://h/next>; rel="next"`;
		expect(hostile.length).toBeGreaterThan(800_000);
		expect(nextFromLinkHeader(hostile)).toBe('https://h/next');
		expect(nextFromLinkHeader(`<a>; rel="${'x '.repeat(500_000)}"`)).toBeUndefined();
	});

	it('finds rel="next" among several links', () => {
		const header = '<https://h/items?page=1>; rel="first", <https://h/items?page=3>; rel="next", <https://h/items?page=9>; rel="last"';
		expect(nextFromLinkHeader(header)).toBe('https://h/items?page=3');
	});

	it('accepts unquoted rel, spaces around "=", and other parameters before rel', () => {
		expect(nextFromLinkHeader('<https://h/a?p=2>; rel=next')).toBe('https://h/a?p=2');
		expect(nextFromLinkHeader('<https://h/a?p=2> ; title="page two" ; rel = "next"')).toBe('https://h/a?p=2');
	});

	it('reads rel lists: rel="next last" and rel="last next"', () => {
		expect(nextFromLinkHeader('<https://h/p2>; rel="next last"')).toBe('https://h/p2');
		expect(nextFromLinkHeader('<https://h/p1>; rel="prev", <https://h/p9>; rel="last next"')).toBe('https://h/p9');
		expect(nextFromLinkHeader('<https://h/p9>; rel="first last"')).toBeUndefined();
	});

	it('compares rel case-insensitively', () => {
		expect(nextFromLinkHeader('<https://h/p2>; REL="Next"')).toBe('https://h/p2');
	});

	it('joins repeated Link headers (array form)', () => {
		expect(nextFromLinkHeader(['<https://h/p1>; rel="prev"', '<https://h/p3>; rel="next"'])).toBe('https://h/p3');
	});

	it('returns undefined without a next link', () => {
		expect(nextFromLinkHeader(undefined)).toBeUndefined();
		expect(nextFromLinkHeader('')).toBeUndefined();
		expect(nextFromLinkHeader('<https://h/p1>; rel="prev", <https://h/p9>; rel="last"')).toBeUndefined();
		// "next" outside rel is not a relation.
		expect(nextFromLinkHeader('<https://h/p1>; title="next"; rel="prev"')).toBeUndefined();
	});

	it('keeps relative targets as written (resolution is the caller\'s job)', () => {
		expect(nextFromLinkHeader('</items?page=2>; rel="next"')).toBe('/items?page=2');
	});

	// BUG: the rel pattern is not anchored at the end of the relation type, so any relation that merely starts with
	// "next" counts as next, e.g. RFC 5005's "next-archive" (the following archive document, not the next page).
	// Proposed fix in pagination.ts (nextFromLinkHeader): end the relation type at a delimiter, i.e. use
	//   /;\s*rel\s*=\s*"?(?:[^";,]*\s)?next(?=[\s";,]|$)/i
	it('does not take rel="next-archive" (or other rel types starting with "next") for next', () => {
		expect(nextFromLinkHeader('<https://h/archive/2>; rel="next-archive"')).toBeUndefined();
	});
});

describe('firstPageUrl', () => {
	it('adds offset 0 and the limit in offset mode, replacing existing values', () => {
		const settings: PaginationSettings = { mode: 'offset', offsetParameter: 'offset', limitParameter: 'limit', pageSize: 50, itemsField: 'items', maxPages: 10 };
		const url = new URL(firstPageUrl(settings, 'https://h/api/items?offset=7&q=x'));
		expect(url.searchParams.get('offset')).toBe('0');
		expect(url.searchParams.get('limit')).toBe('50');
		expect(url.searchParams.get('q')).toBe('x');
		expect(url.searchParams.getAll('offset')).toHaveLength(1);
	});

	it('leaves the URL alone in the other modes', () => {
		expect(firstPageUrl({ mode: 'nextUrl', nextUrlField: 'next', maxPages: 5 }, 'https://h/a?b=1')).toBe('https://h/a?b=1');
		expect(firstPageUrl({ mode: 'linkHeader', maxPages: 5 }, 'https://h/a')).toBe('https://h/a');
	});
});

const page = (url: string, body: unknown, headers: Page['headers'] = {}): Page => ({ url, body, headers });

describe('nextPageUrl: nextUrl mode', () => {
	const settings: PaginationSettings = { mode: 'nextUrl', nextUrlField: 'meta.next', maxPages: 5 };

	it('takes the URL from the body field', () => {
		expect(nextPageUrl(settings, page('https://h/api/items', { meta: { next: 'https://h/api/items?cursor=abc' } }), 1)).toBe(
			'https://h/api/items?cursor=abc',
		);
	});

	it('resolves relative links against the page URL', () => {
		expect(nextPageUrl(settings, page('https://h/api/items?cursor=1', { meta: { next: '?cursor=2' } }), 1)).toBe('https://h/api/items?cursor=2');
		expect(nextPageUrl(settings, page('https://h/api/items', { meta: { next: '/api/items?page=2' } }), 1)).toBe('https://h/api/items?page=2');
		expect(nextPageUrl(settings, page('https://h/api/v1/items', { meta: { next: 'items?page=2' } }), 1)).toBe('https://h/api/v1/items?page=2');
	});

	it('stops on a missing, empty, null or non-string field', () => {
		for (const meta of [{}, { next: '' }, { next: '   ' }, { next: null }, { next: 2 }]) {
			expect(nextPageUrl(settings, page('https://h/a', { meta }), 1)).toBeUndefined();
		}
		expect(nextPageUrl(settings, page('https://h/a', 'plain text'), 1)).toBeUndefined();
	});

	it('stops at maxPages', () => {
		const body = { meta: { next: 'https://h/a?p=6' } };
		expect(nextPageUrl(settings, page('https://h/a?p=4', body), 4)).toBe('https://h/a?p=6');
		expect(nextPageUrl(settings, page('https://h/a?p=5', body), 5)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/a?p=6', body), 6)).toBeUndefined();
	});

	it('stops when the next link points at the current page (absolute or relative)', () => {
		expect(nextPageUrl(settings, page('https://h/a?p=2', { meta: { next: 'https://h/a?p=2' } }), 2)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/a?p=2', { meta: { next: '?p=2' } }), 2)).toBeUndefined();
	});
});

describe('nextPageUrl: linkHeader mode', () => {
	const settings: PaginationSettings = { mode: 'linkHeader', maxPages: 3 };

	it('follows rel="next", resolving relative targets', () => {
		const headers = { link: '</api/items?page=2>; rel="next", </api/items?page=9>; rel="last"' };
		expect(nextPageUrl(settings, page('https://h/api/items?page=1', null, headers), 1)).toBe('https://h/api/items?page=2');
	});

	it('stops without a next link, at maxPages, and on a self link', () => {
		expect(nextPageUrl(settings, page('https://h/a', null, { link: '<https://h/a?p=0>; rel="prev"' }), 1)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/a', null, {}), 1)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/a', null, { link: '<https://h/b>; rel="next"' }), 3)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/a?p=2', null, { link: '<https://h/a?p=2>; rel="next"' }), 1)).toBeUndefined();
	});
});

describe('nextPageUrl: offset mode', () => {
	const settings: PaginationSettings = { mode: 'offset', offsetParameter: 'skip', limitParameter: 'take', pageSize: 2, itemsField: 'data.items', maxPages: 4 };

	it('advances the offset by the number of results on a full page', () => {
		const next = nextPageUrl(settings, page('https://h/api/items?skip=0&take=2&q=a', { data: { items: [1, 2] } }), 1);
		const url = new URL(next!);
		expect(url.pathname).toBe('/api/items');
		expect(url.searchParams.get('skip')).toBe('2');
		expect(url.searchParams.get('take')).toBe('2');
		expect(url.searchParams.get('q')).toBe('a');

		const third = new URL(nextPageUrl(settings, page(next!, { data: { items: ['c', 'd'] } }), 2)!);
		expect(third.searchParams.get('skip')).toBe('4');
	});

	it('treats a missing offset as 0', () => {
		expect(new URL(nextPageUrl(settings, page('https://h/x', { data: { items: [1, 2] } }), 1)!).searchParams.get('skip')).toBe('2');
	});

	it('stops on a short page, an empty page, a missing or non-array field, and at maxPages', () => {
		expect(nextPageUrl(settings, page('https://h/x?skip=0', { data: { items: [1] } }), 1)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/x?skip=0', { data: { items: [] } }), 1)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/x?skip=0', { data: {} }), 1)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/x?skip=0', { data: { items: 'no' } }), 1)).toBeUndefined();
		expect(nextPageUrl(settings, page('https://h/x?skip=6', { data: { items: [1, 2] } }), 4)).toBeUndefined();
	});

	it('pageResults counts only in offset mode', () => {
		expect(pageResults(settings, { data: { items: [1, 2, 3] } })).toEqual([1, 2, 3]);
		expect(pageResults(settings, { data: { items: {} } })).toBeUndefined();
		expect(pageResults({ mode: 'linkHeader', maxPages: 1 }, [1])).toBeUndefined();
	});

	it('a body that is the array itself, with itemsField "."', () => {
		const rootSettings: PaginationSettings = { ...settings, itemsField: '.' };
		expect(new URL(nextPageUrl(rootSettings, page('https://h/x?skip=10', ['a', 'b']), 1)!).searchParams.get('skip')).toBe('12');
	});
});

describe('nextPage: why paging stops (never silently short of the end)', () => {
	const nextUrl: PaginationSettings = { mode: 'nextUrl', nextUrlField: '_links.next', maxPages: 3 };
	const offset: PaginationSettings = { mode: 'offset', offsetParameter: 'skip', limitParameter: 'take', pageSize: 2, itemsField: 'items', maxPages: 3 };

	it('lastPage when the API marks the end: a null or empty next, a present parent without it, a short offset page, no rel="next"', () => {
		expect(nextPage(nextUrl, page('https://h/a', { _links: {} }), 1)).toEqual({ stop: 'lastPage' });
		expect(nextPage(nextUrl, page('https://h/a', { _links: { next: null } }), 1)).toEqual({ stop: 'lastPage' });
		expect(nextPage({ ...nextUrl, nextUrlField: 'next' }, page('https://h/a', { next: '' }), 1)).toEqual({ stop: 'lastPage' });
		expect(nextPage(offset, page('https://h/a?skip=0', { items: [1] }), 1)).toEqual({ stop: 'lastPage' });
		expect(nextPage({ mode: 'linkHeader', maxPages: 3 }, page('https://h/a', null, {}), 1)).toEqual({ stop: 'lastPage' });
	});

	it('maxPages only when the API offers another page at the budget', () => {
		expect(nextPage(nextUrl, page('https://h/a?p=3', { _links: { next: '?p=4' } }), 3)).toEqual({ stop: 'maxPages' });
		expect(nextPage(offset, page('https://h/a?skip=4', { items: [1, 2] }), 3)).toEqual({ stop: 'maxPages' });
		expect(nextPage({ mode: 'linkHeader', maxPages: 1 }, page('https://h/a', null, { link: '<https://h/b>; rel="next"' }), 1)).toEqual({ stop: 'maxPages' });
		expect(nextPage(nextUrl, page('https://h/a?p=3', { _links: {} }), 3)).toEqual({ stop: 'lastPage' });
	});

	it('nextUrlFieldMissing when page 1 lacks the field\'s parent (a wrong path) or a top-level field; later pages may drop it', () => {
		expect(nextPage({ ...nextUrl, nextUrlField: 'links.next' }, page('https://h/a', { _links: { next: '?p=2' } }), 1)).toEqual({ stop: 'nextUrlFieldMissing' });
		expect(nextPage({ ...nextUrl, nextUrlField: 'nextPage' }, page('https://h/a', { next: '?p=2' }), 1)).toEqual({ stop: 'nextUrlFieldMissing' });
		expect(nextPage({ ...nextUrl, nextUrlField: 'next' }, page('https://h/a', ['not', 'an', 'object']), 1)).toEqual({ stop: 'nextUrlFieldMissing' });
		expect(nextPage({ ...nextUrl, nextUrlField: 'nextPage' }, page('https://h/a?p=2', { items: [] }), 2)).toEqual({ stop: 'lastPage' });
	});

	it('resultsFieldMissing when an offset page has no list at the Results Field', () => {
		expect(nextPage(offset, page('https://h/a', { data: [1, 2] }), 1)).toEqual({ stop: 'resultsFieldMissing' });
		expect(nextPage(offset, page('https://h/a', { items: 'no' }), 2)).toEqual({ stop: 'resultsFieldMissing' });
	});

	it('a next page otherwise', () => {
		expect(nextPage(nextUrl, page('https://h/a', { _links: { next: '?p=2' } }), 1)).toEqual({ next: 'https://h/a?p=2' });
	});

	it('the message names what to fix; the list\'s end has none', () => {
		expect(stopMessage(nextUrl, 'lastPage', 2, {})).toBeUndefined();
		expect(stopMessage(nextUrl, 'maxPages', 3, {})).toMatch(/Max Pages \(3\) after 3 page\(s\)/);
		expect(stopMessage({ ...nextUrl, nextUrlField: 'links.next' }, 'nextUrlFieldMissing', 1, { items: [], _links: {} })).toContain('"links.next" (the page has: items, _links)');
		expect(stopMessage(offset, 'resultsFieldMissing', 2, { data: [] })).toContain('Page 2 has no list at Results Field "items" (the page has: data)');
	});

	it('fieldsOfPage lists at most a dozen top-level fields, and says when the page is no object', () => {
		expect(fieldsOfPage(Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`f${i}`, i])))).toBe('the page has: f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, … (14 fields)');
		expect(fieldsOfPage([1])).toMatch(/a list, not an object/);
		expect(fieldsOfPage('text')).toBe('the page is not JSON');
		expect(fieldsOfPage({})).toBe('the page is an empty object');
	});
});
