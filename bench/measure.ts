/**
 * One measurement: one run (JAS Request / HTTP Request in n8n, or the undici loop) on all items, with the
 * simulator's counters reset before and read after.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import type { N8nExecution } from '../tools/n8n/executions';
import type { N8nInstance } from '../tools/n8n/instance';
import type { Simulator } from '../tools/simulators';
import { type RunSpec, USABLE_LIFETIME_SEC } from './config';
import { sampleMemory } from './memory';
import { executeTimed } from './n8nExecute';
import { percentile, round } from './stats';
import { runUndiciLoop } from './undiciLoop';
import { ids, itemPath, NODE_UNDER_TEST, type SimulatorAccess } from './workflows';

export interface Measurement {
	run: string;
	rep: number;
	items: number;
	/** the node's own executionTime (n8n), or the loop's duration (undici), ms */
	workMs: number;
	/** n8n: process spawn to exit (start-up included); undici: worker start to result */
	wallMs: number;
	itemsPerSec: number;
	latencyP50Ms: number;
	latencyP95Ms: number;
	apiRequests: number;
	maxInFlight: number;
	tokenRequests: number;
	tokensIssued: number;
	/** ceil(work seconds / usable token lifetime) */
	minTokenRequests: number;
	unauthorized: number;
	expiredTokenRejections: number;
	/** n8n: VmHWM of the n8n process; undici: highest VmRSS of the bench process (simulator included) */
	peakRssMb: number;
	/** items on the success output with the expected echo */
	successes: number;
	/** distinct item indices among them (== items: nothing lost or duplicated) */
	distinct: number;
	itemsOk: boolean;
	problems: string[];
	/** the machine's 1-minute load average when the run started (other work on the machine skews a run) */
	loadAvg1: number;
}

/** Item indices echoed back on the success output (the simulator echoes the query: `{query: {n}}`). */
function echoedIndices(execution: N8nExecution): { successes: number; indices: number[]; otherOutputs: number } {
	const outputs = execution.runData[NODE_UNDER_TEST]?.[0]?.data?.main ?? [];
	const success = outputs[0] ?? [];
	const indices: number[] = [];
	for (const item of success) {
		const n = (item.json as { query?: { n?: unknown } }).query?.n;
		if (typeof n === 'string' && /^\d+$/.test(n)) indices.push(Number(n));
	}
	const otherOutputs = outputs.slice(1).reduce((sum, items) => sum + (items?.length ?? 0), 0);
	return { successes: indices.length, indices, otherOutputs };
}

function distinctIn(indices: number[], items: number): number {
	const seen = new Set(indices.filter((n) => n >= 0 && n < items));
	return seen.size;
}

function simulatorPart(sim: Simulator, workMs: number) {
	const s = sim.stats;
	return {
		latencyP50Ms: round(percentile(s.apiLatenciesMs, 50), 2),
		latencyP95Ms: round(percentile(s.apiLatenciesMs, 95), 2),
		apiRequests: s.apiRequests,
		maxInFlight: s.maxInFlight,
		tokenRequests: s.tokenRequests,
		tokensIssued: s.tokensIssued,
		minTokenRequests: Math.max(1, Math.ceil(workMs / 1000 / USABLE_LIFETIME_SEC)),
		unauthorized: s.unauthorized,
		expiredTokenRejections: s.expiredTokenRejections,
	};
}

export async function measureN8n(run: RunSpec, rep: number, items: number, sim: Simulator, instance: N8nInstance): Promise<Measurement> {
	sim.resetStats();
	const loadAvg1 = round(loadavg()[0] ?? 0, 2);
	const { workflowId } = ids(run, rep);
	const { execution, wallMs, memory } = await executeTimed(instance, workflowId);
	const problems: string[] = [];
	if (execution.status !== 'success') problems.push(`execution status "${execution.status}": ${execution.error?.message ?? ''} ${execution.error?.description ?? ''}`.trim());
	const task = execution.runData[NODE_UNDER_TEST]?.[0];
	const workMs = task?.executionTime ?? Number.NaN;
	if (!task) problems.push(`no run data for node "${NODE_UNDER_TEST}"`);
	const { successes, indices, otherOutputs } = echoedIndices(execution);
	if (otherOutputs > 0) problems.push(`${otherOutputs} items left through an error output`);
	const distinct = distinctIn(indices, items);
	const part = simulatorPart(sim, workMs);
	if (part.tokensIssued < part.tokenRequests) problems.push(`${part.tokenRequests - part.tokensIssued} token requests refused by the simulator`);
	return {
		run: run.key,
		rep,
		items,
		workMs,
		wallMs,
		itemsPerSec: items / (workMs / 1000),
		...part,
		peakRssMb: memory.hwmMb || memory.maxRssMb,
		successes,
		distinct,
		itemsOk: successes === items && distinct === items,
		problems,
		loadAvg1,
	};
}

export async function measureUndici(run: RunSpec, rep: number, items: number, sim: Simulator, access: SimulatorAccess): Promise<Measurement> {
	sim.resetStats();
	const loadAvg1 = round(loadavg()[0] ?? 0, 2);
	const memory = sampleMemory('self');
	const started = performance.now();
	const result = await runUndiciLoop({
		baseUrl: access.url,
		clientId: access.clientId,
		clientSecret: access.clientSecret,
		items,
		concurrency: run.concurrency,
		renewalMarginSec: access.renewalMarginSec,
		itemPaths: Array.from({ length: items }, (_, i) => itemPath(i)),
	});
	const wallMs = performance.now() - started;
	const peak = memory.stop();
	const part = simulatorPart(sim, result.ms);
	const problems: string[] = [];
	if (result.failures > 0) problems.push(`${result.failures} requests failed`);
	return {
		run: run.key,
		rep,
		items,
		workMs: result.ms,
		wallMs,
		itemsPerSec: items / (result.ms / 1000),
		...part,
		peakRssMb: peak.maxRssMb,
		successes: result.successes,
		distinct: result.distinct,
		itemsOk: result.successes === items && result.distinct === items,
		problems,
		loadAvg1,
	};
}
