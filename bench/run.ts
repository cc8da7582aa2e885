/**
 * `npm run bench`: JAS Request vs n8n's HTTP Request node with the generic OAuth2 credential vs a raw undici loop,
 * all against one JAS simulator in this process. Prints a Markdown table; writes bench/results/latest.{md,json,svg}.
 * Env: BENCH_ITEMS (items per run), BENCH_REPS (repetitions; medians are reported). See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { createN8nInstance, type N8nInstance } from '../tools/n8n/instance';
import { ensureN8n, packPackage, REPO_DIR, removePackedPackage } from '../tools/n8n/install';
import { DEMO_CLIENTS, startJasSimulator } from '../tools/simulators';
import { ITEMS, LATENCY_MS, RENEWAL_MARGIN_SEC, REPS, RUNS, TOKEN_LIFETIME_SEC, USABLE_LIFETIME_SEC } from './config';
import { type Measurement, measureN8n, measureUndici } from './measure';
import { type Machine, markdownReport, markdownTable, pairedRatios, ratioTable, type RunSummary, summarize, svgChart, verdicts, verdictTable } from './report';
import { round } from './stats';
import { benchCredential, benchWorkflow, type SimulatorAccess } from './workflows';

const N8N_VERSION = '2.41.1';
const RESULTS_DIR = join(REPO_DIR, 'bench', 'results');

const log = (line = ''): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/** Observations the numbers support, written into the report next to the verdicts. */
function notes(rows: RunSummary[], measurements: Measurement[]): string[] {
	const by = new Map(rows.map((r) => [r.spec.key, r]));
	const out: string[] = [];
	const http = by.get('httpDef');
	const batch = by.get('httpBatch');
	if (http) {
		const msPerItem = (http.workSec * 1000) / ITEMS;
		out.push(
			`n8n's HTTP Request node fires each item's request without awaiting it, but first builds it on the main thread ` +
				`(per item: parameter evaluation and getCredentials, i.e. a credential read and decryption), here ${round(msPerItem, 2)} ms per item ` +
				`against a ${LATENCY_MS} ms API, so it runs close to one request at a time; its peak of ${http.maxInFlight} in flight ` +
				`(${batch?.maxInFlight ?? '–'} with batching) is items queued behind the first token requests. Batching (HttpRequestV3.node.js) only ever ` +
				'adds a sleep of batchInterval ms before every batchSize-th item; interval 0 disables it, so "best" equals the defaults.',
		);
		const ok = http.problems.length === 0 && http.tokenRequests > 0;
		out.push(
			ok
				? "The JAS simulator accepted n8n's generic OAuth2 token request as sent (POST, form body, client_id/client_secret in the body, Accept: application/json)."
				: `n8n's generic OAuth2 token request had problems at the JAS simulator: ${http.problems.join('; ') || 'no token requests seen'}.`,
		);
	}
	for (const key of ['jasC1', 'jasDef', 'jasC20']) {
		const r = by.get(key);
		if (r && r.maxInFlight > r.spec.concurrency) out.push(`${r.spec.label}: ${r.maxInFlight} requests in flight, more than its concurrency (${r.spec.concurrency}).`);
	}
	const renewing = measurements.filter((m) => m.workMs / 1000 > USABLE_LIFETIME_SEC);
	const renewals = renewing.length === 0 ? `None of the ${measurements.length} measurements` : `Only ${renewing.length} of ${measurements.length} measurements`;
	out.push(
		renewing.length === measurements.length
			? `Every run lasted longer than the usable token lifetime (${USABLE_LIFETIME_SEC} s), so each had to renew.`
			: `${renewals} lasted longer than the usable token lifetime (${USABLE_LIFETIME_SEC} s), so those needed exactly one token and ` +
					'could not show renewals or 401s at expiry; more than one token request in such a run means concurrent first requests each fetched a token. ' +
					'For renewals in every run use a shorter lifetime (BENCH_TOKEN_LIFETIME_SEC) or more items (BENCH_ITEMS).',
	);
	const maxLoad = Math.max(...measurements.map((m) => m.loadAvg1));
	if (maxLoad > 1.5) out.push(`The machine was busy with other work during some runs (1-minute load average up to ${maxLoad} on ${cpus().length} cores): expect noise between repetitions; see loadAvg1 per measurement in latest.json.`);
	out.push(
		'items/s comes from the node\'s own executionTime in the run data (undici: the loop\'s duration, first token request included); ' +
			'"wall s" is the whole `n8n execute` process (start-up, loading nodes, the workflow, shutdown).',
	);
	out.push('Peak RSS: VmHWM of the n8n process; for the undici loop the highest VmRSS of the bench process, which also hosts the simulator.');
	return out;
}

async function versionOf(binary: string): Promise<string> {
	try {
		return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
}

async function main(): Promise<number> {
	const benchStarted = performance.now();
	const loadAtStart = round(loadavg()[0] ?? 0, 2);
	const pkg = JSON.parse(await readFile(join(REPO_DIR, 'package.json'), 'utf8')) as { version: string };
	progress(`${ITEMS} items, ${REPS} repetitions, ${RUNS.length} runs each; simulator latency ${LATENCY_MS} ms, tokens ${TOKEN_LIFETIME_SEC} s`);

	const sim = await startJasSimulator({ tokenLifetimeSec: TOKEN_LIFETIME_SEC, latencyMs: LATENCY_MS });
	const access: SimulatorAccess = { url: sim.url, ...DEMO_CLIENTS.jas, renewalMarginSec: RENEWAL_MARGIN_SEC };
	let tarball: string | undefined;
	let n8n: N8nInstance | undefined;
	try {
		const { nodeBinDir } = await ensureN8n();
		tarball = await packPackage();
		n8n = await createN8nInstance({ tarball, logLevel: 'info' });
		const n8nRuns = RUNS.filter((r) => r.kind !== 'undici');
		// Rep 0 warms n8n, the pools and the JIT up; it is measured like the others and then discarded.
		const reps = Array.from({ length: REPS + 1 }, (_, i) => i);
		await n8n.importCredentials(n8nRuns.flatMap((run) => reps.map((rep) => benchCredential(run, rep, access))));
		await n8n.importWorkflow(n8nRuns.flatMap((run) => reps.map((rep) => benchWorkflow(run, rep, ITEMS, access))));
		progress(`set-up done after ${round((performance.now() - benchStarted) / 1000, 1)} s`);

		// Repetitions interleaved (rep 1 of every run, then rep 2, ...) so drift on the machine hits all runs alike.
		const measurements: Measurement[] = [];
		for (const rep of reps) {
			for (const run of RUNS) {
				const m = run.kind === 'undici' ? await measureUndici(run, rep, ITEMS, sim, access) : await measureN8n(run, rep, ITEMS, sim, n8n);
				measurements.push(m);
				progress(
					`rep ${rep} ${run.label}: ${round(m.itemsPerSec, 0)} items/s (node ${round(m.workMs / 1000, 2)} s, wall ${round(m.wallMs / 1000, 1)} s), ` +
						`tokens ${m.tokenRequests}, 401s ${m.unauthorized}, in flight ≤ ${m.maxInFlight}, ${m.itemsOk ? 'items ok' : 'ITEMS NOT OK'}` +
						(m.problems.length > 0 ? ` [${m.problems.join('; ')}]` : ''),
				);
			}
		}

		const kept = measurements.filter((m) => m.rep > 0);
		const rows = summarize(RUNS, kept);
		const ratios = pairedRatios(RUNS, kept);
		const list = verdicts(rows, ratios);
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
		};
		const analysis = notes(rows, kept);
		await mkdir(RESULTS_DIR, { recursive: true });
		await writeFile(join(RESULTS_DIR, 'latest.md'), markdownReport(rows, list, machine, analysis, ratios));
		await writeFile(join(RESULTS_DIR, 'latest.svg'), svgChart(rows, machine));
		await writeFile(
			join(RESULTS_DIR, 'latest.json'),
			JSON.stringify(
				{
					machine,
					settings: { latencyMs: LATENCY_MS, tokenLifetimeSec: TOKEN_LIFETIME_SEC, renewalMarginSec: RENEWAL_MARGIN_SEC },
					runs: RUNS,
					summary: rows.map(({ spec, ...rest }) => ({ run: spec.key, label: spec.label, ...rest })),
					verdicts: list,
					ratios,
					measurements,
				},
				null,
				2,
			) + '\n',
		);

		log(ratioTable(ratios));
		log('');
		log(markdownTable(rows));
		log('');
		log(verdictTable(list));
		log('');
		log(`Whole bench: ${round(machine.totalSeconds, 0)} s. Written: bench/results/latest.md, latest.svg, latest.json`);
		// Our own node and the reference loop must deliver every item exactly once; the peer's result is only reported.
		const broken = rows.filter((r) => r.spec.kind !== 'httpRequest' && !r.itemsOk);
		for (const r of broken) progress(`FAILED: ${r.spec.label} lost or duplicated items`);
		return broken.length === 0 ? 0 : 1;
	} finally {
		await n8n?.close();
		if (tarball) await removePackedPackage(tarball);
		await sim.close();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`Bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
