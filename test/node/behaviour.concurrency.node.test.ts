/**
 * JAS Request through n8n: the Concurrency option is exactly how many requests the API sees at once.
 */
import { type Simulator, startJasSimulator } from '../../tools/simulators';
import { registerSecrets } from '../../tools/simulators/secretRegistry';
import { pairedIndexes, runJas } from './behaviour.helpers';
import { bearerOf, type HostileServer, hostileClient, startHostileServer } from '../helpers/hostileServer';
import { paired, run, sleep } from './hostile';
import { CATEGORY } from '../../nodes/JasRequest/routing';

let jas: Simulator;
beforeAll(async () => (jas = await startJasSimulator({ latencyMs: 50 })));
afterAll(async () => await jas.close());

it.each([1, 5, 20])('concurrency %i: exactly that many requests in flight', async (concurrency) => {
	jas.resetStats();
	const paths = Array.from({ length: 60 }, (_, index) => `/api/echo?i=${index}`);
	const result = await runJas(jas, paths, { options: { concurrency, maxRetries: 0 } });
	expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual(paths.map((_, index) => index));
	expect(jas.stats.apiRequests).toBe(60);
	expect(jas.stats.maxInFlight).toBe(concurrency);
});

describe('executions do not hold each other up: a cancel, a 429, reserved slots', () => {
	let s: HostileServer;
	beforeAll(async () => (s = await startHostileServer()));
	afterAll(async () => await s.close());

	test('C1 A starts the shared (slow) token request and is cancelled; B and C waiting on it still succeed', async () => {
		const cl = hostileClient();
		let slow = true;
		s.tokenHandle = (req, res) => { req.resume(); setTimeout(() => { const t = `c1-tok-${Date.now()}-${Math.random()}`; s.tokens.push(t); registerSecrets(t); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ access_token: t, expires_in: 600 })); }, slow ? 1500 : 0); };
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
		expect(rb.outputs[CATEGORY.success]).toHaveLength(1);
		expect(rc.outputs[CATEGORY.success]).toHaveLength(1);
	});

	test('C2 A cancelled while its 401-triggered renewal is in flight; B (same credential) unaffected', async () => {
		const cl = hostileClient();
		const revoked = new Set<string>();
		s.handle = (req, res) => { const t = bearerOf(req); if (revoked.has(t)) { res.statusCode = 401; return void res.end('{}'); } res.end('{"ok":1}'); };
		const creds = { baseUrl: s.url, ...cl };
		await run(s, [{ path: '/warm' }], {}, { credentials: creds });
		revoked.add(s.tokens[s.tokens.length - 1]);
		s.tokenHandle = (req, res) => { req.resume(); setTimeout(() => { const t = `c2-tok-${Math.random()}`; registerSecrets(t); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ access_token: t, expires_in: 600 })); }, 1000); };
		const ctl = new AbortController();
		const a = run(s, [{ path: '/a' }], {}, { credentials: creds, signal: ctl.signal }).catch((e) => e);
		await sleep(150);
		const b = run(s, [{ path: '/b' }], {}, { credentials: creds });
		await sleep(100); ctl.abort();
		await a;
		const rb = await b;
		s.tokenHandle = undefined;
		expect(paired(rb.outputs[CATEGORY.success])).toEqual([0]);
	});

	test('attack C3, now refused: rate limit: one 429 with Retry-After: 86400 parks every later request of the credential for a day, despite Max Retry Wait 60 s', async () => {
		const cl = hostileClient();
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
		const cl = hostileClient();
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
});
