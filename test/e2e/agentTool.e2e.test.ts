/**
 * JAS Request as an AI agent's tool, in a real n8n 2.41.1: n8n's AI Agent (3.1, which runs tools through the engine,
 * and 2.2, which runs them through LangChain and n8n-core's tool invocation) with n8n's OpenAI Chat Model pointed at
 * a scripted OpenAI-compatible model on loopback (tools/simulators/model.ts) and JAS Request Tool against the JAS
 * simulator. Each case asserts what the model received from the tool; none of it may hold a secret. All cases of
 * both agent versions run in one `n8n execute-batch` process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ensureN8n, packPackage, removePackedPackage } from '../../tools/n8n/install';
import { createN8nInstance, type N8nBatchExecution, type N8nInstance, type N8nWorkflow } from '../../tools/n8n/instance';
import { freePort } from '../../tools/n8n/process';
import { type AllSimulators, DEMO_CLIENTS, startAllSimulators } from '../../tools/simulators';
import { startModelSimulator, type ModelSimulator } from '../../tools/simulators/model';
import { assertNoRegisteredSecrets } from '../helpers/leakGuard';

jest.setTimeout(15 * 60_000);

const AGENT_VERSIONS = [3.1, 2.2] as const;
const CREDENTIALS = { jas: 'agentJasCred1', jasTokenDown: 'agentJasDown1', openAi: 'agentOpenAi1' } as const;
const report = (line: string) => process.stdout.write(`[agent tool] ${line}\n`);

interface Case {
	name: string;
	/** the tool node's parameters (besides authentication) */
	tool: Record<string, unknown>;
	/** the model's tool-call arguments, one per call */
	calls: Array<Record<string, unknown>>;
	credential?: keyof typeof CREDENTIALS;
}

const fromAiPath = "={{ $fromAI('path', 'The API path, e.g. /api/echo', 'string') }}";
const noRetries = { maxRetries: 0 };

function cases(otherHost: string): Case[] {
	return [
		{ name: 'success', tool: { method: 'GET', url: '/api/echo/fixed?case=success' }, calls: [{}] },
		{ name: 'path', tool: { method: 'GET', url: fromAiPath }, calls: [{ path: '/api/echo/chosen-by-model?order=17' }] },
		{ name: 'notfound', tool: { method: 'GET', url: fromAiPath, options: noRetries }, calls: [{ path: '/api/status/404?message=Order%2017%20does%20not%20exist' }] },
		{ name: 'servererror', tool: { method: 'GET', url: fromAiPath, options: noRetries }, calls: [{ path: '/api/status/500?message=Warehouse%20database%20unavailable' }] },
		{ name: 'ratelimited', tool: { method: 'GET', url: fromAiPath, options: noRetries }, calls: [{ path: '/api/flaky/KEY?failures=1&status=429&retryAfter=2' }, { path: '/api/flaky/KEY?failures=1&status=429&retryAfter=2' }] },
		{ name: 'tokendown', tool: { method: 'GET', url: fromAiPath }, calls: [{ path: '/api/echo' }], credential: 'jasTokenDown' },
		{ name: 'budget', tool: { method: 'GET', url: fromAiPath, toolMaxCharacters: 1_000 }, calls: [{ path: '/api/items?total=95&$top=50' }] },
		{
			name: 'pages',
			tool: {
				method: 'GET',
				url: fromAiPath,
				toolMaxCharacters: 3_000,
				options: { pagination: { settings: { mode: 'offset', offsetParameter: '$skip', limitParameter: '$top', pageSize: 10, itemsField: 'items', maxPages: 20 } } },
			},
			calls: [{ path: '/api/items?total=95' }],
		},
		{ name: 'binary', tool: { method: 'GET', url: fromAiPath }, calls: [{ path: '/api/binary?bytes=2048' }] },
		{
			name: 'method',
			tool: { method: "={{ $fromAI('method', 'HTTP method', 'string') }}", url: fromAiPath, bodyType: 'json', jsonBody: "={{ $fromAI('body', 'JSON body', 'json') }}" },
			calls: [{ method: 'post', path: '/api/echo/orders', body: { sku: 'A-1', qty: 2 } }],
		},
		{ name: 'otherhost', tool: { method: 'GET', url: fromAiPath }, calls: [{ path: `${otherHost}/steal?x=1` }] },
	];
}

const caseId = (name: string, version: number) => `${name}-v${String(version).replace('.', '')}`;

/** The model's tool calls in a case (a flaky key of its own per case). */
const scriptOf = (testCase: Case, version: number) =>
	testCase.calls.map((call) => JSON.parse(JSON.stringify(call).replace(/KEY/g, caseId(testCase.name, version))) as Record<string, unknown>);

function agentWorkflow(testCase: Case, version: number): N8nWorkflow {
	const id = caseId(testCase.name, version);
	const credential = testCase.credential ?? 'jas';
	return {
		id: `agt${id.replace(/[^a-z0-9]/gi, '')}`.slice(0, 21),
		name: `agent tool ${id}`,
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'agent',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: version,
				position: [220, 0],
				parameters: { promptType: 'define', text: `[case:${id}] Use the JAS tool as needed.`, options: {} },
			},
			{
				id: 'model',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [120, 220],
				parameters: { model: { __rl: true, value: 'gpt-4o-mini', mode: 'list', cachedResultName: 'gpt-4o-mini' }, responsesApiEnabled: false, options: { maxRetries: 0 } },
				credentials: { openAiApi: { id: CREDENTIALS.openAi, name: 'Model simulator' } },
			},
			{
				id: 'tool',
				name: 'JAS Request Tool',
				type: 'n8n-nodes-jas.jasRequestTool',
				typeVersion: 1,
				position: [320, 220],
				parameters: { authentication: 'jasOAuth2Api', ...testCase.tool },
				credentials: { jasOAuth2Api: { id: CREDENTIALS[credential], name: credential } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'JAS Request Tool': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

let sims: AllSimulators;
let model: ModelSimulator;
let n8n: N8nInstance;
let tarball: string;
let otherHost: Server;
let otherHostRequests = 0;
const runs = new Map<string, N8nBatchExecution>();

/** What the model received from the tool in a case, parsed: one entry per tool call. */
const received = (name: string, version: number) => model.received(caseId(name, version)).map((text) => JSON.parse(text) as unknown);
const answer = (name: string, version: number, call = 0) => (received(name, version)[call] as Array<Record<string, unknown>>)?.[0];

beforeAll(async () => {
	sims = await startAllSimulators();
	model = await startModelSimulator();
	otherHost = createServer((_, res) => {
		otherHostRequests += 1;
		res.end('{}');
	});
	await new Promise<void>((resolve) => otherHost.listen(0, '127.0.0.1', resolve));
	const otherUrl = `http://127.0.0.1:${(otherHost.address() as AddressInfo).port}`;
	await ensureN8n();
	tarball = await packPackage();
	n8n = await createN8nInstance({ tarball, logLevel: 'info' });
	const closedPort = await freePort();
	await n8n.importCredentials([
		{ id: CREDENTIALS.jas, name: 'jas', type: 'jasOAuth2Api', data: { baseUrl: sims.jas.url, ...DEMO_CLIENTS.jas } },
		{
			id: CREDENTIALS.jasTokenDown,
			name: 'jasTokenDown',
			type: 'jasOAuth2Api',
			data: { baseUrl: sims.jas.url, tokenUrl: `http://127.0.0.1:${closedPort}/oauth2/token`, ...DEMO_CLIENTS.jas },
		},
		{ id: CREDENTIALS.openAi, name: 'Model simulator', type: 'openAiApi', data: { apiKey: 'sk-simulated-model-key-0001', url: model.url } },
	]);
	const workflows = AGENT_VERSIONS.flatMap((version) =>
		cases(otherUrl).map((testCase) => {
			model.script(caseId(testCase.name, version), scriptOf(testCase, version));
			return agentWorkflow(testCase, version);
		}),
	);
	await n8n.importWorkflow(workflows);
	const started = Date.now();
	const executions = await n8n.executeBatch(workflows.map((workflow) => workflow.id));
	report(`${workflows.length} agent executions in one n8n process: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	for (const execution of executions) runs.set(execution.workflowId, execution);
	for (const version of AGENT_VERSIONS) {
		for (const { name } of cases(otherUrl)) report(`Agent ${version} ${name}: ${model.received(caseId(name, version)).join(' | ')}`);
	}
});

afterAll(async () => {
	await n8n?.close();
	if (tarball) await removePackedPackage(tarball);
	await sims?.close();
	await model?.close();
	otherHost?.close();
});

describe.each(AGENT_VERSIONS)('AI Agent %s', (version) => {
	it('every agent execution finished, and the package loaded cleanly', () => {
		expect(n8n.packageLoadProblems()).toEqual([]);
		const failed = [...runs.values()].filter((run) => run.workflowId.includes(`v${String(version).replace('.', '')}`) && run.status !== 'success');
		expect(failed.map((run) => `${run.workflowId}: ${run.status} ${run.error ?? ''}`)).toEqual([]);
	});

	it('the tool is offered with a description naming the provider, and the model chose the arguments', () => {
		const [first] = model.calls(caseId('path', version));
		expect(first.tools).toHaveLength(1);
		expect(first.tools[0].description).toMatch(/^Calls the JAS API/);
		expect(JSON.stringify(first.tools[0].parameters)).toContain('"path"');
		const [method] = model.calls(caseId('method', version));
		expect(Object.keys((method.tools[0].parameters as { properties: object }).properties).sort()).toEqual(['body', 'method', 'path']);
	});

	it('success: the response body', () => {
		expect(answer('success', version)).toMatchObject({ ok: true, status: 200, body: { method: 'GET', path: '/api/echo/fixed', query: { case: 'success' } } });
	});

	it('a path chosen by the model', () => {
		expect(answer('path', version)).toMatchObject({ ok: true, status: 200, body: { path: '/api/echo/chosen-by-model', query: { order: '17' } } });
	});

	it('method and body chosen by the model', () => {
		expect(answer('method', version)).toMatchObject({ ok: true, body: { method: 'POST', path: '/api/echo/orders', bodyJson: { sku: 'A-1', qty: 2 } } });
	});

	it('404 and 500: the status, its JAS meaning and the API message', () => {
		expect(answer('notfound', version)).toEqual({
			ok: false,
			status: 404,
			meaning: 'Requested Resource not Found',
			apiMessage: 'Order 17 does not exist',
			advice: expect.stringMatching(/Check the URL path/),
		});
		expect(answer('servererror', version)).toMatchObject({ ok: false, status: 500, meaning: 'Unexpected Server Error', apiMessage: 'Warehouse database unavailable' });
	});

	it('429 then success: the model is told when to try again, and the second call succeeds', () => {
		const [first, second] = received('ratelimited', version) as Array<Array<Record<string, unknown>>>;
		expect(first[0]).toMatchObject({ ok: false, status: 429, meaning: 'Rate Limit Exceeded', retryAfterSeconds: 2 });
		expect(second[0]).toMatchObject({ ok: true, status: 200, body: { calls: 2 } });
	});

	it('token endpoint down: the credential needs attention, without hosts', () => {
		const down = answer('tokendown', version);
		expect(down).toMatchObject({ ok: false, problem: 'credential', advice: expect.stringMatching(/check the credential/) });
		expect(JSON.stringify(down)).not.toMatch(/127\.0\.0\.1/);
	});

	it('a body larger than the budget is cut with a marker', () => {
		const big = answer('budget', version);
		expect(JSON.stringify(big).length).toBeLessThanOrEqual(1_000);
		expect(big).toMatchObject({ ok: true, truncated: true, body: expect.stringMatching(/…\[cut: [\d,]+ of [\d,]+ characters left out to fit the tool's budget of 1,000\]$/) });
	});

	it('pagination stops at the budget and says so', () => {
		const paged = answer('pages', version);
		expect(paged.note).toMatch(/Pagination stopped after \d+ page\(s\)/);
		expect(paged.pages).toBeLessThan(10);
		expect(JSON.stringify(paged).length).toBeLessThanOrEqual(3_000);
	});

	it('a binary download is described in one line', () => {
		expect(answer('binary', version)).toEqual({ ok: true, status: 200, file: 'A file was returned, not shown here: "data.bin", application/octet-stream, 2 KB.' });
	});

	it('an absolute URL on another host is refused, and nothing is sent there', () => {
		expect(answer('otherhost', version)).toMatchObject({ ok: false, problem: 'input', advice: expect.stringMatching(/relative to the API/) });
		expect(otherHostRequests).toBe(0);
	});

	it("nothing the model received, nor n8n's logs, holds a secret", () => {
		const calls = cases('').flatMap(({ name }) => model.calls(caseId(name, version)));
		expect(calls.length).toBeGreaterThanOrEqual(cases('').length * 2);
		for (const call of calls) assertNoRegisteredSecrets(call, `the model's input (agent ${version})`);
		assertNoRegisteredSecrets(n8n.logs(), "n8n's logs");
	});
});
