/**
 * Measurements: each contender of one run (JAS Request and the ideal node of a pair execution, the HTTP Request
 * peer, or the raw undici loop), with its simulator's counters reset before and read after.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import type { N8nExecution } from '../tools/n8n/executions';
import type { Simulator } from '../tools/simulators';
import { type BenchMode, type RunSpec, type Series, seriesOf, USABLE_LIFETIME_SEC } from './config';
import { type MemorySample, sampleMemory } from './memory';
import { percentile, round } from './stats';
import { runUndiciLoop } from './undiciLoop';
import { itemPath, NODE_NAMES, type SimulatorAccess } from './workflows';

export interface Measurement {
	/** the series (contender within a run) */
	run: string;
	mode: BenchMode;
	rep: number;
	items: number;
	/** the node's own executionTime (n8n), or the loop's duration (undici), ms */
	workMs: number;
	/** execute mode: process spawn to exit (start-up included); warm: the webhook call; undici: worker start to result */
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

/** The simulators of a bench: JAS Request, the peer and the raw loop use `jas`; the ideal node has its own. */
export interface BenchSimulators {
	jas: Simulator;
	ideal: Simulator;
}

const simulatorFor = (sims: BenchSimulators, series: Series): Simulator => (series.kind === 'ideal' ? sims.ideal : sims.jas);

export function resetSimulators(sims: BenchSimulators): number {
	sims.jas.resetStats();
	sims.ideal.resetStats();
	return round(loadavg()[0] ?? 0, 2);
}

/** Item indices echoed back on the success output (the simulator echoes the query: `{query: {n}}`). */
function echoedIndices(execution: N8nExecution, nodeName: string): { successes: number; indices: number[]; otherOutputs: number } {
	const outputs = execution.runData[nodeName]?.[0]?.data?.main ?? [];
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

export interface RanExecution {
	execution: N8nExecution;
	wallMs: number;
	memory: MemorySample;
	loadAvg1: number;
}

/** One measurement per contender of an n8n run, read from the execution's run data and the contender's simulator. */
export function measurementsOf(run: RunSpec, mode: BenchMode, rep: number, items: number, sims: BenchSimulators, ran: RanExecution): Measurement[] {
	const { execution } = ran;
	const all = seriesOf(run);
	const startOf = (series: Series) => (execution.runData[NODE_NAMES[series.kind as keyof typeof NODE_NAMES]]?.[0] as { startTime?: number } | undefined)?.startTime ?? Number.NaN;
	const outOfOrder = all.length === 2 && !(startOf(all[0]) < startOf(all[1]));
	return all.map((series) => {
		const nodeName = NODE_NAMES[series.kind as keyof typeof NODE_NAMES];
		const problems: string[] = [];
		if (execution.status !== 'success') problems.push(`execution status "${execution.status}": ${execution.error?.message ?? ''} ${execution.error?.description ?? ''}`.trim());
		if (outOfOrder) problems.push(`the contenders did not run in the planned order (${all.map((s) => s.kind).join(' then ')})`);
		const task = execution.runData[nodeName]?.[0];
		const workMs = task?.executionTime ?? Number.NaN;
		if (!task) problems.push(`no run data for node "${nodeName}"`);
		const { successes, indices, otherOutputs } = echoedIndices(execution, nodeName);
		if (otherOutputs > 0) problems.push(`${otherOutputs} items left through an error output`);
		const distinct = distinctIn(indices, items);
		const part = simulatorPart(simulatorFor(sims, series), workMs);
		if (part.tokensIssued < part.tokenRequests) problems.push(`${part.tokenRequests - part.tokensIssued} token requests refused by the simulator`);
		return {
			run: series.key,
			mode,
			rep,
			items,
			workMs,
			wallMs: ran.wallMs,
			itemsPerSec: items / (workMs / 1000),
			...part,
			peakRssMb: ran.memory.hwmMb || ran.memory.maxRssMb,
			successes,
			distinct,
			itemsOk: successes === items && distinct === items,
			problems,
			loadAvg1: ran.loadAvg1,
		};
	});
}

export async function measureUndici(run: RunSpec, rep: number, items: number, sims: BenchSimulators, access: SimulatorAccess): Promise<Measurement> {
	const loadAvg1 = resetSimulators(sims);
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
	const part = simulatorPart(sims.jas, result.ms);
	const problems: string[] = [];
	if (result.failures > 0) problems.push(`${result.failures} requests failed`);
	return {
		run: run.key,
		mode: 'execute',
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
