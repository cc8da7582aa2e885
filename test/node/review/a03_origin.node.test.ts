/** Claim 3: token only to the API origin; token requests never redirected. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSrv, run, OUT, bearerOf, errorOf, client, paired, type Srv } from './hostile';

let api: Srv; let evil: Srv;
beforeAll(async () => { api = await startSrv(); evil = await startSrv(); });
afterAll(async () => { await api.close(); await evil.close(); });

test('O1 redirects to another port, to localhost alias, to https, to userinfo, 307 POST, chains back: evil never sees Authorization', async () => {
	const port = new URL(api.url).port;
	evil.handle = (req, res, url) => {
		if (url.pathname === '/back') { res.writeHead(307, { Location: `${api.url}/final` }); return void res.end(); }
		res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ got: req.headers.authorization ?? null }));
	};
	api.handle = (req, res, url) => {
		const targets: Record<string, string> = {
			'/r1': `${evil.url}/x`,
			'/r2': `http://localhost:${port}/final`,
			'/r3': `http://user:${encodeURIComponent(bearerOf(req))}@127.0.0.1:${new URL(evil.url).port}/u`,
			'/r4': `${evil.url}/back`,
			'/r5': `//127.0.0.1:${new URL(evil.url).port}/proto-rel`,
			'/r6': `http://127.0.0.1:${new URL(evil.url).port}\\@127.0.0.1:${port}/confuse`,
			'/r7': `HTTP://127.0.0.1:${new URL(evil.url).port}/upper`,
		};
		if (targets[url.pathname]) { req.resume(); res.writeHead(url.pathname === '/r4' ? 307 : 302, { Location: targets[url.pathname] }); return void res.end(); }
		res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ got: req.headers.authorization ? 'auth' : null }));
	};
	const before = evil.lastAuth.length;
	const r = await run(api, ['/r1', '/r2', '/r3', '/r4', '/r5', '/r6', '/r7'].map((path) => ({ path })), { method: 'POST', bodyType: 'json', jsonBody: '{}', options: { retryNonIdempotent: false } });
	expect(evil.lastAuth.slice(before).filter(Boolean)).toEqual([]);
	expect(r.outputs.flatMap(paired).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
});

test('O2 URL parameter tricks: absolute other origin, //host, \\\\host, @host, tab/newline, encoded: never reach evil', async () => {
	const ep = new URL(evil.url).port;
	const paths = [`${evil.url}/a`, `//127.0.0.1:${ep}/b`, `\\\\127.0.0.1:${ep}/c`, `@127.0.0.1:${ep}/d`, `/\t/127.0.0.1:${ep}/e`, `http:127.0.0.1:${ep}/f`, `http:/127.0.0.1:${ep}/g`, ` ${evil.url}/h`, `\u0001${evil.url}/i`, `HtTp://127.0.0.1:${ep}/j`];
	const before = evil.apiRequests;
	const r = await run(api, paths.map((path) => ({ path })), {}, { onError: 'continueRegularOutput' });
	expect(evil.apiRequests - before).toBe(0);
	expect(r.outputs.flatMap(paired).sort((a, b) => a - b)).toEqual(paths.map((_, i) => i));
});

test('O3 pagination next/Link to other origin, or via a redirect to evil then relative next: token never at evil', async () => {
	const before = evil.lastAuth.length;
	evil.handle = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json', Link: '</evil-p2>; rel="next"' }); res.end(JSON.stringify({ next: '/evil-p2', items: [] })); };
	api.handle = (_req, res, url) => {
		if (url.pathname === '/p1') { res.writeHead(200, { 'Content-Type': 'application/json', Link: `<${evil.url}/p2>; rel="next"` }); return void res.end(JSON.stringify({ next: `${evil.url}/p2` })); }
		if (url.pathname === '/hop') { res.writeHead(302, { Location: `${evil.url}/list` }); return void res.end(); }
		res.end('{}');
	};
	await run(api, [{ path: '/p1' }, { path: '/hop' }], { options: { pagination: { settings: { mode: 'nextUrl', nextUrlField: 'next', maxPages: 5 } } } });
	await run(api, [{ path: '/p1' }, { path: '/hop' }], { options: { pagination: { settings: { mode: 'linkHeader', maxPages: 5 } } } });
	await run(api, [{ path: '/hop' }], { options: { pagination: { settings: { mode: 'offset', itemsField: 'items', pageSize: 0, maxPages: 5 } } } });
	expect(evil.lastAuth.slice(before).filter(Boolean)).toEqual([]);
});

test('O4 token endpoint answering 301/302/307/308 to an attacker: attacker never gets the client secret (node path)', async () => {
	const cl = client();
	let posted = 0;
	const attacker = createServer((req, res) => { req.on('data', (c: Buffer) => { if (c.toString().includes(encodeURIComponent(cl.clientSecret)) || c.toString().includes(cl.clientSecret)) posted++; }); req.on('end', () => res.end('{"access_token":"attacker-token-123456","token_type":"Bearer"}')); });
	await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
	const aurl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
	const tokenSrv = createServer((req, res) => { req.resume(); const st = [301, 302, 307, 308][Number(new URL(req.url!, 'http://x').searchParams.get('s'))]; res.writeHead(st, { Location: `${aurl}/steal` }); res.end(); });
	await new Promise<void>((r) => tokenSrv.listen(0, '127.0.0.1', r));
	const turl = `http://127.0.0.1:${(tokenSrv.address() as AddressInfo).port}`;
	try {
		for (const i of [0, 1, 2, 3]) {
			const r = await run(api, [{ path: '/x' }], {}, { credentials: { baseUrl: api.url, tokenUrl: `${turl}/token?s=${i}`, ...cl } });
			expect(errorOf(r.outputs[OUT.auth][0]).message).toMatch(/never follow redirects/);
		}
		expect(posted).toBe(0);
	} finally { await new Promise<void>((r) => attacker.close(() => r())); await new Promise<void>((r) => tokenSrv.close(() => r())); }
});
