/** Every input item leaves exactly once, on one output, paired, whatever the API answers. */
import { bearerOf, type HostileServer, startHostileServer } from '../helpers/hostileServer';
import { allPaired, paired, run } from './hostile';
import { CATEGORY } from '../../nodes/JasRequest/routing';

describe('every item leaves exactly once', () => {
	let s: HostileServer;
	beforeAll(async () => (s = await startHostileServer()));
	afterAll(async () => await s.close());

	test('attack I1, now refused: pagination: the API returns an unparsable next URL ("http://[") -> stop: node throws a raw TypeError, every item lost', async () => {
		s.handle = (_req, res, url) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ data: url.pathname, next: url.pathname === '/bad' ? 'http://[' : null })); };
		const r: any = await run(s, [{ path: '/ok' }, { path: '/bad' }, { path: '/ok2' }], { paginationMode: 'nextUrl', nextUrlField: 'next', maxPages: 5 }).catch((e) => e);
		expect(r?.outputs).toBeDefined();
	});

	test('attack I1b, now refused: same with Link "<http://[>; rel=next" and On Error: Continue (error output): items 0 and 2 must be on Success with their responses, 1 on an error output', async () => {
		s.handle = (_req, res, url) => { res.writeHead(200, { 'Content-Type': 'application/json', ...(url.pathname === '/bad' ? { Link: '<http://[>; rel="next"' } : {}) }); res.end(JSON.stringify({ data: url.pathname })); };
		const r = await run(s, [{ path: '/ok' }, { path: '/bad' }, { path: '/ok2' }], { paginationMode: 'linkHeader', maxPages: 5 }, { onError: 'continueErrorOutput' });
		expect(paired(r.outputs[CATEGORY.success])).toEqual([0, 2]);
		expect(r.outputs[CATEGORY.success][0].json.data).toBe('/ok');
	});

	test('attack I1c, now refused: the raw TypeError carries the hostile next URL (with the token) in its "input" property: n8n stores it in the task error', async () => {
		s.handle = (req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ next: `http://[?access_token=${bearerOf(req)}` })); };
		const r: any = await run(s, [{ path: '/bad' }], { paginationMode: 'nextUrl', nextUrlField: 'next', maxPages: 5 }).catch((e) => e);
		expect(String(r?.message)).not.toMatch(/LEAK/);
	});

	test('I3 20,000 items against an instant API, concurrency 100: every item once', async () => {
		s.handle = (_req, res) => res.end('{"ok":1}');
		const r = await run(s, Array.from({ length: 20000 }, (_, i) => ({ path: `/i${i}` })), { options: { concurrency: 100 } });
		expect(allPaired(r)).toEqual(Array.from({ length: 20000 }, (_, i) => i));
	}, 120000);

	test('attack I4, now refused: deep JSON (200k levels), __proto__ keys, keys colliding after scrubbing: no crash, no data silently lost', async () => {
		s.handle = (req, res, url) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			if (url.pathname === '/deep') return void res.end('['.repeat(200000) + ']'.repeat(200000));
			res.end(`{"__proto__":{"polluted":1},"${bearerOf(req)}":"a","[redacted]":"b","x":"${bearerOf(req)}"}`);
		};
		const r = await run(s, [{ path: '/deep' }, { path: '/proto' }]);
		expect(allPaired(r)).toEqual([0, 1]);
		const j = r.outputs[CATEGORY.success].find((i) => (i.pairedItem as any).item === 1)!.json as any;
		expect(({} as any).polluted).toBeUndefined();
		expect(Object.keys(j)).toContain('__proto__');
	});

	test('I5 header values with CRLF / NUL / non-Latin-1 from expressions, 1 MB URL, bogus method: items routed, not thrown', async () => {
		s.handle = (_req, res) => res.end('{}');
		const items = [{ h: 'a\r\nX-Injected: 1' }, { h: 'a\u0000b' }, { h: 'a\u2028b' }, { h: 'ok', p: '/' + 'a'.repeat(1024 * 1024) }, { h: 'ok', m: 'GE T' }, { h: 'ok', m: 'CONNECT' }];
		const r = await run(s, items.map((i) => ({ path: i.p ?? '/x', ...i })), { method: '={{ $json.m || "GET" }}', sendHeaders: true, headerParameters: { parameters: [{ name: 'X-A', value: '={{ $json.h }}' }] }, options: { maxRetries: 0 } }, { onError: 'continueRegularOutput' });
		expect(allPaired(r)).toEqual([0, 1, 2, 3, 4, 5]);
	});

	test('I6 pagination loop A->B->A and offset API ignoring offset: bounded by Max Pages', async () => {
		let hits = 0;
		s.handle = (_req, res, url) => { hits++; res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ next: url.pathname === '/A' ? '/B' : '/A', items: [1, 2] })); };
		const r = await run(s, [{ path: '/A' }], { paginationMode: 'nextUrl', nextUrlField: 'next', maxPages: 50 });
		expect(hits).toBe(50);
		hits = 0;
		const r2 = await run(s, [{ path: '/A' }], { paginationMode: 'offset', itemsField: 'items', pageSize: 2, maxPages: 40 });
		expect(hits).toBe(40);
		expect(allPaired(r).length + allPaired(r2).length).toBe(90);
	});
});
