/**
 * Max Requests per Second against an API that enforces a rate limit with 429s (the JAS simulator's token bucket:
 * 20 requests per second, bursts of 2). Without the option the node's Concurrency overruns the API and gets 429s;
 * with it set at the API's rate, requests are spaced so the API never has to refuse one. Figures are printed.
 */
import { CATEGORY } from '../../nodes/JasRequest/routing';
import { type Simulator, startJasSimulator } from '../../tools/simulators';
import { runJas } from './behaviour.helpers';

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

