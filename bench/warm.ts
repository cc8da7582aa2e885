/**
 * Warm mode: the pair runs inside ONE long-running `n8n start` (tools/n8n/server.ts), each execution started by a
 * production webhook, as users run workflows. The server's process lives across repetitions, so its JIT, its undici
 * pools and JAS Request's token stay warm; the first repetition (rep 0) is still discarded like in execute mode.
 * Timings are the nodes' own executionTime, read back from the saved execution through n8n's REST API.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { toExecution, type N8nExecution } from '../tools/n8n/executions';
import { ensureN8n } from '../tools/n8n/install';
import type { N8nInstance } from '../tools/n8n/instance';
import { failure, freePort, run } from '../tools/n8n/process';
import { type N8nServer, startN8nServer } from '../tools/n8n/server';
import type { RunSpec } from './config';
import { sampleMemory } from './memory';
import type { RanExecution } from './measure';
import { ids, webhookPath } from './workflows';

export interface WarmServer {
	/** runs the run's workflow once through its production webhook and reads the execution back */
	execute(run: RunSpec, loadAvg1: number): Promise<RanExecution>;
	close(): Promise<void>;
}

/** `n8n publish:workflow` for each warm workflow (imported before), then `n8n start` and the owner account. */
export async function startWarmServer(n8n: N8nInstance, runs: RunSpec[]): Promise<WarmServer> {
	const { nodeBinDir, n8nBin } = await ensureN8n();
	for (const spec of runs) {
		const published = await run(join(nodeBinDir, 'node'), [n8nBin, 'publish:workflow', `--id=${ids(spec, 0, 'warm').workflowId}`], { cwd: dirname(n8n.userFolder), env: n8n.env });
		if (published.code !== 0) throw failure('n8n publish:workflow', published);
	}
	const server = await startN8nServer(n8n, { port: await freePort() });
	try {
		await server.setUpOwner();
		await webhooksRegistered(server, runs.map(webhookPath));
	} catch (error) {
		await server.stop();
		throw error;
	}
	// n8n's own copy of flatted: the REST API returns execution data flatted.
	const flatted = createRequire(n8nBin)('flatted') as { parse(text: string): unknown };
	const seen = new Set<string>();
	return {
		async execute(spec, loadAvg1) {
			const memory = sampleMemory(server.child.pid ?? 'self');
			const started = performance.now();
			const answer = await fetch(`${server.url}/webhook/${webhookPath(spec)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			const wallMs = performance.now() - started;
			const peak = memory.stop();
			if (answer.status !== 200) throw new Error(`webhook ${webhookPath(spec)} answered ${answer.status}: ${await answer.text()}`);
			return { execution: await newExecution(server, flatted, ids(spec, 0, 'warm').workflowId, seen), wallMs, memory: peak, loadAvg1 };
		},
		close: async () => await server.stop(),
	};
}

/**
 * n8n answers readiness before its publication service has registered the published workflows' webhooks (a busy
 * machine showed it): wait for each. A CORS preflight asks without running the workflow: n8n answers it 204 with
 * the webhook's methods once the webhook is registered.
 */
async function webhooksRegistered(server: N8nServer, paths: string[]): Promise<void> {
	const deadline = Date.now() + 180_000;
	const registered = async (path: string) => {
		const answer = await fetch(`${server.url}/webhook/${path}`, { method: 'OPTIONS', headers: { origin: server.url, 'access-control-request-method': 'POST' } }).catch(() => undefined);
		return answer?.status === 204 && (answer.headers.get('access-control-allow-methods') ?? '').includes('POST');
	};
	for (const path of paths) {
		while (!(await registered(path))) {
			if (Date.now() > deadline) throw new Error(`n8n did not register the webhook ${path} within 180 s`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}

async function restJson<T>(server: N8nServer, path: string): Promise<T> {
	const response = await server.rest(path);
	if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
	return ((await response.json()) as { data: T }).data;
}

/**
 * The workflow's newest execution, with its run data (n8n saves production executions by default), once it is not
 * one read before: the webhook may answer before n8n has saved the execution.
 */
async function newExecution(server: N8nServer, flatted: { parse(text: string): unknown }, workflowId: string, seen: Set<string>): Promise<N8nExecution> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const deadline = Date.now() + 30_000;
	let id: string | undefined;
	while (id === undefined) {
		const list = await restJson<{ results: Array<{ id: string; finished?: boolean; status?: string }> }>(server, `/rest/executions?filter=${filter}&limit=1`);
		const newest = list.results[0];
		if (newest && !seen.has(newest.id) && newest.status !== 'running' && newest.status !== 'new') id = newest.id;
		else if (Date.now() > deadline) throw new Error(`no new execution of workflow ${workflowId} was saved within 30 s`);
		else await new Promise((resolve) => setTimeout(resolve, 200));
	}
	seen.add(id);
	const one = await restJson<Record<string, unknown> & { data: string }>(server, `/rest/executions/${id}`);
	return toExecution({ ...one, data: flatted.parse(one.data) });
}
