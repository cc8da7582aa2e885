/**
 * The bench's ideal node (bench/idealNode/IdealRequest.node.ts) inside n8n's engine against the JAS simulator: it is
 * only a fair ceiling if it does the whole job JAS Request does on the bench's items: every item answered once, in
 * input order, paired to its input, within its concurrency, with one token for the run.
 */
import { IdealRequest } from '../../bench/idealNode/IdealRequest.node';
import { runNode } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator, startJasSimulator } from '../../tools/simulators';

let jas: Simulator;
beforeAll(async () => (jas = await startJasSimulator({ latencyMs: 2 })));
afterAll(async () => await jas.close());
beforeEach(() => jas.resetStats());

const run = async (items: number, concurrency: number) =>
	await runNode({
		node: new IdealRequest(),
		parameters: { pathField: 'path', concurrency },
		items: Array.from({ length: items }, (_, n) => ({ json: { path: `/api/echo?n=${n}` } })),
		credentials: { idealBenchApi: { baseUrl: jas.url, ...DEMO_CLIENTS.jas } },
	});

it('answers every item once, in input order, paired to its input, with one token per run', async () => {
	const { outputs } = await run(300, 10);
	expect(outputs).toHaveLength(1);
	expect(outputs[0]).toHaveLength(300);
	outputs[0].forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		expect((item.json.query as { n: string }).n).toBe(String(index));
	});
	expect(jas.stats.tokenRequests).toBe(1);
	expect(jas.stats.apiRequests).toBe(300);
	expect(jas.stats.unauthorized).toBe(0);
});

it('keeps at most Concurrency requests in flight, and uses all of them', async () => {
	await run(200, 7);
	expect(jas.stats.maxInFlight).toBe(7);
});

it('fails the run when the API does not answer 200 (the bench must not count a broken item)', async () => {
	await expect(
		runNode({
			node: new IdealRequest(),
			parameters: { pathField: 'path', concurrency: 2 },
			items: [{ json: { path: '/api/echo?n=0' } }, { json: { path: '/api/status/500' } }],
			credentials: { idealBenchApi: { baseUrl: jas.url, ...DEMO_CLIENTS.jas } },
		}),
	).rejects.toThrow(/item 1: the API answered 500/);
});
