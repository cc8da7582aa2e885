/**
 * n8n in queue mode for tests, the demo and the benchmark: Redis and Postgres (services.ts), one `n8n start` main
 * with EXECUTIONS_MODE=queue and N `n8n worker` processes, all sharing the encryption key, the database and one
 * user folder with the packed package installed as the Community Nodes screen installs it (tools/n8n/instance).
 *
 *   const cluster = await startQueueCluster({ tarball, workers: 2, credentials, workflows });
 *   await cluster.webhook('my-path', { n: 1 });          // production webhook: main enqueues, a worker runs it
 *   const runs = await cluster.executions('wfId');        // from Postgres, each with the worker that ran it
 *   await cluster.killWorker(0); await cluster.restartWorker(0);
 *   await cluster.close();                                // stops every process it started, deletes its folders
 *
 * Workflows are imported and published before main starts (main registers their webhooks at startup).
 */
import { createRequire } from 'node:module';

import { type N8nExecution, toExecution } from '../n8n/executions';
import { ensureN8n } from '../n8n/install';
import { createN8nInstance, type N8nCredential, type N8nInstance, type N8nWorkflow } from '../n8n/instance';
import { freePort, type Service, startService } from '../n8n/process';
import { ComponentError, type Postgres, type Redis, startPostgres, startRedis, waitUntil } from './services';

export interface QueueClusterOptions {
	tarball: string;
	/** number of `n8n worker` processes; default 2 */
	workers?: number;
	/** `n8n worker --concurrency`; default 10 (n8n's default) */
	workerConcurrency?: number;
	credentials: N8nCredential[];
	/** imported and published (active) before main starts */
	workflows: N8nWorkflow[];
	/** default info: readiness and which worker ran what are read from info lines */
	logLevel?: 'info' | 'debug';
	/** extra environment for every n8n process */
	env?: NodeJS.ProcessEnv;
	/** progress lines (component up, with seconds); default none */
	log?: (line: string) => void;
}

export interface QueueExecution extends N8nExecution {
	id: string;
	workflowId: string;
	/** index of the worker whose log says it ran this execution; undefined if none did */
	worker?: number;
}

export interface QueueCluster {
	readonly n8n: N8nInstance;
	readonly mainUrl: string;
	readonly redis: Redis;
	readonly postgres: Postgres;
	readonly workerCount: number;
	/** POST to a production webhook; resolves with status and body text */
	webhook(path: string, body: unknown): Promise<{ status: number; body: string }>;
	/** executions stored in Postgres (all, or of one workflow), oldest first */
	executions(workflowId?: string): Promise<QueueExecution[]>;
	/** executions each worker's log says it started, by worker index */
	startedByWorker(): string[][];
	/** the pids of the n8n processes now running: main, worker 1, worker 2, … (the current run of each) */
	processes(): Record<string, number>;
	/** SIGKILL to the worker's process group (its task runner included), as a crash would */
	killWorker(index: number): Promise<void>;
	/** starts worker `index` again (after killWorker) and waits until it is ready */
	restartWorker(index: number): Promise<void>;
	/** everything every process printed: CLI commands, main, workers (all runs), redis, postgres */
	logs(): string;
	close(): Promise<void>;
}

const START_TIMEOUT_MS = 4 * 60_000; // n8n's first start on a busy 2-core machine runs all migrations

export async function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster> {
	const log = options.log ?? (() => undefined);
	const started = Date.now();
	const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
	const workerCount = options.workers ?? 2;
	const { nodeBinDir, n8nBin } = await ensureN8n();
	// n8n's own copy of flatted: its execution data is stored flatted.
	const flatted = createRequire(n8nBin)('flatted') as { parse(text: string): unknown };

	const cleanups: Array<() => Promise<void>> = [];
	const services: Service[] = [];
	const closeAll = async () => {
		await Promise.allSettled(services.filter((s) => s.name.startsWith('n8n')).map((s) => s.stop('SIGTERM', 20_000)));
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
	};

	try {
		const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
		cleanups.push(redis.close, postgres.close);
		services.push(redis.service, postgres.service);
		log(`redis on port ${redis.port} (PONG) and postgres on port ${postgres.port} (pg_isready) up after ${seconds()}`);

		const n8n = await createN8nInstance({
			tarball: options.tarball,
			logLevel: options.logLevel ?? 'info',
			env: {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(postgres.port),
				DB_POSTGRESDB_DATABASE: postgres.database,
				DB_POSTGRESDB_USER: postgres.user,
				DB_POSTGRESDB_PASSWORD: '',
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				...options.env,
			},
		});
		cleanups.push(n8n.close);
		await n8n.importCredentials(options.credentials);
		if (options.workflows.length > 0) {
			await n8n.importWorkflow(options.workflows);
			// What `n8n publish:workflow --id=<id>` does (WorkflowRepository.publishVersion in 2.41.1), for all at once
			// instead of one CLI process each; import's own --activeState=fromJson refuses without an owner account.
			await postgres.query('UPDATE workflow_entity SET active = true, "activeVersionId" = "versionId"');
		}
		log(`package installed, credentials and ${options.workflows.length} workflows imported and published after ${seconds()}`);

		const spawnN8n = async (name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Service> => {
			// Every n8n process starts its own task broker: each needs a port of its own.
			const service = startService(name, `${nodeBinDir}/node`, [n8nBin, ...args], {
				cwd: n8n.userFolder,
				env: { ...n8n.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...env },
			});
			services.push(service);
			return service;
		};
		const ready = (url: string) => async () => await fetch(url).then((r) => r.ok, () => false);

		const mainPort = await freePort();
		const mainUrl = `http://127.0.0.1:${mainPort}`;
		const main = await spawnN8n('n8n main', ['start'], { N8N_PORT: String(mainPort) });
		const workerRuns: Service[][] = Array.from({ length: workerCount }, () => []);
		const startWorker = async (index: number): Promise<void> => {
			const healthPort = await freePort();
			const worker = await spawnN8n(`n8n worker ${index + 1}`, ['worker', `--concurrency=${options.workerConcurrency ?? 10}`], {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			});
			workerRuns[index].push(worker);
			await waitUntil(worker, `ready (GET /healthz/readiness on port ${healthPort})`, ready(`http://127.0.0.1:${healthPort}/healthz/readiness`), START_TIMEOUT_MS);
			await waitUntil(worker, 'logging "n8n worker is now ready"', async () => worker.output().includes('n8n worker is now ready'), 30_000);
		};
		// Main first: it runs the database migrations the workers would otherwise race for.
		await waitUntil(main, `ready (GET ${mainUrl}/healthz/readiness)`, ready(`${mainUrl}/healthz/readiness`), START_TIMEOUT_MS);
		log(`n8n main ready on ${mainUrl} after ${seconds()}`);
		await Promise.all(workerRuns.map((_, index) => startWorker(index)));
		log(`${workerCount} n8n workers ready after ${seconds()}`);
		for (const problem of n8n.packageLoadProblems()) throw new ComponentError('n8n', problem);

		const currentWorker = (index: number): Service => {
			const worker = workerRuns[index]?.at(-1);
			if (!worker) throw new Error(`there is no worker ${index}`);
			return worker;
		};
		const startedByWorker = (): string[][] =>
			workerRuns.map((runs) => runs.flatMap((worker) => [...worker.output().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1])));

		return {
			n8n,
			mainUrl,
			redis,
			postgres,
			workerCount,

			async webhook(path, body) {
				const response = await fetch(`${mainUrl}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				return { status: response.status, body: await response.text() };
			},

			async executions(workflowId) {
				const where = workflowId ? `WHERE e."workflowId" = '${workflowId.replace(/'/g, "''")}'` : '';
				const json = await postgres.query(
					`SELECT coalesce(json_agg(t ORDER BY t.id), '[]') FROM (SELECT e.id, e."workflowId", e.status, e.finished, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id ${where}) t`,
				);
				const rows = JSON.parse(json) as Array<{ id: number; workflowId: string; status: string; finished: boolean; data: string | null }>;
				const byWorker = startedByWorker();
				return rows.map((row) => {
					const id = String(row.id);
					const worker = byWorker.findIndex((ids) => ids.includes(id));
					return {
						...toExecution({ status: row.status, finished: row.finished, data: row.data ? flatted.parse(row.data) : {} }),
						id,
						workflowId: row.workflowId,
						worker: worker >= 0 ? worker : undefined,
					};
				});
			},

			startedByWorker,

			processes() {
				return Object.fromEntries([['main', main.pid], ...workerRuns.map((_, w) => [`worker ${w + 1}`, currentWorker(w).pid])]) as Record<string, number>;
			},

			async killWorker(index) {
				const worker = currentWorker(index);
				worker.signal('SIGKILL');
				await worker.exited;
			},

			async restartWorker(index) {
				await startWorker(index);
			},

			logs() {
				return [n8n.logs(), ...services.map((service) => `--- ${service.name} ---\n${service.output()}`)].join('\n');
			},

			close: closeAll,
		};
	} catch (error) {
		await closeAll();
		throw error;
	}
}
