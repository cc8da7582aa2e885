/**
 * Every importable workflow in examples/ is imported into a real n8n 2.41.1 with `n8n import:workflow` exactly as
 * shipped, run against the simulators, and its outputs checked, so a template never rots. The credentials are exactly
 * the ones a user gets from `npm run demo` (tools/demo/workflow.ts `demoCredentials`: the same ids, names and
 * settings), so what passes here is what a user's import into the demo's n8n runs, with no editing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { JTL_SCOPES, JTL_REDIRECT_URI } from '../../tools/demo/run';
import { DEMO_CREDENTIALS, DEMO_MODEL_TOOL_CALL, demoCredentials } from '../../tools/demo/workflow';
import { outputItems } from '../../tools/n8n/executions';
import { ensureN8n, packPackage, removePackedPackage } from '../../tools/n8n/install';
import { createN8nInstance, type N8nBatchExecution, type N8nInstance, type N8nWorkflow } from '../../tools/n8n/instance';
import { type AllSimulators, DEMO_CLIENTS, startAllSimulators } from '../../tools/simulators';
import { startModelSimulator, type ModelSimulator } from '../../tools/simulators/model';
import { assertNoRegisteredSecrets } from '../helpers/leakGuard';

jest.setTimeout(15 * 60_000);

const EXAMPLES_DIR = resolve(__dirname, '..', '..', 'examples');
const files = readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json')).sort();
const examples = new Map(files.map((file) => [file, JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as N8nWorkflow]));

/**
 * Examples started by a polling trigger: `n8n execute-batch` cannot start them (it needs a manual start node), so
 * test/e2e/trigger.e2e.test.ts imports them as shipped and runs them active in `n8n start`.
 */
const ACTIVATED = ['jtl-ffn-shipped-to-jas.json'];
const fileOf = (workflow: N8nWorkflow) => [...examples].find(([, example]) => example === workflow)![0];

type WorkflowNode = { name: string; type: string; typeVersion: number; parameters: Record<string, unknown>; credentials?: Record<string, { id: unknown; name: string }> };
const nodesOf = (workflow: N8nWorkflow) => workflow.nodes as WorkflowNode[];

/** The newest typeVersion of every node type the installed n8n ships (from its packages' types/nodes.json). */
function newestVersions(n8nModules: string): Map<string, number> {
	const newest = new Map<string, number>();
	for (const [prefix, pkg] of [['n8n-nodes-base.', 'n8n-nodes-base'], ['@n8n/n8n-nodes-langchain.', '@n8n/n8n-nodes-langchain']]) {
		const described = JSON.parse(readFileSync(join(n8nModules, pkg, 'dist', 'types', 'nodes.json'), 'utf8')) as Array<{ name: string; version: number | number[] }>;
		for (const { name, version } of described) {
			const type = name.startsWith(prefix) ? name : prefix + name;
			newest.set(type, Math.max(newest.get(type) ?? 0, ...[version].flat()));
		}
	}
	return newest;
}

let sims: AllSimulators;
let model: ModelSimulator;
let n8n: N8nInstance;
let tarball: string;
let n8nModules: string;
const runs = new Map<string, N8nBatchExecution>();
const run = (file: string) => runs.get(examples.get(file)!.id)!.execution!;

beforeAll(async () => {
	sims = await startAllSimulators();
	model = await startModelSimulator();
	model.script('default', [DEMO_MODEL_TOOL_CALL]);
	const { n8nBin } = await ensureN8n();
	n8nModules = n8nBin.slice(0, n8nBin.lastIndexOf('/node_modules/') + '/node_modules'.length);
	tarball = await packPackage();
	n8n = await createN8nInstance({ tarball, logLevel: 'info' });
	const token = await sims.jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: JTL_REDIRECT_URI, scope: JTL_SCOPES.join(' ') });
	// What `npm run demo` imports (tools/demo/run.ts setUpDemo), nothing else.
	await n8n.importCredentials(
		demoCredentials({
			jas: { url: sims.jas.url, ...DEMO_CLIENTS.jas },
			partner: { url: sims.partner.url, ...DEMO_CLIENTS.partner },
			jtl: { url: sims.jtl.url, ...DEMO_CLIENTS.jtl, scopes: JTL_SCOPES, tokenData: { ...token, n8n_expires_at: String(Date.now() + token.expires_in * 1000) } },
			model: { url: model.url },
		}),
	);
	const workflows = [...examples.values()];
	await n8n.importWorkflow(workflows);
	const started = Date.now();
	const runnable = workflows.filter((workflow) => !ACTIVATED.includes(fileOf(workflow)));
	for (const execution of await n8n.executeBatch(runnable.map((workflow) => workflow.id))) runs.set(execution.workflowId, execution);
	process.stdout.write(`[examples] ${workflows.length} example workflows imported and run in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});

afterAll(async () => {
	await n8n?.close();
	if (tarball) await removePackedPackage(tarball);
	await sims?.close();
	await model?.close();
});

describe.each(files)('%s', (file) => {
	const workflow = examples.get(file)!;

	it("references the demo's credentials (id and name), uses current node versions, and explains itself in sticky notes", () => {
		const newest = newestVersions(n8nModules);
		const nodes = nodesOf(workflow);
		const demoRefs = Object.values(DEMO_CREDENTIALS).map(({ id, name }) => ({ id, name }));
		for (const node of nodes) {
			for (const credential of Object.values(node.credentials ?? {})) expect(demoRefs).toContainEqual(credential);
			if (node.type.startsWith('n8n-nodes-jas.')) expect(node.typeVersion).toBe(1);
			else expect(`${node.type} ${node.typeVersion}`).toBe(`${node.type} ${newest.get(node.type)}`);
		}
		const notes = nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect(notes.length).toBeGreaterThanOrEqual(2);
		for (const note of notes) expect(String(note.parameters.content).length).toBeGreaterThan(150);
		expect(/\d/.test(workflow.id)).toBe(true); // runnable by execute-batch
	});

	// A trigger's example runs when activated, in test/e2e/trigger.e2e.test.ts, not by execute-batch (no test here: CI fails on skips).
	if (!ACTIVATED.includes(file)) it('ran in n8n without errors, leaking nothing', () => {
		const execution = runs.get(workflow.id);
		expect(`${execution?.status} ${execution?.error ?? ''}`.trim()).toBe('success');
		assertNoRegisteredSecrets(execution?.execution?.runData, `the run data of ${file}`);
	});
});

it('every example has its outputs checked below', () => {
	expect(files).toEqual(['ai-agent-jas-tool.json', 'jas-paginated-export.json', 'jtl-ffn-outbound-poll.json', 'jtl-ffn-shipped-to-jas.json', 'partner-api-call.json']);
});


it('jas-paginated-export: all 95 rows of every page reach Success, nothing else', () => {
	const execution = run('jas-paginated-export.json');
	const rows = outputItems(execution, 'Exported Rows');
	expect(rows).toHaveLength(95);
	expect(rows[94]).toEqual({ id: 95, name: 'Item 95' });
	for (let output = 1; output < 7; output++) expect(outputItems(execution, 'Export All Pages', output)).toEqual([]);
});

it('jtl-ffn-outbound-poll: the outbounds of the (simulated) sandbox, paged with $skip/$top: one page of all 95', () => {
	const pages = outputItems(run('jtl-ffn-outbound-poll.json'), 'New Outbounds');
	expect(pages).toHaveLength(1);
	expect(pages[0]).toMatchObject({ _page: { total: 95, top: 100, skip: 0 }, items: expect.arrayContaining([{ outboundId: 'ob-00095', merchantOutboundNumber: 'ORDER-00095', status: 'Acknowledged' }]) });
	expect(pages[0].items).toHaveLength(95);
});

it('partner-api-call: the booking is posted as JSON and answered', () => {
	const [booked] = outputItems(run('partner-api-call.json'), 'Booked');
	expect(booked).toMatchObject({ method: 'POST', path: '/api/echo/bookings', bodyJson: { reference: 'ORDER-1001', pieces: 2, weightKg: 12.5 } });
});

it('ai-agent-jas-tool: the model is offered the JAS tool, calls it, and gets the answer', () => {
	const [call] = model.calls('default');
	expect(call.tools[0]).toMatchObject({ name: 'JAS', description: expect.stringMatching(/^Calls the JAS API/) });
	const [answer] = JSON.parse(model.received('default')[0]) as Array<Record<string, unknown>>;
	expect(answer).toMatchObject({ ok: true, status: 200, body: { path: '/api/echo/orders/17' } });
	expect(outputItems(run('ai-agent-jas-tool.json'), 'AI Agent')).toEqual([{ output: 'Done with default.' }]);
	assertNoRegisteredSecrets(model.calls('default'), "the model's input");
	assertNoRegisteredSecrets(n8n.logs(), "n8n's logs");
});
