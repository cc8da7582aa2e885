/**
 * The rate-limited queue-mode run of `npm run bench:queue` (issue 22): an API enforcing one limit for every caller
 * (the JAS simulator's token bucket), production-webhook load at 3 × that limit for 40 s, JAS Request with Max
 * Requests per Second = the limit and Retries 3, on 1, 2 and 3 workers. Writes bench/results/queue-rate-limit.md.
 *
 *   BENCH_QUEUE_ONLY=rate BENCH_QUEUE_RATE_WORKERS=1,2,3 BENCH_QUEUE_RATE_SECONDS=40 npm run bench:queue
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { REPO_DIR } from '../tools/n8n/install';
import { type QueueCluster, startQueueCluster } from '../tools/queue/cluster';
import { describeRateLimited, driveRateLimitedLoad, type RateLimitedLoad, type RateLimitedResult, rateLimitedWorkflow } from '../tools/queue/rateLimitedLoad';
import { startTokenTap } from '../tools/queue/tokenTap';
import { DEMO_CLIENTS, startJasSimulator } from '../tools/simulators';

const WORKERS = (process.env.BENCH_QUEUE_RATE_WORKERS ?? '1,2,3').split(',').map(Number);
const LIMIT = 10;
const BURST = 2;
const LIFETIME_SEC = 20;
const LOAD: RateLimitedLoad = {
	limit: LIMIT,
	loadFactor: 3,
	seconds: Number(process.env.BENCH_QUEUE_RATE_SECONDS ?? 40),
	itemsPerExecution: 10,
	usableLifetimeSec: (LIFETIME_SEC * 3) / 4, // renewed with a quarter of its life left (tokenEngine.renewalMarginMs)
};

const log = (line: string) => process.stdout.write(`[bench:queue rate] ${line}\n`);

async function measure(workers: number, tarball: string): Promise<RateLimitedResult> {
	const api = await startJasSimulator({ tokenLifetimeSec: LIFETIME_SEC, latencyMs: 5 });
	const tap = await startTokenTap(api.url, '/oauth2/token');
	let cluster: QueueCluster | undefined;
	try {
		const credential = { id: 'jasRateCred1', name: 'JAS' };
		cluster = await startQueueCluster({
			tarball,
			workers,
			credentials: [{ ...credential, type: 'jasOAuth2Api', data: { baseUrl: tap.url, ...DEMO_CLIENTS.jas } }],
			workflows: [rateLimitedWorkflow('queueRate1', 'rate', credential, LIMIT)],
			log: (line) => log(`${workers} worker(s): ${line}`),
		});
		// Warm-up without a limit: every worker loads the node and fetches its first token.
		for (let i = 0; i < workers * 3; i++) await cluster.webhook('rate', { items: [{ i }] });
		api.setApiRateLimit({ perSecond: LIMIT, burst: BURST });
		return await driveRateLimitedLoad(cluster, { path: 'rate', workflowId: 'queueRate1', api, tap }, LOAD);
	} finally {
		await cluster?.close();
		await tap.close();
		await api.close();
	}
}

function verdict(r: RateLimitedResult): string {
	const refusedShare = r.refused / Math.max(1, r.apiRequests);
	const checks = [
		refusedShare <= 0.02 ? 'refused ≤ 2%' : 'refused > 2%',
		r.busiestSecond <= 1.1 * LIMIT + 1 ? `busiest ≤ ${1.1 * LIMIT + 1}` : `busiest > ${1.1 * LIMIT + 1}`,
		r.acceptedPerSecond >= 0.85 * LIMIT ? 'throughput ≥ 85%' : 'throughput < 85%',
		(r.outputs.Success ?? 0) + Object.entries(r.outputs).filter(([n]) => n !== 'Success').reduce((s, [, n]) => s + n, 0) === r.items ? 'no item lost' : 'items lost',
	];
	return checks.join(', ');
}

export async function rateLimitedRuns(tarball: string): Promise<boolean> {
	const load = loadavg()[0].toFixed(1);
	const rows: RateLimitedResult[] = [];
	for (const workers of WORKERS) {
		const row = await measure(workers, tarball);
		log(describeRateLimited(row, LIMIT));
		rows.push(row);
	}
	const table = rows.map((r) => {
		const outputs = Object.entries(r.outputs).map(([name, n]) => `${name} ${n}`).join(', ');
		return `| ${r.workers} | ${r.refused} of ${r.apiRequests} (${((100 * r.refused) / Math.max(1, r.apiRequests)).toFixed(1)}%) | ${r.busiestSecond} | ${r.acceptedPerSecond.toFixed(2)}/s (${((100 * r.acceptedPerSecond) / LIMIT).toFixed(0)}%) | ${r.seconds.toFixed(0)} s | ${outputs} | ${r.executionsPerWorker.join(' / ')} | ${r.tokenRequests} (${r.tokenRequestsPerLifetime.toFixed(2)} per lifetime) | ${verdict(r)} |`;
	});
	const markdown = `# Queue mode: one API rate limit, several workers

\`npm run bench:queue\` (bench/queueRateLimit.ts), ${new Date().toISOString().slice(0, 10)}: n8n 2.41.1 in queue mode (main + workers,
Redis, Postgres on loopback). The JAS simulator enforces **${LIMIT} requests per second across all callers** (one token
bucket, bursts of ${BURST}; over it: 429 with Retry-After in whole seconds). Production webhooks offer ${LOAD.loadFactor} × that
(${LOAD.limit * LOAD.loadFactor} items/s, ${LOAD.itemsPerExecution} items per execution) for ${LOAD.seconds} s; JAS Request has Max Requests per Second ${LIMIT} (the
API's limit) and Retries 3; each run lasts until every execution has ended. Tokens live ${LIFETIME_SEC} s (usable ${LOAD.usableLifetimeSec} s).

Machine: ${cpus().length} cores, load average ${load} when the runs started: shared with other jobs (other engineers' test
runs), so every process here competes for the same cores.

| workers | refused by the API | busiest second | accepted | run | items by output | executions per worker | token requests | checks |
| ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |
${table.join('\n')}

Before (per-process limit, measured on \`d6c3144\` by the issue with an API at 10/s): 1 worker 0 of 1195 requests
refused, at most 11 in a second; 3 workers **222 of 1416 refused (15.7%)**, 19 accepted in one second.

Token requests: each worker keeps its own token (n8n offers a node no supported way to persist it, see
docs/architecture.md), so the cluster asks about once per worker per usable lifetime.
`;
	writeFileSync(join(REPO_DIR, 'bench', 'results', 'queue-rate-limit.md'), markdown);
	process.stdout.write(`\n${markdown}`);
	return rows.every((r) => verdict(r) === ['refused ≤ 2%', `busiest ≤ ${1.1 * LIMIT + 1}`, 'throughput ≥ 85%', 'no item lost'].join(', '));
}
