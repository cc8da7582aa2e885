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
	await expect(fetchPages(request, { call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, presentation)).resolves.toEqual({ pages: 2, stoppedAtBudget: false });
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
	const alone = { [`${BASE}/orders`]: ok(`${BASE}/orders`, {}) };
	await expect(fetchPages(request, { call: scripted(alone).call, baseUrl: BASE, pagination: nextUrl, format: 'auto' }, recording(['enough']).presentation)).resolves.toEqual({ pages: 1, stoppedAtBudget: false });
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
