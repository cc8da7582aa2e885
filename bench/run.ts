/**
 * `npm run bench`: JAS Request vs an ideal node (bench/idealNode/) in the same n8n execution, in both orders, at
 * concurrency 10 and 20; beside them n8n's HTTP Request node with the generic OAuth2 credential and a raw undici
 * loop outside n8n. Execute mode (fresh `n8n execute` processes) and warm mode (one `n8n start`, webhook-driven).
 * Prints the ratios; writes bench/results/latest.{md,json,svg}. Env: see bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { createN8nInstance, type N8nInstance } from '../tools/n8n/instance';
import { ensureN8n, packPackage, REPO_DIR, removePackedPackage } from '../tools/n8n/install';
import { DEMO_CLIENTS, startJasSimulator } from '../tools/simulators';
import { type BenchMode, ITEMS, LATENCY_MS, MODES, RENEWAL_MARGIN_SEC, REPS, RUNS, seriesOf, TOKEN_LIFETIME_SEC, USABLE_LIFETIME_SEC, WARM_RUNS } from './config';
import { assertSameUndici, packIdealNode } from './idealNode/pack';
import { type BenchSimulators, type Measurement, measurementsOf, measureUndici, resetSimulators } from './measure';
import { executeTimed } from './n8nExecute';
import { svgChart } from './chart';
import { type Machine, markdownReport, markdownTable, pairedRatios, quietMachine, ratioTable, type RunSummary, summarize, verdicts, verdictTable } from './report';
import { round } from './stats';
import { startWarmServer } from './warm';
import { benchCredential, benchWorkflow, idealCredential, ids, type SimulatorAccess, type Simulators } from './workflows';

const N8N_VERSION = '2.41.1';
const RESULTS_DIR = join(REPO_DIR, 'bench', 'results');

const log = (line = ''): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/** Observations the numbers support, written into the report next to the verdicts. */
function notes(rows: RunSummary[], measurements: Measurement[]): string[] {
	const out: string[] = [];
	const http = rows.find((r) => r.spec.key === 'httpDef');
	if (http) {
		const msPerItem = (http.workSec * 1000) / ITEMS;
		out.push(
			`n8n's HTTP Request node fires each item's request without awaiting it, but first builds it on the main thread ` +
				`(per item: parameter evaluation and getCredentials, i.e. a credential read and decryption), here ${round(msPerItem, 2)} ms per item ` +
				`against a ${LATENCY_MS} ms API, so it runs close to one request at a time (peak ${http.maxInFlight} in flight). Its batching option ` +
				'(HttpRequestV3.node.js) only ever adds a sleep before every batchSize-th item, so its defaults are its fastest setting.',
		);
	}
	for (const r of rows.filter((x) => x.spec.kind === 'jas' || x.spec.kind === 'ideal')) {
		if (r.maxInFlight > r.spec.concurrency) out.push(`${r.mode}: ${r.spec.label}: ${r.maxInFlight} requests in flight, more than its concurrency (${r.spec.concurrency}).`);
	}
	const renewing = measurements.filter((m) => m.workMs / 1000 > USABLE_LIFETIME_SEC).length;
	out.push(
		`${renewing} of ${measurements.length} measurements lasted longer than the usable token lifetime (${USABLE_LIFETIME_SEC} s) and had to renew; ` +
			'the others needed exactly one token (warm mode: JAS Request may need none, its token outlives an execution). Use BENCH_TOKEN_LIFETIME_SEC or BENCH_ITEMS for more renewals.',
	);
	out.push(
		"items/s comes from each node's own executionTime in the run data (raw loop: the loop's duration, first token request included); " +
			'"wall s" is the whole `n8n execute` process (start-up, loading nodes, the workflow, shutdown), in warm mode the webhook call.',
	);
	out.push('Peak RSS: VmHWM of the n8n process (both contenders of a pair share it); for the raw loop the highest VmRSS of the bench process, which also hosts the simulators.');
	return out;
}

async function versionOf(binary: string): Promise<string> {
	try {
		return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
}

function progressLine(label: string, m: Measurement): void {
	progress(
		`${m.mode} rep ${m.rep} ${label}: ${round(m.itemsPerSec, 0)} items/s (node ${round(m.workMs / 1000, 2)} s, wall ${round(m.wallMs / 1000, 1)} s), ` +
			`tokens ${m.tokenRequests}, 401s ${m.unauthorized}, in flight ≤ ${m.maxInFlight}, ${m.itemsOk ? 'items ok' : 'ITEMS NOT OK'}` +
			(m.problems.length > 0 ? ` [${m.problems.join('; ')}]` : ''),
	);
}

const labelOf = (key: string): string => RUNS.flatMap(seriesOf).find((s) => s.key === key)?.label ?? key;

/** Execute mode: every repetition runs every run once (interleaved, so drift on the machine hits all alike). */
async function executeMode(n8n: N8nInstance, sims: BenchSimulators, reps: number[], access: SimulatorAccess): Promise<Measurement[]> {
	const measurements: Measurement[] = [];
	for (const rep of reps) {
		for (const run of RUNS) {
			let got: Measurement[];
			if (run.kind === 'undici') got = [await measureUndici(run, rep, ITEMS, sims, access)];
			else {
				const loadAvg1 = resetSimulators(sims);
				got = measurementsOf(run, 'execute', rep, ITEMS, sims, { ...(await executeTimed(n8n, ids(run, rep).workflowId)), loadAvg1 });
			}
			for (const m of got) progressLine(labelOf(m.run), m);
			measurements.push(...got);
		}
	}
	return measurements;
}

/** Warm mode: the pair runs repeated inside one `n8n start`, each started by its production webhook. */
async function warmMode(n8n: N8nInstance, sims: BenchSimulators, reps: number[]): Promise<Measurement[]> {
	const server = await startWarmServer(n8n, WARM_RUNS);
	const measurements: Measurement[] = [];
	try {
		for (const rep of reps) {
			for (const run of WARM_RUNS) {
				const got = measurementsOf(run, 'warm', rep, ITEMS, sims, await server.execute(run, resetSimulators(sims)));
				for (const m of got) progressLine(labelOf(m.run), m);
				measurements.push(...got);
			}
		}
	} finally {
		await server.close();
	}
	return measurements;
}

async function main(): Promise<number> {
	const benchStarted = performance.now();
	const loadAtStart = round(loadavg()[0] ?? 0, 2);
	const pkg = JSON.parse(await readFile(join(REPO_DIR, 'package.json'), 'utf8')) as { version: string };
	progress(`${ITEMS} items, ${REPS} repetitions, modes ${MODES.join(' + ')}; simulator latency ${LATENCY_MS} ms, tokens ${TOKEN_LIFETIME_SEC} s; load ${loadAtStart}`);

	const simOptions = { tokenLifetimeSec: TOKEN_LIFETIME_SEC, latencyMs: LATENCY_MS };
	const sims: BenchSimulators = { jas: await startJasSimulator(simOptions), ideal: await startJasSimulator(simOptions) };
	const accessOf = (url: string): SimulatorAccess => ({ url, ...DEMO_CLIENTS.jas, renewalMarginSec: RENEWAL_MARGIN_SEC });
	const access: Simulators = { jas: accessOf(sims.jas.url), ideal: accessOf(sims.ideal.url) };
	const tarballs: string[] = [];
	let n8n: N8nInstance | undefined;
	try {
		const { nodeBinDir } = await ensureN8n();
		tarballs.push(await packPackage(), await packIdealNode());
		n8n = await createN8nInstance({ tarball: tarballs[0], extraTarballs: [tarballs[1]], logLevel: 'info' });
		const undici = assertSameUndici(n8n.userFolder);
		const n8nRuns = RUNS.filter((r) => r.kind !== 'undici');
		// Rep 0 warms n8n, the pools and the JIT up; it is measured like the others and then discarded.
		const reps = Array.from({ length: REPS + 1 }, (_, i) => i);
		const plan: Array<[BenchMode, typeof RUNS, number[]]> = [
			['execute', n8nRuns, reps],
			['warm', WARM_RUNS, [0]],
		];
		const planned = plan.filter(([mode]) => MODES.includes(mode));
		await n8n.importCredentials([idealCredential(access.ideal), ...planned.flatMap(([mode, runs, r]) => runs.flatMap((run) => r.map((rep) => benchCredential(run, rep, access.jas, mode))))]);
		await n8n.importWorkflow(planned.flatMap(([mode, runs, r]) => runs.flatMap((run) => r.map((rep) => benchWorkflow(run, rep, ITEMS, access, mode)))));
		progress(`set-up done after ${round((performance.now() - benchStarted) / 1000, 1)} s; undici ${undici} in both packages`);

		const measurements: Measurement[] = [];
		if (MODES.includes('execute')) measurements.push(...(await executeMode(n8n, sims, reps, access.jas)));
		if (MODES.includes('warm')) measurements.push(...(await warmMode(n8n, sims, reps)));

		const kept = measurements.filter((m) => m.rep > 0);
		const series = RUNS.flatMap(seriesOf);
		const rows = MODES.flatMap((mode) => summarize(series, mode, kept).filter((r) => r.reps > 0));
		const ratios = MODES.flatMap((mode) => pairedRatios(mode, kept));
		const cpu = cpus();
		const machine: Machine = {
			cpu: cpu[0]?.model.trim() ?? 'unknown',
			cores: cpu.length,
			memoryGb: round(totalmem() / 1024 ** 3, 1),
			os: `${platform()} ${release()}`,
			benchNode: process.version,
			n8nNode: await versionOf(join(nodeBinDir, 'node')),
			n8nVersion: N8N_VERSION,
			packageVersion: pkg.version,
			date: new Date().toISOString(),
			items: ITEMS,
			reps: REPS,
			totalSeconds: (performance.now() - benchStarted) / 1000,
			loadAvg: [loadAtStart, round(loadavg()[0] ?? 0, 2)],
			maxLoadDuring: Math.max(...measurements.map((m) => m.loadAvg1)),
			undici,
		};
		const list = verdicts(rows, ratios, quietMachine(machine));
		await mkdir(RESULTS_DIR, { recursive: true });
		await writeFile(join(RESULTS_DIR, 'latest.md'), markdownReport(rows, list, machine, notes(rows, kept), ratios));
		await writeFile(join(RESULTS_DIR, 'latest.svg'), svgChart(rows, machine));
		const settings = { latencyMs: LATENCY_MS, tokenLifetimeSec: TOKEN_LIFETIME_SEC, renewalMarginSec: RENEWAL_MARGIN_SEC };
		const summary = rows.map(({ spec, ...rest }) => ({ series: spec.key, label: spec.label, ...rest }));
		await writeFile(join(RESULTS_DIR, 'latest.json'), JSON.stringify({ machine, settings, runs: RUNS, summary, verdicts: list, ratios, measurements }, null, 2) + '\n');

		log(ratioTable(ratios));
		log('');
		log(markdownTable(rows));
		log('');
		log(verdictTable(list));
		log('');
		log(`Whole bench: ${round(machine.totalSeconds, 0)} s. Written: bench/results/latest.md, latest.svg, latest.json`);
		// Our own node and the references must deliver every item exactly once; the peer's result is only reported.
		const broken = rows.filter((r) => r.spec.kind !== 'httpRequest' && !r.itemsOk);
		for (const r of broken) progress(`FAILED: ${r.mode}: ${r.spec.label} lost or duplicated items`);
		return broken.length === 0 ? 0 : 1;
	} finally {
		await n8n?.close();
		for (const tarball of tarballs) await removePackedPackage(tarball);
		await sims.jas.close();
		await sims.ideal.close();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`Bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
