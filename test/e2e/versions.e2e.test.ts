/**
 * The n8n versions this package declares it supports (scripts/n8n-versions), each the same way: the packed
 * package installed as the Community Nodes screen does, then the demo workflow, a load run with short-lived
 * tokens, and JTL renewal with short-lived tokens over several executions. The figures are printed per version
 * (the README's "Supported n8n versions" table comes from them).
 */
import { reconnectJtl, runDemo, setUpDemo, type DemoSetup } from '../../tools/demo/run';
import { CREDENTIAL_IDS, echoLoadWorkflow } from '../../tools/demo/workflow';
import { outputItems } from '../../tools/n8n/executions';
import { N8N_VERSIONS } from '../../tools/n8n/install';
import { manualWorkflow } from '../../tools/n8n/instance';

jest.setTimeout(15 * 60_000);

const versions = N8N_VERSIONS;
const report = (line: string) => process.stdout.write(`[n8n ${line}]\n`);

describe.each(versions)('n8n %s', (version) => {
	let demo: DemoSetup;
	beforeAll(async () => (demo = await setUpDemo({ n8nVersion: version })));
	afterAll(async () => await demo?.close());

	it('loads the package and runs the demo workflow: every item on its output, nothing leaked', async () => {
		expect(demo.n8n.packageLoadProblems()).toEqual([]);
		const result = await runDemo(demo);
		report(`${version}] demo: ${JSON.stringify(result.outputs['JAS Request'])}, JAS tokens ${result.tokens.jas}, problems ${result.problems.length}`);
		expect(result.problems).toEqual([]);
		expect(result.misrouted).toEqual([]);
	});

	it('load: 2,000 items at concurrency 20 with 2-second tokens, renewed ahead of expiry (no expired-token 401)', async () => {
		const workflow = echoLoadWorkflow('jasVersionLoad1', 'versions load', 2_000, 'JAS Request', { id: CREDENTIAL_IDS.jas, name: 'JAS (simulator)' }, { concurrency: 20 });
		await demo.n8n.importWorkflow(workflow);
		demo.sims.jas.setTokenLifetime(2);
		demo.sims.jas.setLatency(20); // about 2 s of work at concurrency 20: the 2-second token must be renewed
		try {
			demo.sims.jas.resetStats();
			const started = Date.now();
			const execution = await demo.n8n.execute(workflow.id);
			const seconds = (Date.now() - started) / 1000;
			const nodeSeconds = (execution.runData['JAS Request']?.[0]?.executionTime ?? 0) / 1000;
			const stats = demo.sims.jas.stats;
			report(
				`${version}] load: 2000 items, node ${nodeSeconds.toFixed(2)} s (${Math.round(2000 / Math.max(nodeSeconds, 0.001))} items/s), whole run ${seconds.toFixed(1)} s, ` +
					`${stats.tokensIssued} tokens, ${stats.unauthorized} answered 401 (${stats.expiredTokenRejections} expired)`,
			);
			expect(outputItems(execution, 'JAS Request', 0)).toHaveLength(2_000);
			expect(stats.expiredTokenRejections).toBe(0);
			// Renewed at 3/4 of 2 s: at most one token per 1.5 s of the node's run, plus the first.
			expect(stats.tokensIssued).toBeLessThanOrEqual(Math.ceil(nodeSeconds / 1.5) + 1);
		} finally {
			demo.sims.jas.setTokenLifetime(600);
			demo.sims.jas.setLatency(0);
		}
	});

	it('JTL with 3-second tokens over executions: no invalid_grant, at most one refresh per token lifetime, nothing lost', async () => {
		await demo.n8n.importWorkflow(
			manualWorkflow('jasVersionJtl1', 'versions jtl', {
				name: 'JAS Request',
				type: 'n8n-nodes-jas.jasRequest',
				typeVersion: 1,
				parameters: { authentication: 'jtlFfnOAuth2Api', method: 'GET', url: '/v1/users/current' },
				credentials: { jtlFfnOAuth2Api: { id: CREDENTIAL_IDS.jtl, name: 'simulator' } },
			}),
		);
		try {
			await reconnectJtl(demo, 3); // 3-second tokens, as after clicking "Connect"
			const runs = 3;
			for (let run = 0; run < runs; run++) {
				const execution = await demo.n8n.execute('jasVersionJtl1');
				expect(outputItems(execution, 'JAS Request', 0)).toHaveLength(1);
				await new Promise((resolve) => setTimeout(resolve, 3_200)); // the token expires between runs
			}
			const stats = demo.sims.jtl.stats;
			report(`${version}] JTL: ${runs} executions, ${stats.refreshRequests} refreshes, ${stats.unauthorized} answered 401, ${stats.invalidGrant} invalid_grant`);
			expect(stats.invalidGrant).toBe(0);
			expect(stats.refreshRequests).toBeLessThanOrEqual(runs);
		} finally {
			demo.sims.jtl.setTokenLifetime(1800);
		}
	});
});

it('tests at least the default and the oldest supported n8n', () => expect(versions.length).toBeGreaterThanOrEqual(2));
