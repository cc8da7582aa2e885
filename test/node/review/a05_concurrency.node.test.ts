/** Claim 4: shared token request / shared state not owned by any execution. */
import { startSrv, run, OUT, bearerOf, paired, client, sleep, type Srv } from './hostile';

let s: Srv;
beforeAll(async () => (s = await startSrv()));
afterAll(async () => await s.close());

test('C1 A starts the shared (slow) token request and is cancelled; B and C waiting on it still succeed', async () => {
	const cl = client();
	let slow = true;
	s.tokenHandle = (req, res) => { req.resume(); setTimeout(() => { const t = `c1-tok-${Date.now()}-${Math.random()}`; s.tokens.push(t); require('../../../tools/simulators/secretRegistry').registerSecrets(t); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ access_token: t, expires_in: 600 })); }, slow ? 1500 : 0); };
	s.handle = (_q, r) => r.end('{}');
	const creds = { baseUrl: s.url, ...cl };
	const ctl = new AbortController();
	const a = run(s, [{ path: '/a' }, { path: '/a2' }], {}, { credentials: creds, signal: ctl.signal }).catch((e) => e);
	await sleep(200);
	const b = run(s, [{ path: '/b' }], {}, { credentials: creds });
	const c = run(s, [{ path: '/c' }], {}, { credentials: creds });
	await sleep(200); ctl.abort();
	await a;
	const [rb, rc] = await Promise.all([b, c]);
	s.tokenHandle = undefined;
	expect(rb.outputs[OUT.success]).toHaveLength(1);
	expect(rc.outputs[OUT.success]).toHaveLength(1);
});

test('C2 A cancelled while its 401-triggered renewal is in flight; B (same credential) unaffected', async () => {
	const cl = client();
	const revoked = new Set<string>();
	s.handle = (req, res) => { const t = bearerOf(req); if (revoked.has(t)) { res.statusCode = 401; return void res.end('{}'); } res.end('{"ok":1}'); };
	const creds = { baseUrl: s.url, ...cl };
	await run(s, [{ path: '/warm' }], {}, { credentials: creds });
	revoked.add(s.tokens[s.tokens.length - 1]);
	s.tokenHandle = (req, res) => { req.resume(); setTimeout(() => { const t = `c2-tok-${Math.random()}`; require('../../../tools/simulators/secretRegistry').registerSecrets(t); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ access_token: t, expires_in: 600 })); }, 1000); };
	const ctl = new AbortController();
	const a = run(s, [{ path: '/a' }], {}, { credentials: creds, signal: ctl.signal }).catch((e) => e);
	await sleep(150);
	const b = run(s, [{ path: '/b' }], {}, { credentials: creds });
	await sleep(100); ctl.abort();
	await a;
	const rb = await b;
	s.tokenHandle = undefined;
	expect(paired(rb.outputs[OUT.success])).toEqual([0]);
});

test('attack C3, now refused: rate limit: one 429 with Retry-After: 86400 parks every later request of the credential for a day, despite Max Retry Wait 60 s', async () => {
	const cl = client();
	let first = true;
	s.handle = (_req, res) => { if (first) { first = false; res.writeHead(429, { 'Retry-After': '86400' }); return void res.end(); } res.end('{"ok":1}'); };
	const creds = { baseUrl: s.url, ...cl };
	const ctl = new AbortController();
	const t = setTimeout(() => ctl.abort(), 8000);
	const t0 = Date.now();
	await run(s, [{ path: '/1' }, { path: '/2' }], { options: { maxRequestsPerSecond: 100, concurrency: 1 } }, { credentials: creds, signal: ctl.signal }).catch((e) => e);
	clearTimeout(t);
	const took = Date.now() - t0;
	expect(took).toBeLessThan(7000);
});

test('attack C4, now refused: a cancelled execution with a tiny rate (0.05/s, concurrency 20) reserves slots that block a later execution at 100/s', async () => {
	const cl = client();
	s.handle = (_req, res) => res.end('{"ok":1}');
	const creds = { baseUrl: s.url, ...cl };
	const ctl = new AbortController();
	const a = run(s, Array.from({ length: 20 }, (_, i) => ({ path: `/a${i}` })), { options: { maxRequestsPerSecond: 0.05, concurrency: 20 } }, { credentials: creds, signal: ctl.signal }).catch((e) => e);
	await sleep(300); ctl.abort(); await a;
	const ctl2 = new AbortController();
	const t = setTimeout(() => ctl2.abort(), 6000);
	const t0 = Date.now();
	await run(s, [{ path: '/b' }], { options: { maxRequestsPerSecond: 100 } }, { credentials: creds, signal: ctl2.signal }).catch((e) => e);
	clearTimeout(t);
	const took = Date.now() - t0;
	expect(took).toBeLessThan(3000);
});
