/**
 * Max Requests per Second against an API that enforces a rate limit with 429s (the JAS simulator's token bucket:
 * 20 requests per second, bursts of 2). Without the option the node's Concurrency overruns the API and gets 429s;
 * with it set at the API's rate, requests are spaced so the API never has to refuse one. Figures are printed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CATEGORY } from '../../nodes/JasRequest/routing';
import { type Simulator, startJasSimulator } from '../../tools/simulators';
import { errorOf, runJas } from './behaviour.helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const RATE = 20;
const ITEMS = 60;

let jas: Simulator;
beforeAll(async () => {
	jas = await startJasSimulator();
	jas.setLatency(5);
});
afterAll(async () => await jas.close());
beforeEach(() => {
	jas.setApiRateLimit(null);
	jas.resetStats();
});

async function run(options: Record<string, unknown>): Promise<{ ok: number; rateLimited: number; refused: number; seconds: number }> {
	// The first token request is not rate limited; fetch it before the API's limit goes on.
	await runJas(jas, ['/api/echo'], { options: { maxRetries: 0 } });
	jas.setApiRateLimit({ perSecond: RATE, burst: 2 });
	jas.resetStats();
	const started = Date.now();
	const result = await runJas(jas, Array.from({ length: ITEMS }, (_, i) => `/api/echo?i=${i}`), { options: { concurrency: 10, ...options } });
	return {
		ok: result.outputs[CATEGORY.success].length,
		rateLimited: result.outputs[CATEGORY.rateLimited].length,
		refused: jas.stats.rateLimited,
		seconds: (Date.now() - started) / 1000,
	};
}

it('without a limit, Concurrency 10 overruns a 20/s API: 429s, and items on Rate Limited when retries are off', async () => {
	const r = await run({ maxRetries: 0 });
	process.stdout.write(`no limit: ${r.ok} ok, ${r.rateLimited} on Rate Limited, the API refused ${r.refused} requests (429)\n`);
	expect(r.refused).toBeGreaterThan(0);
	expect(r.ok + r.rateLimited).toBe(ITEMS);
});

it('without a limit but with retries (3, honouring Retry-After): the cost in 429s and time', async () => {
	const r = await run({ maxRetries: 3 });
	process.stdout.write(`no limit, 3 retries: ${r.ok} ok, ${r.rateLimited} on Rate Limited after retries, ${r.refused} requests refused (429), ${r.seconds.toFixed(2)} s\n`);
	expect(r.refused).toBeGreaterThan(0);
	expect(r.ok + r.rateLimited).toBe(ITEMS);
}, 60_000);

it('with Max Requests per Second at the API rate: every item succeeds and the API (nearly) never refuses', async () => {
	const r = await run({ maxRequestsPerSecond: RATE, maxRetries: 3 });
	const throughput = ITEMS / r.seconds;
	process.stdout.write(`limit ${RATE}/s: ${r.ok} ok in ${r.seconds.toFixed(2)} s (${throughput.toFixed(1)} requests/s, allowed ${RATE}), the API refused ${r.refused}\n`);
	expect(r.ok).toBe(ITEMS);
	expect(r.refused).toBeLessThanOrEqual(1);
});

it('shares the limit between two executions of the same credential', async () => {
	await runJas(jas, ['/api/echo'], { options: { maxRetries: 0 } });
	jas.setApiRateLimit({ perSecond: RATE, burst: 2 });
	jas.resetStats();
	const items = Array.from({ length: ITEMS / 2 }, (_, i) => `/api/echo?i=${i}`);
	const options = { options: { concurrency: 10, maxRequestsPerSecond: RATE, maxRetries: 3 } };
	const [a, b] = await Promise.all([runJas(jas, items, options), runJas(jas, items, options)]);
	process.stdout.write(`two executions sharing ${RATE}/s: the API refused ${jas.stats.rateLimited}\n`);
	expect(a.outputs[CATEGORY.success].length + b.outputs[CATEGORY.success].length).toBe(ITEMS);
	expect(jas.stats.rateLimited).toBeLessThanOrEqual(1);
});


describe('the limit counts what the API sees, and every 429 of the API pauses the credential', () => {
	let api: Simulator;
	beforeEach(async () => {
		api = await startJasSimulator(); // a credential of its own: no pause or turn of another test is shared
		await runJas(api, ['/api/echo'], { options: { maxRetries: 0 } }); // the token, before anything is timed
		api.resetStats();
	});
	afterEach(async () => await api.close());

	it('redirect hops take a turn: at 5/s with a same-origin redirect per item the API sees at most 5 in a second', async () => {
		const rate = 5;
		const items = Array.from({ length: 10 }, (_, i) => `/api/redirect?to=${encodeURIComponent(`/api/echo?i=${i}`)}`);
		const result = await runJas(api, items, { options: { concurrency: 10, maxRequestsPerSecond: rate } });
		expect(result.outputs[CATEGORY.success]).toHaveLength(10);
		expect(api.stats.apiRequests).toBe(20);
		// Arrival jitter may put a sixth start just inside the API's own window; unlimited hops gave 11.
		expect(api.stats.busiestSecond).toBeLessThanOrEqual(rate + 1);
	});

	it('a 429 that is not retried (a POST without Retry Non-Idempotent) still pauses the credential for its Retry-After', async () => {
		const options = { maxRequestsPerSecond: 100, maxRetries: 3 };
		const refused = await runJas(api, ['/api/status/429?retryAfter=2'], { method: 'POST', bodyType: 'json', jsonBody: '{}', options });
		expect(refused.outputs[CATEGORY.rateLimited]).toHaveLength(1);
		expect(errorOf(refused.outputs[CATEGORY.rateLimited][0]).attempts).toBe(1);
		const started = Date.now();
		const next = await runJas(api, ['/api/echo'], { options });
		expect(next.outputs[CATEGORY.success]).toHaveLength(1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_800);
	});

	it("a 429 from another origin (a CDN the API redirected to) does not pause the API's credential", async () => {
		let cdnHits = 0;
		const cdn = createServer((_req, res) => {
			cdnHits++;
			res.writeHead(429, { 'Retry-After': '30', 'Content-Type': 'text/plain' }).end('slow down');
		});
		await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
		const cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/file`;
		const stop = new AbortController();
		try {
			const options = { maxRequestsPerSecond: 100, maxRetries: 1, maxRetryWait: 60 };
			// A retries after the CDN's 30 s: it is stopped once B is done.
			const a = runJas(api, [`/api/redirect?to=${encodeURIComponent(cdnUrl)}`], { options }, { signal: stop.signal });
			while (cdnHits === 0) await sleep(10);
			const started = Date.now();
			const b = await runJas(api, ['/api/echo'], { options });
			expect(b.outputs[CATEGORY.success]).toHaveLength(1);
			expect(Date.now() - started).toBeLessThan(1_000);
			stop.abort();
			await a.catch(() => undefined);
		} finally {
			stop.abort();
			await new Promise((resolve) => cdn.close(resolve));
		}
	});

	it('an item reads its token after its turn: a wait for the turn longer than the token lives costs no expired-token 401', async () => {
		const shortLived = await startJasSimulator({ tokenLifetimeSec: 2 }); // fresh for 1.5 s (renewed with a quarter left)
		try {
			const items = Array.from({ length: 8 }, (_, i) => `/api/echo?i=${i}`);
			const result = await runJas(shortLived, items, { options: { concurrency: 8, maxRequestsPerSecond: 2 } }); // the last turn is 3.5 s away
			expect(result.outputs[CATEGORY.success]).toHaveLength(8);
			expect(shortLived.stats.expiredTokenRejections).toBe(0);
			expect(shortLived.stats.apiRequests).toBe(8);
		} finally {
			await shortLived.close();
		}
	});

	it("a pause longer than an item's budget (another execution's 429, Retry-After 300) fails it at once on Rate Limited, saying why", async () => {
		await runJas(api, ['/api/status/429?retryAfter=300'], { options: { maxRetries: 0, maxRequestsPerSecond: 10 } });
		const started = Date.now();
		const result = await runJas(api, ['/api/echo?i=1', '/api/echo?i=2', '/api/echo?i=3'], { options: { maxRequestsPerSecond: 10, maxRetryWait: 2, timeout: 2_000 } });
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(result.outputs[CATEGORY.rateLimited]).toHaveLength(3);
		const error = errorOf(result.outputs[CATEGORY.rateLimited][0]);
		expect(error.statusText).toBe('Rate Limited');
		expect(error.message).toMatch(/paused for (299|300) s more/);
		expect(error.message).toContain('Raise "Max Retry Wait" and "Timeout"');
		expect(api.stats.apiRequests).toBe(1); // only A's request reached the API
	});
});
