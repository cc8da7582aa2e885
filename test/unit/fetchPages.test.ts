/**
 * The page loop (run/fetchPages.ts) without n8n and without HTTP: a scripted call, a recording presentation.
 * It follows next links, stops when there are none, when the presentation has enough or wants no more, and
 * reports every failure with how many pages came before it.
 */
import type { CallOutcome } from '../../nodes/JasRequest/callApi';
import type { Failure } from '../../nodes/JasRequest/present/failures';
import type { ItemPresentation, Page, PageVerdict } from '../../nodes/JasRequest/present/presenter';
import type { PaginationSettings } from '../../nodes/JasRequest/pagination';
import type { PreparedRequest } from '../../nodes/JasRequest/requestBuilder';
import { fetchPages } from '../../nodes/JasRequest/run/fetchPages';
import type { HttpResponse } from '../../nodes/shared/http/send';
import { TransportError } from '../../nodes/shared/http/errors';

const BASE = 'https://api.example/v1';
const nextUrl: PaginationSettings = { mode: 'nextUrl', nextUrlField: 'next', maxPages: 100 };

function response(url: string, body: unknown, status = 200): HttpResponse {
	return { status, statusText: '', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), url, credentialsDropped: false };
}

/** Answers each URL from `pages`; records what was asked. */
function scripted(pages: Record<string, CallOutcome>) {
	const asked: string[] = [];
	const call = async (request: PreparedRequest): Promise<CallOutcome> => {
		asked.push(request.url);
		return pages[request.url] ?? { kind: 'network', error: new TransportError('refused', 'not scripted'), attempts: 1 };
	};
	return { asked, call };
}

/** Returns the verdicts in order (then 'more'), and keeps the pages' bodies. */
function recording(verdicts: PageVerdict[] = []) {
	const bodies: unknown[] = [];
	const presentation: ItemPresentation = {
		page: async (page: Page) => {
			bodies.push(page.body);
			return verdicts.shift() ?? 'more';
		},
		done: () => {},
		failed: () => {},
	};
	return { bodies, presentation };
}

const request: PreparedRequest = { method: 'GET', url: `${BASE}/orders`, headers: {} };
const ok = (url: string, body: unknown): CallOutcome => ({ kind: 'response', response: response(url, body), attempts: 1 });

it('follows next links until there is none, handing each page over once', async () => {
	const { asked, call } = scripted({ [`${BASE}/orders`]: ok(`${BASE}/orders`, { n: 1, next: '/v1/orders?p=2' }), [`${BASE}/orders?p=2`]: ok(`${BASE}/orders?p=2`, { n: 2 }) });
	const { bodies, presentation } = recording();
	await expect(fetchPages(request, { call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, presentation)).resolves.toEqual({ pages: 2, stoppedAtBudget: false, stoppedBecause: 'lastPage' });
	expect(asked).toEqual([`${BASE}/orders`, `${BASE}/orders?p=2`]);
	expect(bodies).toEqual([{ n: 1, next: '/v1/orders?p=2' }, { n: 2 }]);
});

it('without pagination, one page whatever the body says', async () => {
	const { asked, call } = scripted({ [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: '/v1/orders?p=2' }) });
	await expect(fetchPages(request, { call, baseUrl: BASE, format: 'auto' }, recording().presentation)).resolves.toEqual({ pages: 1, stoppedAtBudget: false });
	expect(asked).toHaveLength(1);
});

it('"enough" stops only when more pages exist (and says so); "last" stops at once', async () => {
	const first = { [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: '/v1/orders?p=2' }) };
	const enough = await fetchPages(request, { call: scripted(first).call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, recording(['enough']).presentation);
	expect(enough).toEqual({ pages: 1, stoppedAtBudget: true });
	const last = scripted(first);
	await expect(fetchPages(request, { call: last.call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, recording(['last']).presentation)).resolves.toEqual({ pages: 1, stoppedAtBudget: false });
	expect(last.asked).toHaveLength(1);
	const alone = { [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: null }) };
	await expect(fetchPages(request, { call: scripted(alone).call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, recording(['enough']).presentation)).resolves.toEqual({ pages: 1, stoppedAtBudget: false, stoppedBecause: 'lastPage' });
});

it('an HTTP error on page 2 is an api failure for that page, after 1 page', async () => {
	const { call } = scripted({
		[`${BASE}/orders`]: ok(`${BASE}/orders`, { next: '/v1/orders?p=2' }),
		[`${BASE}/orders?p=2`]: { kind: 'response', response: response(`${BASE}/orders?p=2`, { error: 'x' }, 500), attempts: 3 },
	});
	const failure = (await fetchPages(request, { call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, recording().presentation)) as Failure;
	expect(failure).toMatchObject({ kind: 'api', attempts: 3, pagesFetched: 1, request: { method: 'GET', url: `${BASE}/orders?p=2` } });
});

it('a failure the presentation finds carries the pages before it', async () => {
	const { call } = scripted({ [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: '/v1/orders?p=2' }), [`${BASE}/orders?p=2`]: ok(`${BASE}/orders?p=2`, {}) });
	const found: Failure = { kind: 'input', message: 'no', request: { method: 'GET', url: 'x' } };
	const failure = await fetchPages(request, { call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, recording(['more', found]).presentation);
	expect(failure).toMatchObject({ kind: 'input', pagesFetched: 1 });
	const single = await fetchPages(request, { call, baseUrl: BASE, format: 'auto' }, recording([found]).presentation);
	expect(single).toMatchObject({ kind: 'input' });
	expect((single as Failure).pagesFetched).toBeUndefined();
});

it("a next link off the API's host is refused by the URL rule, after the pages so far", async () => {
	const { asked, call } = scripted({ [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: 'https://elsewhere.example/steal' }) });
	const failure = await fetchPages(request, { call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, recording().presentation);
	expect(failure).toMatchObject({ kind: 'unusable', source: 'input', pagesFetched: 1, message: expect.stringMatching(/^Pagination stopped after 1 page\(s\): /) });
	expect(asked).toHaveLength(1);
});

it('next links are read from JSON even when the items keep the body as text', async () => {
	const { asked, call } = scripted({ [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: '/v1/orders?p=2' }), [`${BASE}/orders?p=2`]: ok(`${BASE}/orders?p=2`, {}) });
	const { bodies, presentation } = recording();
	await fetchPages(request, { call, baseUrl: BASE, pagination: nextUrl, format: 'text' }, presentation);
	expect(asked).toHaveLength(2);
	expect(typeof bodies[0]).toBe('string');
});

describe('pagination never stops silently: why it stopped, and what the user reads when it was not the end', () => {
	const offset: PaginationSettings = { mode: 'offset', offsetParameter: '$skip', limitParameter: '$top', pageSize: 2, itemsField: 'items', maxPages: 100 };
	const at = (skip: number) => `${BASE}/orders?%24skip=${skip}&%24top=2`;
	const source = (pages: Record<string, CallOutcome>, pagination: PaginationSettings) => ({ call: scripted(pages).call, baseUrl: BASE, pagination, format: 'auto' as const });

	it('Max Pages reached while the API offers another page: stoppedBecause maxPages, with a message saying to raise it', async () => {
		const pages = { [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: '/v1/orders?p=2' }), [`${BASE}/orders?p=2`]: ok(`${BASE}/orders?p=2`, { next: '/v1/orders?p=3' }) };
		const fetched = await fetchPages(request, source(pages, { ...nextUrl, maxPages: 2 }), recording().presentation);
		expect(fetched).toMatchObject({ pages: 2, stoppedBecause: 'maxPages', stopMessage: expect.stringMatching(/Max Pages \(2\) after 2 page\(s\).*raise Max Pages/) });
	});

	it('Max Pages reached on the last page is the list\'s end: no message', async () => {
		const fetched = await fetchPages(request, source({ [`${BASE}/orders`]: ok(`${BASE}/orders`, { next: null }) }, { ...nextUrl, maxPages: 1 }), recording().presentation);
		expect(fetched).toEqual({ pages: 1, stoppedAtBudget: false, stoppedBecause: 'lastPage' });
	});

	it('a Next URL Field the first page does not have: nextUrlFieldMissing, naming the field and the fields the page has', async () => {
		const body = { items: [1], _links: { next: '/v1/orders?p=2' } };
		const fetched = await fetchPages(request, source({ [`${BASE}/orders`]: ok(`${BASE}/orders`, body) }, { ...nextUrl, nextUrlField: 'links.next' }), recording().presentation);
		expect(fetched).toMatchObject({ pages: 1, stoppedBecause: 'nextUrlFieldMissing', stopMessage: expect.stringContaining('no Next URL Field "links.next" (the page has: items, _links)') });
	});

	it('a Results Field missing on page 1 is the item\'s input: a Client Error (input) failure naming the field and the page\'s fields', async () => {
		const failure = (await fetchPages(request, source({ [at(0)]: ok(at(0), { data: [1, 2], total: 5 }) }, { ...offset, itemsField: 'records' }), recording().presentation)) as Failure;
		expect(failure).toMatchObject({ kind: 'unusable', source: 'input', pagesFetched: 0, message: expect.stringContaining('Page 1 has no list at Results Field "records" (the page has: data, total)') });
	});

	it('a Results Field missing on a later page stops there with resultsFieldMissing, keeping the pages before', async () => {
		const pages = { [at(0)]: ok(at(0), { items: [1, 2] }), [at(2)]: ok(at(2), { error: 'changed shape' }) };
		const fetched = await fetchPages(request, source(pages, offset), recording().presentation);
		expect(fetched).toMatchObject({ pages: 2, stoppedBecause: 'resultsFieldMissing', stopMessage: expect.stringContaining('Page 2 has no list at Results Field "items"') });
	});
});
