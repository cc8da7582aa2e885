/**
 * Queue-mode benchmark: first the rate-limited run (queueRateLimit.ts: one API limit for every caller, load at 3 ×
 * that, on 1, 2 and 3 workers; bench/results/queue-rate-limit.md), then throughput: N webhook executions × M items of
 * JAS Request, run by 1 and then 2 `n8n worker` processes (tools/queue), against the JAS simulator (5 ms per
 * request, 4-second tokens so every run renews); bench/results/queue.md. Not part of `npm test`: about 15 minutes
 * on 2 cores (the rate-limited runs last until the API has served every item).
 *
 *   npm run bench:queue
 *   BENCH_QUEUE_ONLY=rate (or throughput) npm run bench:queue
 *   BENCH_QUEUE_EXECUTIONS=100 BENCH_QUEUE_ITEMS=50 BENCH_QUEUE_CLIENTS=8 BENCH_QUEUE_WORKERS=1,2,3 npm run bench:queue
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { outputItems } from '../tools/n8n/executions';
import { packPackage, REPO_DIR, removePackedPackage } from '../tools/n8n/install';
import { type QueueCluster, startQueueCluster } from '../tools/queue/cluster';
import { missingQueueBinaries } from '../tools/queue/services';
import { startTokenTap } from '../tools/queue/tokenTap';
import { rateLimitedRuns } from './queueRateLimit';
import { webhookWorkflow } from '../tools/queue/workflows';
import { DEMO_CLIENTS, startJasSimulator } from '../tools/simulators';

const EXECUTIONS = Number(process.env.BENCH_QUEUE_EXECUTIONS ?? 60);
const ITEMS = Number(process.env.BENCH_QUEUE_ITEMS ?? 50);
const CLIENTS = Number(process.env.BENCH_QUEUE_CLIENTS ?? 8);
const WORKERS = (process.env.BENCH_QUEUE_WORKERS ?? '1,2').split(',').map(Number);
const LIFETIME_SEC = 4;
const LATENCY_MS = 5;
const WARM_UP = 4;

interface Row {
	workers: number;
	seconds: number;
	executionsPerWorker: number[];
	tokensPerWorker: number[];
	tokenRequests: number;
	itemsOk: number;
}

const log = (line: string) => process.stdout.write(`[bench:queue] ${line}\n`);

/** Sends `count` webhook calls with at most CLIENTS in flight. */
async function drive(call: () => Promise<{ status: number }>, count: number): Promise<number[]> {
	const statuses: number[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(CLIENTS, count) }, async () => {
			while (next < count) {
				next++;
				statuses.push((await call()).status);
			}
		}),
	);
	return statuses;
}

async function measure(workers: number, tarball: string): Promise<Row> {
	const jas = await startJasSimulator({ tokenLifetimeSec: LIFETIME_SEC, latencyMs: LATENCY_MS });
	const tap = await startTokenTap(jas.url, '/oauth2/token');
	let cluster: QueueCluster | undefined;
	try {
		const running = await startQueueCluster({
			tarball,
			workers,
			credentials: [{ id: 'jasBenchCred1', name: 'JAS', type: 'jasOAuth2Api', data: { baseUrl: tap.url, ...DEMO_CLIENTS.jas } }],
			workflows: [
				webhookWorkflow('queueBench1', 'bench', {
					name: 'JAS Request',
					type: 'n8n-nodes-jas.jasRequest',
					parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '=/api/echo?i={{ $json.i }}&exec={{ $execution.id }}', options: {} },
					credentials: { jasOAuth2Api: { id: 'jasBenchCred1', name: 'JAS' } },
				}),
			],
			log: (line) => log(`${workers} worker(s): ${line}`),
		});
		cluster = running;
		const body = { items: Array.from({ length: ITEMS }, (_, i) => ({ i })) };
		await drive(() => running.webhook('bench', body), WARM_UP);
		const warmIds = new Set((await running.executions('queueBench1')).map((e) => e.id));
		tap.reset();
		const started = Date.now();
		const statuses = await drive(() => running.webhook('bench', body), EXECUTIONS);
		const seconds = (Date.now() - started) / 1000;
		if (statuses.some((s) => s !== 200)) throw new Error(`webhook answers: ${[...new Set(statuses)].join(', ')}`);
		const executions = (await running.executions('queueBench1')).filter((e) => !warmIds.has(e.id));
		const workerOf = new Map(executions.map((e) => [e.id, e.worker]));
		const perWorker = Array.from({ length: workers }, (_, w) => w);
		return {
			workers,
			seconds,
			executionsPerWorker: perWorker.map((w) => executions.filter((e) => e.worker === w).length),
			tokensPerWorker: perWorker.map((w) => new Set(tap.requests.filter((r) => workerOf.get(new URL(r.path, tap.url).searchParams.get('exec') ?? '') === w).map((r) => r.token)).size),
			tokenRequests: tap.tokenRequests.length,
			itemsOk: executions.reduce((sum, e) => sum + outputItems(e, 'JAS Request', 0).length, 0),
		};
	} finally {
		await cluster?.close();
		await tap.close();
		await jas.close();
	}
}

async function main(): Promise<void> {
	const missing = missingQueueBinaries();
	if (missing.length > 0) throw new Error(`queue mode needs ${missing.join('; ')}`);
	const load = loadavg()[0].toFixed(1);
	const tarball = await packPackage();
	const rows: Row[] = [];
	try {
		// BENCH_QUEUE_ONLY=rate: only the rate-limited run (queueRateLimit.ts); =throughput: only this one.
		if (process.env.BENCH_QUEUE_ONLY !== 'throughput' && !(await rateLimitedRuns(tarball))) process.exitCode = 1;
		if (process.env.BENCH_QUEUE_ONLY === 'rate') return;
		for (const workers of WORKERS) {
			const row = await measure(workers, tarball);
			log(`${workers} worker(s): ${EXECUTIONS} × ${ITEMS} items in ${row.seconds.toFixed(1)} s, ${row.itemsOk} ok, executions per worker ${row.executionsPerWorker.join('/')}, tokens per worker ${row.tokensPerWorker.join('/')}`);
			rows.push(row);
		}
	} finally {
		await removePackedPackage(tarball);
	}
	const total = EXECUTIONS * ITEMS;
	const base = rows[0];
	const table = rows.map((r) =>
		`| ${r.workers} | ${r.seconds.toFixed(1)} s | ${(EXECUTIONS / r.seconds).toFixed(2)} | ${Math.round(r.itemsOk / r.seconds)} | ${(base.seconds / r.seconds).toFixed(2)}× | ${r.executionsPerWorker.join(' / ')} | ${r.tokensPerWorker.join(' / ')} (${r.tokenRequests} requests over ${(r.seconds / LIFETIME_SEC).toFixed(1)} lifetimes; the first token may come from the warm-up) | ${r.itemsOk} / ${total} |`,
	);
	const markdown = `# Queue mode: throughput with 1 and 2 workers

\`npm run bench:queue\` (bench/queue.ts), ${new Date().toISOString().slice(0, 10)}: n8n 2.41.1 in queue mode (main + workers,
Redis, Postgres on loopback; tools/queue). ${EXECUTIONS} executions × ${ITEMS} items of JAS Request (defaults: Concurrency
10), each started by a production webhook (answering when the execution finished), ${CLIENTS} webhook calls in flight;
JAS simulator with ${LATENCY_MS} ms per request and ${LIFETIME_SEC}-second tokens; ${WARM_UP} warm-up executions per setup not counted.

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${load} when the run started: shared
with other jobs. Every process (main, each worker and its task runner, Redis, Postgres, the simulator and this
script) competes for those ${cpus().length} cores, so a second worker cannot double throughput here (scaling on a machine with
a core per worker is not measured here). Read the numbers as "what 2 cores give", not as n8n's limit.

| workers | time | executions/s | items/s | vs 1 worker | executions per worker | tokens used per worker (token requests in the run) | items on Success |
| ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |
${table.join('\n')}

Tokens: each worker keeps its own cache (one token per worker per usable lifetime: a 4-second token is renewed after
3 s), so the number of token requests is about workers × lifetimes spanned, whatever the number of executions.
`;
	writeFileSync(join(REPO_DIR, 'bench', 'results', 'queue.md'), markdown);
	process.stdout.write(`\n${markdown}`);
	if (rows.some((r) => r.itemsOk !== total)) process.exitCode = 1;
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
	process.exitCode = 1;
});
