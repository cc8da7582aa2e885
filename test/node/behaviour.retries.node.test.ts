/**
 * JAS Request through n8n against the JAS simulator: retries (5xx, 429 with Retry-After, the retry wait
 * budget, non-idempotent methods) and cancellation of running requests and of retry waits.
 */
import { CATEGORY } from '../../nodes/JasRequest/routing';
import { type Simulator, startJasSimulator } from '../../tools/simulators';
import { errorOf, eventually, runJas, uniqueKey } from './behaviour.helpers';

let jas: Simulator;
beforeAll(async () => (jas = await startJasSimulator()));
afterAll(async () => await jas.close());
beforeEach(() => jas.resetStats());

describe('retries', () => {
	it('a 503 twice then 200 succeeds with maxRetries 3', async () => {
		const key = uniqueKey('flaky-ok');
		const result = await runJas(jas, [`/api/flaky/${key}?failures=2&status=503`], { options: { maxRetries: 3 } });
		expect(result.outputs[CATEGORY.success]).toHaveLength(1);
		expect(result.outputs[CATEGORY.success][0].json).toEqual({ key, calls: 3 });
		expect(result.outputs[CATEGORY.serverError]).toHaveLength(0);
	});

	it('gives up after maxRetries, with the attempts in the error item', async () => {
		const key = uniqueKey('flaky-fail');
		const result = await runJas(jas, [`/api/flaky/${key}?failures=2&status=503`], { options: { maxRetries: 1 } });
		expect(result.outputs[CATEGORY.success]).toHaveLength(0);
		const error = errorOf(result.outputs[CATEGORY.serverError][0]);
		expect(error).toMatchObject({ status: 503, source: 'api', attempts: 2 });
		expect(error.body).toMatchObject({ key, calls: 2 });
		expect(error.message).toMatch(/after 2 attempts/);
	});

	it('waits for Retry-After on 429, then succeeds', async () => {
		const key = uniqueKey('flaky-429');
		const started = Date.now();
		const result = await runJas(jas, [`/api/flaky/${key}?failures=1&status=429&retryAfter=1`], { options: { maxRetries: 3 } });
		const elapsed = Date.now() - started;
		expect(result.outputs[CATEGORY.success][0].json).toEqual({ key, calls: 2 });
		expect(elapsed).toBeGreaterThanOrEqual(900);
	});

	it('a Retry-After beyond Max Retry Wait goes to Rate Limited at once', async () => {
		const started = Date.now();
		const result = await runJas(jas, ['/api/status/429?retryAfter=120'], { options: { maxRetries: 3, maxRetryWait: 60 } });
		expect(Date.now() - started).toBeLessThan(2000);
		const error = errorOf(result.outputs[CATEGORY.rateLimited][0]);
		expect(error).toMatchObject({ status: 429, retryAfter: 120, attempts: 1, source: 'api' });
		expect(error.message).toMatch(/120 s/);
		expect(jas.stats.apiRequests).toBe(1);
	});

	it('retries network failures too, and reports what happened', async () => {
		const result = await runJas(jas, ['/api/drop', '/api/slow?ms=3000'], { options: { maxRetries: 1, timeout: 300 } });
		const [dropped, timedOut] = result.outputs[CATEGORY.networkError].map(errorOf);
		expect(dropped).toMatchObject({ status: null, source: 'network', attempts: 2, statusText: 'reset' });
		expect(timedOut).toMatchObject({ status: null, source: 'network', attempts: 2, statusText: 'timeout' });
		expect(timedOut.message).toMatch(/within 300 ms/);
		expect(jas.stats.apiRequests).toBe(4);
	});

	it('does not retry POST on 503 unless Retry Non-Idempotent Requests is on', async () => {
		const key = uniqueKey('post');
		const path = `/api/flaky/${key}?failures=1&status=503`;
		const post = { method: 'POST', bodyType: 'json', jsonBody: '{"a":1}' };

		const once = await runJas(jas, [path], { ...post, options: { maxRetries: 3 } });
		const error = errorOf(once.outputs[CATEGORY.serverError][0]);
		expect(error).toMatchObject({ status: 503, attempts: 1 });
		expect(error.body).toMatchObject({ calls: 1 });

		jas.resetStats(); // flaky counts start again: the first call fails once more
		const retried = await runJas(jas, [path], { ...post, options: { maxRetries: 3, retryNonIdempotent: true } });
		expect(retried.outputs[CATEGORY.success][0].json).toEqual({ key, calls: 2 });
	});
});

describe('cancellation', () => {
	it('stops running requests promptly, and starts no new ones', async () => {
		const controller = new AbortController();
		const paths = Array.from({ length: 20 }, () => '/api/slow?ms=5000');
		let abortedAt = 0;
		setTimeout(() => {
			abortedAt = Date.now();
			controller.abort();
		}, 200);
		await runJas(jas, paths, { options: { concurrency: 10, maxRetries: 3 } }, { signal: controller.signal }).catch(() => undefined);
		const settledAfterAbort = Date.now() - abortedAt;
		expect(abortedAt).toBeGreaterThan(0);
		expect(settledAfterAbort).toBeLessThan(1500);
		expect(await eventually(() => jas.stats.inFlight === 0, 1000)).toBe(true);
		// Only the first lane-full was ever sent: items after the abort never reach the API.
		expect(jas.stats.apiRequests).toBeLessThanOrEqual(10);
	});

	it('cuts a Retry-After wait short', async () => {
		const controller = new AbortController();
		let abortedAt = 0;
		setTimeout(() => {
			abortedAt = Date.now();
			controller.abort();
		}, 300);
		const result = await runJas(jas, ['/api/status/429?retryAfter=30'], { options: { maxRetries: 3, maxRetryWait: 60 } }, { signal: controller.signal }).catch(
			() => undefined,
		);
		expect(abortedAt).toBeGreaterThan(0);
		expect(Date.now() - abortedAt).toBeLessThan(1500);
		expect(jas.stats.apiRequests).toBe(1);
		if (result?.outputs[CATEGORY.rateLimited]?.length) expect(errorOf(result.outputs[CATEGORY.rateLimited][0])).toMatchObject({ status: 429, retryAfter: 30 });
	});
});
