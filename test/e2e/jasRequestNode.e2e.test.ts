/**
 * The JAS Request node inside a real n8n 2.41.1, installed from the packed tarball the way the Community
 * Nodes screen does it: the demo workflow (every output of the default routing, Partner, JTL pagination),
 * a custom routing, two scheduled executions in one process sharing one token, and JTL refresh-token
 * rotation over several executions.
 */
import { reconnectJtl, runDemo, setUpDemo, type DemoSetup } from '../../tools/demo/run';
import { CREDENTIAL_IDS } from '../../tools/demo/workflow';
import { DEMO_CLIENTS } from '../../tools/simulators';
import { manualWorkflow } from '../../tools/n8n/instance';
import { outputItems } from '../../tools/n8n/executions';

jest.setTimeout(10 * 60_000);

let demo: DemoSetup;
beforeAll(async () => (demo = await setUpDemo()));
afterAll(async () => await demo?.close());

const jasNode = (parameters: Record<string, unknown>, credential: 'jasOAuth2Api' | 'jtlFfnOAuth2Api' = 'jasOAuth2Api') => ({
	name: 'JAS Request',
	type: 'n8n-nodes-jas.jasRequest',
	typeVersion: 1,
	parameters: { authentication: credential, method: 'GET', ...parameters },
	credentials: { [credential]: { id: credential === 'jasOAuth2Api' ? CREDENTIAL_IDS.jas : CREDENTIAL_IDS.jtl, name: 'simulator' } },
});

it('loads the package without problems', () => {
	expect(demo.n8n.packageLoadProblems()).toEqual([]);
});

it('the demo workflow puts every item on the output it must, leaking nothing', async () => {
	const report = await runDemo(demo);
	expect(report.problems).toEqual([]);
	expect(report.misrouted).toEqual([]);
	expect(report.outputs['JAS Request']).toEqual({
		Success: 20,
		'Client Error': 2,
		'Auth Error': 2,
		'Not Found': 1,
		'Rate Limited': 1,
		'Server Error': 1,
		'Network Error': 1,
	});
	// One token for the run; the request the API answered 401 renews it once.
	expect(report.tokens.jas).toBe(2);
	expect(report.tokens.partner).toBe(1);
});

it('routes by custom rules in n8n, with the outputs named by the rules', async () => {
	await demo.n8n.importWorkflow(
		manualWorkflow(
			'jasE2eCustom1',
			'e2e custom routing',
			jasNode({
				url: '/api/status/503',
				routing: 'custom',
				customRules: { rules: [{ name: 'Later', codes: '429, 500-599' }] },
				options: { maxRetries: 0 },
			}),
		),
	);
	const execution = await demo.n8n.execute('jasE2eCustom1');
	expect(execution.status).toBe('success');
	const [later] = outputItems(execution, 'JAS Request', 1);
	expect(later).toMatchObject({ outcome: 'Later', error: { status: 503, source: 'api' } });
	expect(outputItems(execution, 'JAS Request', 0)).toEqual([]);
});

it('two scheduled executions in one n8n process share one token', async () => {
	await demo.n8n.importWorkflow(manualWorkflow('jasE2eSchedule1', 'e2e schedule', jasNode({ url: '/api/echo' })));
	demo.sims.jas.resetStats();
	const [first, second] = await demo.n8n.executeTwiceInOneProcess('jasE2eSchedule1');
	expect([first.status, second.status]).toEqual(['success', 'success']);
	expect(demo.sims.jas.stats.apiRequests).toBe(2);
	expect(demo.sims.jas.stats.tokenRequests).toBe(1);
});

it('JTL: refresh tokens rotate over executions without invalid_grant, the newest persisted', async () => {
	await demo.n8n.importWorkflow(manualWorkflow('jasE2eJtl1', 'e2e jtl rotation', jasNode({ url: '/v1/users/current' }, 'jtlFfnOAuth2Api')));
	try {
		await reconnectJtl(demo, 3); // 3-second tokens, as after clicking "Connect"
		for (let run = 0; run < 3; run++) {
			const execution = await demo.n8n.execute('jasE2eJtl1');
			expect(outputItems(execution, 'JAS Request', 0)).toHaveLength(1);
			await new Promise((resolve) => setTimeout(resolve, 3_200)); // let the token expire between runs
		}
		expect(demo.sims.jtl.stats.invalidGrant).toBe(0);
		expect(demo.sims.jtl.stats.refreshRequests).toBeGreaterThanOrEqual(2);
		const stored = (await demo.n8n.exportCredentials()).find((c) => c.id === CREDENTIAL_IDS.jtl);
		const tokenData = stored?.data.oauthTokenData as { refresh_token?: string } | undefined;
		const issued = demo.sims.jtl.issuedSecrets();
		// The last secret the simulator issued is the newest refresh token (issued after its access token).
		expect(tokenData?.refresh_token).toBe(issued[issued.length - 1]);
	} finally {
		demo.sims.jtl.setTokenLifetime(1800);
	}
	expect(JSON.stringify(demo.n8n.logs())).not.toContain(DEMO_CLIENTS.jtl.clientSecret);
});
