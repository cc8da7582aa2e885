/**
 * The JAS Request node run by n8n's own execution machinery against the simulators: every output of
 * every routing mode, pairing and order, error items, input errors.
 */
import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { runNode } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator, startJasSimulator } from '../../tools/simulators';

let jas: Simulator;
beforeAll(async () => (jas = await startJasSimulator()));
afterAll(async () => await jas.close());
beforeEach(() => jas.resetStats());

const credentials = () => ({ jasOAuth2Api: { baseUrl: jas.url, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 } });
const items = (paths: string[]) => paths.map((path) => ({ json: { path } }));

async function run(paths: string[], parameters: Record<string, unknown> = {}) {
	return await runNode({
		node: new JasRequest(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', ...parameters, options: { maxRetries: 0, ...(parameters.options as object) } },
		items: items(paths),
		credentials: credentials(),
	});
}

const pairedIndexes = (output: Array<{ pairedItem?: unknown }>) => output.map((item) => (item.pairedItem as { item: number }).item);

describe('by category (default)', () => {
	it('routes each outcome to its output, paired and in input order', async () => {
		const paths = ['/api/echo', '/api/status/400', '/api/status/401', '/api/status/403', '/api/status/404', '/api/status/429', '/api/status/503', '/api/drop', '/api/echo?second=1', '/api/status/409'];
		const result = await run(paths);
		expect(result.outputNames).toEqual(['Success', 'Client Error', 'Auth Error', 'Not Found', 'Rate Limited', 'Server Error', 'Network Error']);
		expect(result.outputs.map(pairedIndexes)).toEqual([[0, 8], [1, 9], [2, 3], [4], [5], [6], [7]]);
		// One token for the run, plus one renewal for the item whose request the API answered 401.
		expect(jas.stats.tokenRequests).toBe(2);
	});

	it('fills the error item with what happened and what to do', async () => {
		const result = await run(['/api/status/404']);
		const item = result.outputs[3][0].json as { outcome: string; error: Record<string, unknown> };
		expect(item.outcome).toBe('Not Found');
		expect(item.error).toMatchObject({
			status: 404,
			statusText: 'Requested Resource not Found',
			source: 'api',
			attempts: 1,
			request: { method: 'GET', url: `${jas.url}/api/status/404` },
		});
		expect(item.error.message).toMatch(/Check the URL path/);
		expect(item.error.body).toMatchObject({ status: 404, message: 'Requested Resource not Found' });
	});

	it('success items carry the response body', async () => {
		const result = await run(['/api/echo?x=1']);
		expect(result.outputs[0][0].json).toMatchObject({ method: 'GET', query: { x: '1' } });
	});
});

describe('by status code', () => {
	it('gives each picked code an output and the rest Other Error', async () => {
		const result = await run(['/api/echo', '/api/status/404', '/api/status/429', '/api/status/418'], { routing: 'byStatusCode', statusCodes: [404, 429] });
		expect(result.outputNames).toEqual(['Success', '404 Not Found', '429 Rate Limited', 'Other Error']);
		expect(result.outputs.map(pairedIndexes)).toEqual([[0], [1], [2], [3]]);
	});
});

describe('custom rules', () => {
	it('first matching rule wins, ranges and network work, the rest is Other Error', async () => {
		const result = await run(['/api/status/502', '/api/status/404', '/api/drop', '/api/echo', '/api/status/400'], {
			routing: 'custom',
			customRules: {
				rules: [
					{ name: 'Retry Later', codes: '429, 500-599' },
					{ name: 'Missing', codes: '404' },
					{ name: 'Offline', codes: 'network' },
				],
			},
		});
		expect(result.outputNames).toEqual(['Success', 'Retry Later', 'Missing', 'Offline', 'Other Error']);
		expect(result.outputs.map(pairedIndexes)).toEqual([[3], [0], [1], [2], [4]]);
	});

	it('an invalid rule stops the run with a message that says what to fix', async () => {
		await expect(run(['/api/echo'], { routing: 'custom', customRules: { rules: [{ name: 'Bad', codes: '4xx' }] } })).rejects.toThrow(/"4xx" is not a status code or range/);
	});
});
