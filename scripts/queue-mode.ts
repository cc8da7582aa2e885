/**
 * `npm run demo:queue [-- --workers 3] [-- --keep]`: the demo's JAS requests in n8n's queue mode. Starts Redis,
 * Postgres, an n8n main (EXECUTIONS_MODE=queue) and N workers (tools/queue), checks each is up, sends 8 executions
 * through a production webhook, and prints where every item landed and which worker ran what. With --keep it then
 * leaves everything running (the editor on the main's URL) until Ctrl-C. Every process it started is stopped on
 * exit. Exit code 0 only when every item landed on the output it must.
 */
import { packPackage, removePackedPackage } from '../tools/n8n/install';
import { type QueueCluster, startQueueCluster } from '../tools/queue/cluster';
import { missingQueueBinaries } from '../tools/queue/services';
import { webhookWorkflow } from '../tools/queue/workflows';
import { DEMO_CLIENTS, startJasSimulator } from '../tools/simulators';
import { JAS_OUTPUTS, JAS_REQUESTS } from '../tools/demo/workflow';

const log = (line = '') => process.stdout.write(`${line}\n`);
const EXECUTIONS = 8;

function parseArgs(argv: string[]): { workers: number; keep: boolean } {
	const index = argv.indexOf('--workers');
	const workers = index >= 0 ? Number(argv[index + 1]) : 2;
	if (!Number.isInteger(workers) || workers < 1 || workers > 8) throw new Error(`--workers wants 1 to 8, got "${argv[index + 1] ?? ''}"`);
	return { workers, keep: argv.includes('--keep') };
}

async function main(): Promise<number> {
	const { workers, keep } = parseArgs(process.argv.slice(2));
	const missing = missingQueueBinaries();
	if (missing.length > 0) {
		log(`Queue mode needs ${missing.join('; ')}.`);
		return 1;
	}
	const jas = await startJasSimulator();
	const tarball = await packPackage();
	let cluster: QueueCluster | undefined;
	const stop = async () => {
		await cluster?.close();
		await removePackedPackage(tarball);
		await jas.close();
	};
	try {
		cluster = await startQueueCluster({
			tarball,
			workers,
			credentials: [{ id: 'jasQueueDemo1', name: 'JAS (simulator)', type: 'jasOAuth2Api', data: { baseUrl: jas.url, ...DEMO_CLIENTS.jas } }],
			workflows: [
				webhookWorkflow('queueDemo1', 'jas-demo', {
					name: 'JAS Request',
					type: 'n8n-nodes-jas.jasRequest',
					parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', options: { maxRetries: 1, maxRetryWait: 5 } },
					credentials: { jasOAuth2Api: { id: 'jasQueueDemo1', name: 'JAS (simulator)' } },
				}),
			],
			log: (line) => log(`  ${line}`),
		});
		log(`\nSending ${EXECUTIONS} executions of ${JAS_REQUESTS.length} requests to ${cluster.mainUrl}/webhook/jas-demo …`);
		const items = JAS_REQUESTS.map(({ path }) => ({ path }));
		await Promise.all(Array.from({ length: EXECUTIONS }, () => cluster!.webhook('jas-demo', { items })));
		const executions = await cluster.executions('queueDemo1');
		const misrouted: string[] = [];
		for (const execution of executions) {
			// As the demo checks it: the output holding the item paired with request `index` (Split Out keeps the order).
			const outputs = execution.runData['JAS Request']?.[0]?.data?.main ?? [];
			JAS_REQUESTS.forEach(({ path, expect }, index) => {
				const landed = outputs.findIndex((list) => (list ?? []).some((item) => (item as { pairedItem?: { item?: number } }).pairedItem?.item === index));
				if (JAS_OUTPUTS[landed] !== expect) misrouted.push(`execution ${execution.id} ${path}: expected ${expect}, got ${JAS_OUTPUTS[landed] ?? 'no output'}`);
			});
		}
		for (let w = 0; w < workers; w++) {
			log(`  worker ${w + 1}: executions ${executions.filter((e) => e.worker === w).map((e) => e.id).join(', ') || 'none'}`);
		}
		log(`  ${executions.length} executions, statuses: ${[...new Set(executions.map((e) => e.status))].join(', ')}; JAS token requests: ${jas.stats.tokensIssued} (one cache per worker: its first token, plus a new one after each execution's deliberate /api/status/401 item)`);
		for (const line of misrouted) log(`  MISROUTED ${line}`);
		const ok = misrouted.length === 0 && executions.length === EXECUTIONS;
		log(ok ? 'Every item landed on its output.' : 'FAILED: see above.');
		if (keep) {
			log(`\nRunning: ${cluster.mainUrl} (main), ${workers} worker(s), Redis on ${cluster.redis.port}, Postgres on ${cluster.postgres.port}. Ctrl-C stops everything.`);
			await new Promise<void>((resolve) => {
				process.once('SIGINT', resolve);
				process.once('SIGTERM', resolve);
			});
		}
		return ok ? 0 : 1;
	} finally {
		log('Stopping every process started …');
		await stop();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	},
);
