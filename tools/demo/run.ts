/**
 * Runs the demo: simulators, a real n8n with the packed package, the example workflow, a summary.
 * Shared by `npm run demo` and the end-to-end test of the example workflow.
 */
import { createN8nInstance, type N8nInstance } from '../n8n/instance';
import { ensureN8n, packPackage, removePackedPackage } from '../n8n/install';
import { type N8nExecution } from '../n8n/executions';
import { type AllSimulators, DEMO_CLIENTS, startAllSimulators } from '../simulators';
import { type ModelSimulator, startModelSimulator } from '../simulators/model';
import { DEMO_MODEL_TOOL_CALL, demoCredentials, demoWorkflow, JAS_OUTPUTS, JAS_REQUESTS, JTL_PRODUCT_COUNT } from './workflow';

export const JTL_SCOPES = ['ffn.merchant.read', 'ffn.merchant.write'];

/** n8n's OAuth2 callback on a given editor port, as registered with the JTL OAuth client. */
export const jtlRedirectUri = (editorPort = 5678): string => `http://localhost:${editorPort}/rest/oauth2-credential/callback`;
export const JTL_REDIRECT_URI = jtlRedirectUri();

export interface DemoSetup {
	sims: AllSimulators;
	/** The OpenAI-compatible model the example AI agent talks to (credential "OpenAI (simulator)"). */
	model: ModelSimulator;
	n8n: N8nInstance;
	tarball: string;
	workflowId: string;
	close(): Promise<void>;
}

/**
 * Starts simulators (on free ports) and an n8n with the package, credentials and workflow imported. `editorPort`
 * is where `n8n start` will serve the editor (its OAuth callback is registered with the JTL simulator).
 */
export async function setUpDemo(options: { editorPort?: number; n8nVersion?: string } = {}): Promise<DemoSetup> {
	const sims = await startAllSimulators();
	const model = await startModelSimulator().catch(async (error: unknown) => {
		await sims.close();
		throw error;
	});
	model.script('default', [DEMO_MODEL_TOOL_CALL]);
	try {
		await ensureN8n(options.n8nVersion);
		const tarball = await packPackage();
		const n8n = await createN8nInstance({ tarball, n8nVersion: options.n8nVersion, logLevel: 'info', env: options.editorPort ? { N8N_PORT: String(options.editorPort) } : {} });
		const token = await sims.jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: jtlRedirectUri(options.editorPort), scope: JTL_SCOPES.join(' ') });
		await n8n.importCredentials(
			demoCredentials({
				jas: { url: sims.jas.url, ...DEMO_CLIENTS.jas },
				partner: { url: sims.partner.url, ...DEMO_CLIENTS.partner },
				jtl: {
					url: sims.jtl.url,
					...DEMO_CLIENTS.jtl,
					scopes: JTL_SCOPES,
					tokenData: { ...token, n8n_expires_at: String(Date.now() + token.expires_in * 1000) },
				},
				model: { url: model.url },
			}),
		);
		const workflow = demoWorkflow();
		await n8n.importWorkflow(workflow);
		return {
			sims,
			model,
			n8n,
			tarball,
			workflowId: workflow.id,
			close: async () => {
				await n8n.close();
				await removePackedPackage(tarball);
				await sims.close();
				await model.close();
			},
		};
	} catch (error) {
		await sims.close();
		await model.close();
		throw error;
	}
}

export interface DemoReport {
	/** Items per output of each JAS Request node. */
	outputs: Record<string, Record<string, number>>;
	/** Requests that landed on another output than expected (empty when the demo worked). */
	misrouted: string[];
	problems: string[];
	tokens: { jas: number; partner: number; jtlRefreshes: number };
	/** what the JAS simulator saw: API requests, and how many it answered 401 */
	jasApi: { requests: number; unauthorized: number };
	seconds: number;
}

function countsOf(execution: N8nExecution, nodeName: string, names: string[]): Record<string, number> {
	const outputs = execution.runData[nodeName]?.[0]?.data?.main ?? [];
	return Object.fromEntries(names.map((name, index) => [name, outputs[index]?.length ?? 0]));
}

/**
 * Reconnects the demo's JTL credential with tokens living `lifetimeSec`, as a user clicking "Connect my account"
 * would (n8n records the expiry), then zeroes the JTL simulator's counters. The lifetime stays set: reset it after.
 */
export async function reconnectJtl(setup: DemoSetup, lifetimeSec: number): Promise<void> {
	setup.sims.jtl.setTokenLifetime(lifetimeSec);
	const token = await setup.sims.jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: JTL_REDIRECT_URI, scope: JTL_SCOPES.join(' ') });
	const [, , jtlCredential] = demoCredentials({
		jas: { url: setup.sims.jas.url, ...DEMO_CLIENTS.jas },
		partner: { url: setup.sims.partner.url, ...DEMO_CLIENTS.partner },
		jtl: { url: setup.sims.jtl.url, ...DEMO_CLIENTS.jtl, scopes: JTL_SCOPES, tokenData: { ...token, n8n_expires_at: String(Date.now() + lifetimeSec * 1000) } },
		model: { url: setup.model.url },
	});
	await setup.n8n.importCredentials([jtlCredential]);
	setup.sims.jtl.resetStats();
}

/** Runs the imported demo workflow once and checks every item against where it must land. */
export async function runDemo(setup: DemoSetup): Promise<DemoReport> {
	setup.sims.jas.resetStats();
	setup.sims.partner.resetStats();
	setup.sims.jtl.resetStats();
	const started = Date.now();
	const execution = await setup.n8n.execute(setup.workflowId);
	const seconds = (Date.now() - started) / 1000;
	const problems: string[] = [];
	if (execution.status !== 'success') problems.push(`the execution ended with status "${execution.status}"`);

	const jasOutputs = execution.runData['JAS Request']?.[0]?.data?.main ?? [];
	const misrouted: string[] = [];
	JAS_REQUESTS.forEach(({ path, expect }, index) => {
		const landed = jasOutputs.findIndex((items) => (items ?? []).some((item) => (item as { pairedItem?: { item?: number } }).pairedItem?.item === index));
		if (JAS_OUTPUTS[landed] !== expect) misrouted.push(`${path}: expected ${expect}, got ${JAS_OUTPUTS[landed] ?? 'no output'}`);
	});
	const partner = countsOf(execution, 'Partner Request', JAS_OUTPUTS);
	const jtl = countsOf(execution, 'JTL Products', JAS_OUTPUTS);
	if (partner.Success !== 1) problems.push('Partner Request did not succeed');
	if (jtl.Success !== JTL_PRODUCT_COUNT) problems.push(`JTL Products returned ${jtl.Success} products, expected ${JTL_PRODUCT_COUNT}`);
	const logs = setup.n8n.logs();
	const secrets = [DEMO_CLIENTS.jas.clientSecret, DEMO_CLIENTS.partner.clientSecret, DEMO_CLIENTS.jtl.clientSecret, ...setup.sims.jas.issuedSecrets(), ...setup.sims.partner.issuedSecrets(), ...setup.sims.jtl.issuedSecrets()];
	const output = JSON.stringify(execution.runData);
	if (secrets.some((secret) => output.includes(secret))) problems.push('a token or secret appeared in the run data');
	if (secrets.some((secret) => logs.includes(secret))) problems.push("a token or secret appeared in n8n's logs");
	problems.push(...setup.n8n.packageLoadProblems());
	return {
		outputs: { 'JAS Request': countsOf(execution, 'JAS Request', JAS_OUTPUTS), 'Partner Request': partner, 'JTL Products': jtl },
		misrouted,
		problems,
		jasApi: { requests: setup.sims.jas.stats.apiRequests, unauthorized: setup.sims.jas.stats.unauthorized },
		tokens: { jas: setup.sims.jas.stats.tokensIssued, partner: setup.sims.partner.stats.tokensIssued, jtlRefreshes: setup.sims.jtl.stats.refreshRequests },
		seconds,
	};
}
