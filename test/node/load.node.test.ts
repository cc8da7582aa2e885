/**
 * Issue 3's load criterion: 10,000 items at concurrency 20, 2-second tokens. No item lost or duplicated,
 * no request rejected for an expired token, and no more tokens than run time / usable lifetime + 1.
 */
import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { runNode } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator, startJasSimulator } from '../../tools/simulators';

const ITEMS = 10_000;
const LIFETIME_SEC = 2;
// Renewal margin shrinks to a quarter of a short lifetime: a 2 s token is used for 1.5 s.
const USABLE_SEC = LIFETIME_SEC * 0.75;

let jas: Simulator;
beforeAll(async () => (jas = await startJasSimulator({ tokenLifetimeSec: LIFETIME_SEC, latencyMs: 1 })));
afterAll(async () => await jas.close());

it('10,000 items at concurrency 20 with 2-second tokens', async () => {
	const started = Date.now();
	const result = await runNode({
		node: new JasRequest(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '=/api/echo?n={{ $json.n }}', options: { concurrency: 20 } },
		items: Array.from({ length: ITEMS }, (_, n) => ({ json: { n } })),
		credentials: { jasOAuth2Api: { baseUrl: jas.url, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 } },
	});
	const seconds = (Date.now() - started) / 1000;

	const success = result.outputs[0];
	expect(result.outputs.slice(1).map((output) => output.length)).toEqual([0, 0, 0, 0, 0, 0]);
	expect(success).toHaveLength(ITEMS);
	// Each item once, in input order, paired to itself, with its own answer.
	success.forEach((item, index) => {
		expect((item.pairedItem as { item: number }).item).toBe(index);
		expect((item.json.query as { n: string }).n).toBe(String(index));
	});
	expect(jas.stats.unauthorized).toBe(0);
	expect(jas.stats.expiredTokenRejections).toBe(0);
	expect(jas.stats.maxInFlight).toBeLessThanOrEqual(20);
	const allowedTokens = Math.floor(seconds / USABLE_SEC) + 1;
	process.stdout.write(
		`load: ${ITEMS} items in ${seconds.toFixed(1)} s (${Math.round(ITEMS / seconds)}/s), ${jas.stats.tokenRequests} token requests (allowed ${allowedTokens}), max in flight ${jas.stats.maxInFlight}\n`,
	);
	expect(jas.stats.tokenRequests).toBeLessThanOrEqual(allowedTokens);
}, 120_000);
