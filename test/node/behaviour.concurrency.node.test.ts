/**
 * JAS Request through n8n: the Concurrency option is exactly how many requests the API sees at once.
 */
import { type Simulator, startJasSimulator } from '../../tools/simulators';
import { OUT, pairedIndexes, runJas } from './behaviour.helpers';

let jas: Simulator;
beforeAll(async () => (jas = await startJasSimulator({ latencyMs: 50 })));
afterAll(async () => await jas.close());

it.each([1, 5, 20])('concurrency %i: exactly that many requests in flight', async (concurrency) => {
	jas.resetStats();
	const paths = Array.from({ length: 60 }, (_, index) => `/api/echo?i=${index}`);
	const result = await runJas(jas, paths, { options: { concurrency, maxRetries: 0 } });
	expect(pairedIndexes(result.outputs[OUT.success])).toEqual(paths.map((_, index) => index));
	expect(jas.stats.apiRequests).toBe(60);
	expect(jas.stats.maxInFlight).toBe(concurrency);
});
