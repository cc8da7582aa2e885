/**
 * JAS Request through n8n against the JAS simulator: pagination, binary upload and download, bodies and
 * input errors, query and headers, redirects, full response and splitting.
 */
import { CATEGORY } from '../../nodes/JasRequest/routing';
import { createHash } from 'node:crypto';

import { NodeOperationError } from 'n8n-workflow';

import { binaryBuffer, binaryInput, type RunNodeResult } from '../helpers/runNode';
import { deterministicBytes, type Simulator, startJasSimulator } from '../../tools/simulators';
import { errorOf, pairedIndexes, type ReflectingApi, runJas, startReflectingApi } from './behaviour.helpers';

let jas: Simulator;
let other: Simulator;
beforeAll(async () => {
	[jas, other] = await Promise.all([startJasSimulator(), startJasSimulator()]);
});
afterAll(async () => await Promise.all([jas.close(), other.close()]));
beforeEach(() => {
	jas.resetStats();
	other.resetStats();
});

const noRetry = { maxRetries: 0 };

describe('pagination', () => {
	const offset = (extra: Record<string, unknown> = {}) => ({
		paginationMode: 'offset', offsetParameter: '$skip', limitParameter: '$top', pageSize: 10, itemsField: 'items', ...extra,
	});

	it('offset mode fetches every page: one item per page', async () => {
		const result = await runJas(jas, ['/api/items?total=95'], { ...offset(), options: noRetry });
		expect(jas.stats.apiRequests).toBe(10);
		const pages = result.outputs[CATEGORY.success].map((item) => item.json as { items: Array<{ id: number }>; _page: { skip: number } });
		expect(pages.map((page) => page._page.skip)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
		expect(pages.flatMap((page) => page.items.map((entry) => entry.id))).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
		expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual(new Array(10).fill(0));
	});

	it('offset mode with Split Into Items: 95 items, all paired to input 0', async () => {
		const result = await runJas(jas, ['/api/items?total=95'], { ...offset(), options: { ...noRetry, splitField: 'items' } });
		const out = result.outputs[CATEGORY.success];
		expect(out.map((item) => item.json.id)).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
		expect(new Set(pairedIndexes(out))).toEqual(new Set([0]));
	});

	it('nextUrl mode follows _links.next', async () => {
		const result = await runJas(jas, ['/api/items?total=25&$top=10'], {
			paginationMode: 'nextUrl', nextUrlField: '_links.next', options: { ...noRetry, splitField: 'items' },
		});
		expect(result.outputs[CATEGORY.success].map((item) => item.json.id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
		expect(jas.stats.apiRequests).toBe(3);
	});

	it('linkHeader mode follows rel="next", splitting a body that is an array', async () => {
		const result = await runJas(jas, ['/api/pages?total=25&pageSize=10'], {
			paginationMode: 'linkHeader', options: { ...noRetry, splitField: '.' },
		});
		expect(result.outputs[CATEGORY.success].map((item) => item.json)).toEqual(
			Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: `Item ${i + 1}` })),
		);
		expect(jas.stats.apiRequests).toBe(3);
	});

	it('stops at Max Pages', async () => {
		const result = await runJas(jas, ['/api/items?total=95'], { ...offset({ maxPages: 3 }), options: { ...noRetry, splitField: 'items' } });
		expect(result.outputs[CATEGORY.success]).toHaveLength(30);
		expect(jas.stats.apiRequests).toBe(3);
	});

	describe('never stops silently: the output pane warns, the items say how many pages and why', () => {
		const paging = (pagesFetched: number, stoppedBecause: string, message: RegExp) => ({ pagesFetched, stoppedBecause, message: expect.stringMatching(message) });

		it('Max Pages ends a list that has more: a warning hint, and every item carries pagination', async () => {
			const result = await runJas(jas, ['/api/items?total=95'], { ...offset({ maxPages: 2 }), options: { ...noRetry, splitField: 'items' } });
			expect(result.outputs[CATEGORY.success]).toHaveLength(20);
			expect(result.hints).toEqual([{ type: 'warning', location: 'outputPane', message: expect.stringMatching(/Max Pages \(2\) after 2 page\(s\), and the API offers more/) }]);
			for (const item of result.outputs[CATEGORY.success]) expect(item.json.pagination).toEqual(paging(2, 'maxPages', /raise Max Pages/));
		});

		it('a wrong Next URL Field (links.next for _links.next): page 1 only, said so', async () => {
			const result = await runJas(jas, ['/api/items?total=95&$top=20'], { paginationMode: 'nextUrl', nextUrlField: 'links.next', options: { ...noRetry, splitField: 'items' } });
			expect(result.outputs[CATEGORY.success]).toHaveLength(20);
			expect(result.hints.map((hint) => hint.message)).toEqual([expect.stringContaining('no Next URL Field "links.next" (the page has: items, _page, _links)')]);
			expect(result.outputs[CATEGORY.success][19].json.pagination).toEqual(paging(1, 'nextUrlFieldMissing', /set Next URL Field/));
		});

		it('a wrong Results Field on page 1 is a Client Error naming the field and the fields the page has; nothing on Success', async () => {
			const result = await runJas(jas, ['/api/items?total=95'], { ...offset({ itemsField: 'data' }), options: { ...noRetry, splitField: 'items' } }, { onError: 'continueRegularOutput' });
			expect(result.outputs[CATEGORY.success]).toEqual([]);
			const error = errorOf(result.outputs[CATEGORY.clientError][0]);
			expect(error).toMatchObject({ source: 'input', message: expect.stringContaining('Page 1 has no list at Results Field "data" (the page has: items, _page, _links)') });
		});

		it('a complete list: no hint, the records as the API sent them; with Full Response every wrapper says lastPage', async () => {
			const plain = await runJas(jas, ['/api/items?total=25'], { ...offset(), options: { ...noRetry, splitField: 'items' } });
			expect(plain.hints).toEqual([]);
			expect(plain.outputs[CATEGORY.success][0].json).toEqual({ id: 1, name: 'Item 1' });
			const full = await runJas(jas, ['/api/items?total=25'], { ...offset(), options: { ...noRetry, splitField: 'items', fullResponse: true } });
			expect(full.outputs[CATEGORY.success][24].json).toMatchObject({ statusCode: 200, body: { id: 25 }, pagination: { pagesFetched: 3, stoppedBecause: 'lastPage' } });
		});

		it('several items stopped alike: one hint that counts them', async () => {
			const result = await runJas(jas, ['/api/items?total=95', '/api/items?total=5', '/api/items?total=50'], { ...offset({ maxPages: 2 }), options: { ...noRetry } });
			expect(result.hints.map((hint) => hint.message)).toEqual([expect.stringMatching(/^2 of 3 items: Pagination stopped at Max Pages/)]);
		});
	});

	it('two input items paginate independently, each result paired to its own input', async () => {
		const result = await runJas(jas, ['/api/items?total=23', '/api/items?total=7'], { ...offset(), options: { ...noRetry, splitField: 'items' } });
		const out = result.outputs[CATEGORY.success];
		expect(out).toHaveLength(30);
		const byInput = (input: number) => out.filter((item) => (item.pairedItem as { item: number }).item === input).map((item) => item.json.id);
		expect(byInput(0)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
		expect(byInput(1)).toEqual(Array.from({ length: 7 }, (_, i) => i + 1));
		expect(pairedIndexes(out)).toEqual([...new Array(23).fill(0), ...new Array(7).fill(1)]);
		expect(jas.stats.apiRequests).toBe(3 + 1);
	});

	it('a node saved as version 1 with the earlier Pagination option pages the same', async () => {
		const earlier = { options: { ...noRetry, splitField: 'items', pagination: { settings: { mode: 'offset', offsetParameter: '$skip', limitParameter: '$top', pageSize: 10, itemsField: 'items' } } } };
		const result = await runJas(jas, ['/api/items?total=95'], earlier, { typeVersion: 1 });
		expect(result.outputs[CATEGORY.success].map((item) => item.json.id)).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
		expect(jas.stats.apiRequests).toBe(10);
	});

	it('the Pagination fields of version 1.1 win over an earlier option; Off leaves it to that option', async () => {
		const earlier = { pagination: { settings: { mode: 'offset', pageSize: 10, maxPages: 1 } } };
		const chosen = await runJas(jas, ['/api/items?total=95'], { ...offset({ maxPages: 2 }), options: { ...noRetry, ...earlier, splitField: 'items' } }, { typeVersion: 1.1 });
		expect(chosen.outputs[CATEGORY.success]).toHaveLength(20);
		const off = await runJas(jas, ['/api/items?total=95'], { paginationMode: 'off', options: { ...noRetry, ...earlier, splitField: 'items' } }, { typeVersion: 1 });
		expect(off.outputs[CATEGORY.success]).toHaveLength(10);
	});

	it('never sends the token to a next page on another host', async () => {
		// The echo reflects the query, so its body carries a next link the API "chose": another server.
		const foreign = `${other.url}/api/echo?page=2`;
		const result = await runJas(jas, ['/api/echo'], {
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'next', value: foreign }] },
			paginationMode: 'nextUrl', nextUrlField: 'query.next', options: noRetry,
		});
		expect(other.stats.apiRequests).toBe(0);
		expect(result.outputs[CATEGORY.success]).toHaveLength(0);
		const error = errorOf(result.outputs[CATEGORY.clientError][0]);
		expect(error).toMatchObject({ source: 'input', pagesFetched: 1 });
		expect(error.message).toContain(other.url);
		expect(jas.stats.tokenRequests).toBe(0); // the token was not dropped either
	});
});

describe('Send Body: a DELETE sends no body unless Send Body is on (on the wire)', () => {
	const sent = (result: RunNodeResult) => result.outputs[CATEGORY.success][0].json as { method: string; contentType: string | null; bytes: number; bodyText: string | null };

	it('a fresh DELETE sends no body and no Content-Type', async () => {
		const echo = sent(await runJas(jas, ['/api/echo'], { method: 'DELETE' }));
		expect(echo).toMatchObject({ method: 'DELETE', contentType: null, bytes: 0 });
	});

	it('a DELETE whose body fields are filled but Send Body off still sends none', async () => {
		const echo = sent(await runJas(jas, ['/api/echo'], { method: 'DELETE', bodyType: 'json', jsonBody: '{"reason":"x"}' }));
		expect(echo).toMatchObject({ contentType: null, bytes: 0 });
	});

	it('Send Body on: the DELETE carries its JSON body', async () => {
		const echo = sent(await runJas(jas, ['/api/echo'], { method: 'DELETE', sendBody: true, jsonBody: '{"reason":"x"}' }));
		expect(echo).toMatchObject({ method: 'DELETE', contentType: 'application/json', bodyText: '{"reason":"x"}' });
	});

	it('a DELETE saved as version 1 keeps sending its body', async () => {
		const echo = sent(await runJas(jas, ['/api/echo'], { method: 'DELETE', jsonBody: '{"reason":"x"}' }, { typeVersion: 1 }));
		expect(echo).toMatchObject({ contentType: 'application/json', bodyText: '{"reason":"x"}' });
	});

	it.each(['POST', 'PUT', 'PATCH'])('%s sends its body without a toggle', async (method) => {
		const echo = sent(await runJas(jas, ['/api/echo'], { method, jsonBody: '{"a":1}' }));
		expect(echo).toMatchObject({ method, contentType: 'application/json', bodyText: '{"a":1}' });
	});

	it('a method from an expression that gives DELETE follows Send Body', async () => {
		const off = sent(await runJas(jas, [{ path: '/api/echo', m: 'DELETE' }], { method: '={{ $json.m }}', jsonBody: '{"a":1}' }));
		expect(off).toMatchObject({ method: 'DELETE', bytes: 0 });
		const on = sent(await runJas(jas, [{ path: '/api/echo', m: 'POST' }], { method: '={{ $json.m }}', jsonBody: '{"a":1}' }));
		expect(on).toMatchObject({ method: 'POST', bodyText: '{"a":1}' });
	});
});

describe('Send Headers and Send Query Parameters: the empty pair they start with is ignored', () => {
	it('an untouched empty pair sends nothing and is no error', async () => {
		const result = await runJas(jas, ['/api/echo'], {
			sendHeaders: true,
			headerParameters: { parameters: [{ name: '', value: '' }, { name: 'X-Kept', value: 'yes' }] },
			sendQuery: true,
			queryParameters: { parameters: [{ name: '', value: '' }] },
		});
		const echo = result.outputs[CATEGORY.success][0].json as { headers: Record<string, string>; query: object };
		expect(echo.headers['x-kept']).toBe('yes');
		expect(echo.query).toEqual({});
	});

	it('a pair with a value but no name is still an input error naming its row', async () => {
		const result = await runJas(jas, ['/api/echo'], { sendHeaders: true, headerParameters: { parameters: [{ name: '', value: '' }, { name: '', value: 'v' }] } }, { onError: 'continueRegularOutput' });
		expect(errorOf(result.outputs[CATEGORY.clientError][0]).message).toMatch(/Header 2 has no name/);
	});
});

describe('binary', () => {
	it('uploads an input file byte for byte', async () => {
		const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff));
		const binary = await binaryInput(data, 'upload.bin', 'application/octet-stream');
		const result = await runJas(jas, [], { method: 'POST', url: '/api/upload', bodyType: 'binary', binaryPropertyName: 'file', options: noRetry }, {
			items: [{ json: {}, binary: { file: binary } }],
		});
		expect(result.outputs[CATEGORY.success][0].json).toEqual({
			bytes: 5000,
			sha256: createHash('sha256').update(data).digest('hex'),
			contentType: 'application/octet-stream',
		});
	});

	it('an item without the binary field is an input error', async () => {
		const result = await runJas(jas, [{}], { method: 'POST', url: '/api/upload', bodyType: 'binary', binaryPropertyName: 'file' }, { onError: 'continueRegularOutput' });
		const error = errorOf(result.outputs[CATEGORY.clientError][0]);
		expect(error.source).toBe('input');
		expect(error.message).toMatch(/no binary field "file"/);
		expect(jas.stats.apiRequests).toBe(0);
	});

	it('downloads a file into the output binary field', async () => {
		const result = await runJas(jas, ['/api/binary?bytes=1000'], { options: { ...noRetry, responseFormat: 'file', outputBinaryPropertyName: 'download' } });
		const item = result.outputs[CATEGORY.success][0];
		expect(item.binary?.download.fileName).toBe('data.bin');
		expect(item.binary?.download.mimeType).toBe('application/octet-stream');
		expect((await binaryBuffer(item, 'download')).equals(deterministicBytes(1000))).toBe(true);
	});
});

describe('bodies, query and headers', () => {
	type Echo = { method: string; query: Record<string, string>; headers: Record<string, string>; contentType: string; bodyText: string; bodyJson?: unknown };
	const echoOf = (result: Awaited<ReturnType<typeof runJas>>, index = 0) => result.outputs[CATEGORY.success][index].json as unknown as Echo;

	it('JSON body from an expression over $json', async () => {
		const result = await runJas(jas, [{ name: 'Ada', n: 1 }, { name: 'Bob "the" Builder', n: 2 }], {
			method: 'POST',
			url: '/api/echo',
			bodyType: 'json',
			jsonBody: '={{ JSON.stringify({ name: $json.name, double: $json.n * 2 }) }}',
			options: noRetry,
		});
		expect(echoOf(result, 0)).toMatchObject({ method: 'POST', contentType: 'application/json', bodyJson: { name: 'Ada', double: 2 } });
		expect(echoOf(result, 1).bodyJson).toEqual({ name: 'Bob "the" Builder', double: 4 });
	});

	it('JSON body written as a template', async () => {
		const result = await runJas(jas, [{ id: 42 }], { method: 'PUT', url: '/api/echo', bodyType: 'json', jsonBody: '={ "id": {{ $json.id }}, "ok": true }' });
		expect(echoOf(result).bodyJson).toEqual({ id: 42, ok: true });
	});

	it('form body', async () => {
		const result = await runJas(jas, [{ v: 'a&b=c' }], {
			method: 'POST',
			url: '/api/echo',
			bodyType: 'form',
			formBody: { parameters: [{ name: 'first', value: '={{ $json.v }}' }, { name: 'second', value: 'x y' }] },
		});
		const echo = echoOf(result);
		expect(echo.contentType).toBe('application/x-www-form-urlencoded');
		expect(Object.fromEntries(new URLSearchParams(echo.bodyText))).toEqual({ first: 'a&b=c', second: 'x y' });
	});

	it('raw body with its content type', async () => {
		const result = await runJas(jas, [{}], { method: 'POST', url: '/api/echo', bodyType: 'raw', rawBody: '<a>1</a>', rawContentType: 'application/xml' });
		expect(echoOf(result)).toMatchObject({ contentType: 'application/xml', bodyText: '<a>1</a>' });
	});

	it('query parameters and custom headers arrive', async () => {
		const result = await runJas(jas, [{ q: 'hello world' }], {
			url: '/api/echo',
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'search', value: '={{ $json.q }}' }, { name: 'page', value: '2' }] },
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'X-Custom', value: 'yes' }, { name: 'Accept', value: 'application/json' }] },
		});
		const echo = echoOf(result);
		expect(echo.query).toEqual({ search: 'hello world', page: '2' });
		expect(echo.headers['x-custom']).toBe('yes');
		expect(echo.headers.accept).toBe('application/json');
	});

	it('invalid JSON stops the run with a NodeOperationError naming the item (default On Error)', async () => {
		const items = [{ body: '{"ok":1}' }, { body: '{broken' }, { body: '{"ok":3}' }];
		const error = await runJas(jas, items, { method: 'POST', url: '/api/echo', bodyType: 'json', jsonBody: '={{ $json.body }}' }).then(
			() => undefined,
			(thrown: unknown) => thrown,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		const failure = error as NodeOperationError;
		expect(failure.message).toMatch(/not valid JSON/);
		expect(failure.context.itemIndex).toBe(1);
		expect(failure.description).toMatch(/Item 1/);
	});

	it.each(['continueErrorOutput', 'continueRegularOutput'] as const)('with %s, invalid JSON goes to Client Error and the rest still run', async (onError) => {
		const items = [{ body: '{"ok":1}' }, { body: '{broken' }, { body: '{"ok":3}' }];
		const result = await runJas(jas, items, { method: 'POST', url: '/api/echo', bodyType: 'json', jsonBody: '={{ $json.body }}' }, { onError });
		expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual([0, 2]);
		expect(pairedIndexes(result.outputs[CATEGORY.clientError])).toEqual([1]);
		const error = errorOf(result.outputs[CATEGORY.clientError][0]);
		expect(error).toMatchObject({ source: 'input', status: null, attempts: 0 });
		expect(error.message).toMatch(/^Item 1: The JSON body is not valid JSON/);
		expect(jas.stats.apiRequests).toBe(2);
		if (onError === 'continueErrorOutput') expect(result.outputs[7] ?? []).toHaveLength(0);
	});

	it('a URL expression that fails to evaluate still routes the item (On Error: Continue)', async () => {
		const items = [{ path: '/api/echo' }, {}, { path: '/api/echo' }];
		const result = await runJas(jas, items, { url: '={{ $json.path.toUpperCase().toLowerCase() }}' }, { onError: 'continueRegularOutput' });
		expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual([0, 2]);
		expect(pairedIndexes(result.outputs[CATEGORY.clientError])).toEqual([1]);
		expect(errorOf(result.outputs[CATEGORY.clientError][0])).toMatchObject({ source: 'input', status: null });
	});

	it('refuses an Authorization header parameter as an input error', async () => {
		const result = await runJas(jas, [{}, {}], {
			url: '/api/echo',
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'authorization', value: '={{ $itemIndex === 0 ? "Bearer mine" : "" }}' }] },
		}, { onError: 'continueRegularOutput' });
		expect(result.outputs[CATEGORY.clientError]).toHaveLength(2);
		expect(errorOf(result.outputs[CATEGORY.clientError][0])).toMatchObject({ source: 'input' });
		expect(errorOf(result.outputs[CATEGORY.clientError][0]).message).toMatch(/Authorization header/);
		expect(jas.stats.apiRequests).toBe(0);
	});
});

describe('headers the HTTP client sets itself are input errors, naming the header', () => {
	/** A JSON POST of 7 bytes with `headers` added. */
	const postWith = async (headers: Array<{ name: string; value: string }>) =>
		await runJas(jas, [{}], { method: 'POST', url: '/api/echo', bodyType: 'json', jsonBody: '{"a":1}', sendHeaders: true, headerParameters: { parameters: headers } }, { onError: 'continueRegularOutput' });

	it.each([
		['Expect', '100-continue'],
		['Transfer-Encoding', 'chunked'],
		['Keep-Alive', 'timeout=5'],
		['Upgrade', 'h2c'],
		['Content-Length', '999'],
	])('%s: %s goes to Client Error with source "input", and nothing is sent', async (name, value) => {
		jas.resetStats();
		const result = await postWith([{ name, value }]);
		expect(result.outputs[CATEGORY.clientError]).toHaveLength(1);
		const error = errorOf(result.outputs[CATEGORY.clientError][0]);
		expect(error).toMatchObject({ source: 'input', status: null });
		expect(error.message).toContain(`"${name}"`);
		expect(error.message).not.toMatch(/try again/i);
		expect(jas.stats.apiRequests).toBe(0);
	});

	it('a Content-Length that matches the body, and Connection: close, are sent', async () => {
		const result = await postWith([{ name: 'Content-Length', value: '7' }, { name: 'Connection', value: 'close' }]);
		expect(result.outputs[CATEGORY.success]).toHaveLength(1);
	});
});

describe('redirects', () => {
	it('follows a same-origin redirect with the token', async () => {
		const result = await runJas(jas, [`/api/redirect?to=${encodeURIComponent('/api/echo?after=redirect')}`]);
		expect(result.outputs[CATEGORY.success][0].json).toMatchObject({ path: '/api/echo', query: { after: 'redirect' } });
		expect(jas.stats.unauthorized).toBe(0);
	});

	it('with Follow Redirects off, the 3xx is a success with its status in the full response', async () => {
		const result = await runJas(jas, [`/api/redirect?to=${encodeURIComponent('/api/echo')}&status=302`], { options: { followRedirects: false, fullResponse: true } });
		const item = result.outputs[CATEGORY.success][0].json as { statusCode: number; headers: Record<string, string>; body: unknown };
		expect(item.statusCode).toBe(302);
		expect(item.headers.location).toBe('/api/echo');
		expect(item.body).toEqual({ location: '/api/echo' });
		expect(jas.stats.apiRequests).toBe(1);
	});

	it('does not carry the token to another origin', async () => {
		for (const target of [`${other.url}/api/echo`, `${jas.url.replace('127.0.0.1', 'localhost')}/api/echo`]) {
			jas.resetStats();
			other.resetStats();
			const result = await runJas(jas, [`/api/redirect?to=${encodeURIComponent(target)}`], { options: noRetry });
			const error = errorOf(result.outputs[CATEGORY.authError][0]);
			expect(error.status).toBe(401);
			// The simulator says why: no bearer at all (not an unknown or expired one).
			expect(error.body).toMatchObject({ message: 'Authentication Failure: missing bearer token' });
		}
	});

	it("a 401 from another origin's redirect target does not throw away the API's token", async () => {
		await runJas(jas, ['/api/echo']); // a cached token to start from
		jas.resetStats();
		const target = encodeURIComponent(`${other.url}/api/echo`);
		const result = await runJas(jas, Array.from({ length: 20 }, () => `/api/redirect?to=${target}`), { options: noRetry });
		expect(result.outputs[CATEGORY.authError]).toHaveLength(20);
		expect(jas.stats.tokenRequests).toBe(0);
		expect(result.outputs[CATEGORY.authError].map((item) => errorOf(item).attempts)).toEqual(new Array(20).fill(1));
	});
});

describe('full response and splitting', () => {
	let api: ReflectingApi;
	beforeAll(async () => (api = await startReflectingApi()));
	afterAll(async () => await api.close());

	it('full response has status, headers and body, without authorization or cookie headers', async () => {
		const result = await runJas(jas, [], { url: '/reflect', options: { fullResponse: true } }, {
			items: [{ json: {} }],
			credentials: { jasOAuth2Api: { baseUrl: api.url, tokenUrl: `${jas.url}/oauth2/token`, clientId: 'jas-demo-client', clientSecret: 'jas-demo-secret-7f3a9c' } },
		});
		const item = result.outputs[CATEGORY.success][0].json as { statusCode: number; statusMessage: string; headers: Record<string, unknown>; body: { path: string } };
		expect(item.statusCode).toBe(200);
		expect(item.statusMessage).toBe('OK');
		expect(item.body.path).toBe('/reflect');
		expect(item.headers['content-type']).toBe('application/json');
		expect(Object.keys(item.headers)).not.toContain('set-cookie');
		expect(Object.keys(item.headers)).not.toContain('authorization');
		expect(JSON.stringify(item)).not.toContain('reflecting-api-cookie');
	});

	it('full response of the JAS simulator, split into items', async () => {
		const result = await runJas(jas, ['/api/pages?total=3&pageSize=10'], { options: { fullResponse: true, splitField: '.' } });
		const out = result.outputs[CATEGORY.success].map((item) => item.json as { statusCode: number; headers: Record<string, string>; body: { id: number } });
		expect(out.map((item) => item.body.id)).toEqual([1, 2, 3]);
		expect(out.every((item) => item.statusCode === 200 && item.headers['x-total-count'] === '3')).toBe(true);
	});

	it('a missing split field goes to Client Error and says to check Split Into Items', async () => {
		const result = await runJas(jas, ['/api/echo', '/api/items?total=2'], { options: { splitField: 'items' } });
		expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual([1, 1]);
		const error = errorOf(result.outputs[CATEGORY.clientError][0]);
		expect(error).toMatchObject({ status: 200, source: 'input' });
		expect(error.message).toMatch(/Split Into Items/);
	});
});
