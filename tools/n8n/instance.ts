/**
 * An n8n instance for tests, the demo and the benchmark: this package inside a REAL n8n (2.41.1 on Node 24), in a
 * throwaway user folder, installed the way n8n's Community Nodes screen installs packages (communityInstall.ts).
 * The rest of tools/n8n: install.ts (n8n itself, packing), executions.ts (parsing what n8n prints), process.ts.
 *
 *   const { nodeBinDir, n8nBin } = await ensureN8n();          // once; cached outside the repo
 *   const tarball = await packPackage(REPO_DIR);                // `npm pack` into a temp dir
 *   const n8n = await createN8nInstance({ tarball });           // temp user folder, package installed
 *   await n8n.importCredentials([...]); await n8n.importWorkflow(wf);
 *   const run = await n8n.execute(wf.id);                       // one `n8n execute` process
 *   const [a, b] = await n8n.executeTwiceInOneProcess(wf.id);   // one `n8n execute-batch` process
 *   n8n.logs(); n8n.packageLoadProblems(); await n8n.close();
 *
 * Every n8n command is a separate CLI process (a few seconds each), so an in-memory token cache only spans
 * executions inside executeBatch / executeTwiceInOneProcess. Commands of one instance run one at a time.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installLikeCommunityNodes } from './communityInstall';
import { type N8nExecution, parseExecutionDocument, toExecution } from './executions';
import { DEFAULT_N8N_VERSION, ensureN8n, PACKAGE_NAME } from './install';
import { failure, freePort, run, type RunResult } from './process';

/** Fixed so credential files and databases of one run stay readable by every command of that run. */
export const E2E_ENCRYPTION_KEY = 'n8n-nodes-jas-e2e-encryption-key-0001';


export interface N8nCredential {
	id: string;
	name: string;
	type: string;
	/** plain (decrypted) field values; n8n encrypts them on import */
	data: Record<string, unknown>;
}

export interface N8nWorkflow {
	/** at most 21 characters (n8n's limit); must contain a digit to be usable with execute-batch */
	id: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/** A workflow "Start" (manual trigger) → `node`; `node` needs `name`, `type`, `typeVersion`, `parameters`. */
export function manualWorkflow(id: string, name: string, node: Record<string, unknown> & { name: string }): N8nWorkflow {
	return {
		id,
		name,
		nodes: [
			{ id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-node`, position: [220, 0], ...node },
		],
		connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
	};
}

/** One execution of an execute-batch run. */
export interface N8nBatchExecution {
	workflowId: string;
	/** execute-batch's verdict: 'success' | 'error' | 'warning' (n8n calls e.g. 401s and 5xx "warnings") */
	status: string;
	/** n8n's error text for a failed execution (message or description, plus " on node <name>") */
	error?: string;
	/** the full execution: execute-batch only writes it (as a snapshot) for successful executions */
	execution?: N8nExecution;
}

export interface N8nInstance {
	/** the n8n it runs (`n8n start` for it must be the same one) */
	readonly n8nVersion: string;
	/** the environment every n8n command of this instance runs with (Node 24 first on PATH) */
	readonly env: NodeJS.ProcessEnv;
	readonly userFolder: string;
	importCredentials(credentials: N8nCredential[]): Promise<void>;
	importWorkflow(workflow: N8nWorkflow | N8nWorkflow[]): Promise<void>;
	/** `n8n execute --id <id> --rawOutput`: the execution, also when it failed; throws if n8n printed none */
	execute(workflowId: string): Promise<N8nExecution>;
	/** `n8n execute-batch`: the workflows one after another in ONE n8n process, in the order they ran */
	executeBatch(workflowIds: string[]): Promise<N8nBatchExecution[]>;
	/** imports a copy of an imported workflow and runs both in one process (see executeBatch) */
	executeTwiceInOneProcess(workflowId: string): Promise<[N8nBatchExecution, N8nBatchExecution]>;
	/** `n8n export:credentials --all --decrypted` */
	exportCredentials(): Promise<N8nCredential[]>;
	/** every line any n8n command of this instance printed (stdout and stderr), in order */
	logs(): string;
	/** log lines saying n8n could not load this package (empty when it loaded cleanly) */
	packageLoadProblems(): string[];
	close(): Promise<void>;
}

export interface N8nInstanceOptions {
	tarball: string;
	/** more community packages installed the same way beside it (the bench's ideal node) */
	extraTarballs?: string[];
	/** which n8n (installed on first use); default DEFAULT_N8N_VERSION */
	n8nVersion?: string;
	/** N8N_LOG_LEVEL; default 'debug' so leak checks see as much as n8n can print */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** extra environment for n8n (applied last) */
	env?: NodeJS.ProcessEnv;
}

/** Inherited variables that could change n8n's behaviour or where it keeps its data. */
function isolatedBaseEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		// NODE_ENV=test (set by jest) makes n8n's logger silent and its node loader refuse to run.
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_|GENERIC_TIMEZONE$|NODE_ENV$|NODE_OPTIONS$|NODE_PATH$)/.test(key)) continue;
		env[key] = value;
	}
	return env;
}

export async function createN8nInstance(options: N8nInstanceOptions): Promise<N8nInstance> {
	const n8nVersion = options.n8nVersion ?? DEFAULT_N8N_VERSION;
	const { nodeBinDir, n8nBin } = await ensureN8n(n8nVersion);
	const root = await mkdtemp(join(tmpdir(), 'n8n-e2e-'));
	const userFolder = join(root, 'user');
	const ioDir = join(root, 'io');
	await mkdir(ioDir, { recursive: true });
	const logLevel = options.logLevel ?? 'debug';

	const env: NodeJS.ProcessEnv = {
		...isolatedBaseEnv(),
		PATH: `${nodeBinDir}:${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LOG_LEVEL: logLevel,
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		NO_COLOR: '1', // plain log lines, easy to scan
		// Every CLI command starts a task broker (default port 5679): a port of our own lets instances run in parallel.
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		...options.env,
	};

	try {
		for (const tarball of [options.tarball, ...(options.extraTarballs ?? [])]) await installLikeCommunityNodes(tarball, join(userFolder, '.n8n', 'nodes'), env);
	} catch (error) {
		await rm(root, { recursive: true, force: true });
		throw error;
	}

	const logChunks: string[] = [];
	const workflows = new Map<string, N8nWorkflow>();
	let queue: Promise<unknown> = Promise.resolve();
	let ioCounter = 0;

	/** Runs one n8n command after the previous one finished; records its output. */
	function n8n(args: string[]): Promise<RunResult> {
		const next = queue.then(async () => {
			const result = await run(join(nodeBinDir, 'node'), [n8nBin, ...args], { cwd: root, env });
			logChunks.push(result.stdout, result.stderr);
			return result;
		});
		queue = next.catch(() => undefined);
		return next;
	}

	const ioPath = (name: string): string => join(ioDir, `${++ioCounter}-${name}`);

	async function importFile(kind: 'credentials' | 'workflow', content: unknown): Promise<void> {
		const file = ioPath(`${kind}.json`);
		await writeFile(file, JSON.stringify(content), { mode: 0o600 });
		try {
			const result = await n8n([`import:${kind}`, `--input=${file}`]);
			if (result.code !== 0) throw failure(`n8n import:${kind}`, result);
		} finally {
			await rm(file, { force: true }); // holds plain secrets
		}
	}

	async function importWorkflow(workflow: N8nWorkflow | N8nWorkflow[]): Promise<void> {
		const list = Array.isArray(workflow) ? workflow : [workflow];
		for (const wf of list) {
			if (wf.id.length > 21) throw new Error(`workflow id "${wf.id}" is longer than n8n's 21 characters`);
		}
		await importFile('workflow', list.map((wf) => ({ active: false, settings: {}, ...wf })));
		for (const wf of list) workflows.set(wf.id, wf);
	}

	async function executeBatch(workflowIds: string[]): Promise<N8nBatchExecution[]> {
		for (const id of workflowIds) {
			// execute-batch keeps only ids containing a digit (its regex is /\d+/) and splits on commas.
			if (!/\d/.test(id) || id.includes(',')) throw new Error(`execute-batch cannot run workflow id "${id}": it needs a digit and no comma`);
		}
		const snapshotDir = ioPath('snapshots');
		await mkdir(snapshotDir);
		const outputFile = ioPath('batch.json');
		const result = await n8n([
			'execute-batch',
			`--ids=${workflowIds.join(',')}`,
			'--concurrency=1', // one after another, so "first" and "second" mean something
			'--retries=0', // n8n retries failed workflows once by default; a retry would be a hidden extra run
			`--snapshot=${snapshotDir}`, // full execution JSON per successful workflow
			`--output=${outputFile}`, // summary per execution, including errors
		]);
		let summary: { executions: Array<{ workflowId: string; executionStatus: string; error?: string }> };
		try {
			summary = JSON.parse(await readFile(outputFile, 'utf8'));
		} catch {
			throw failure('n8n execute-batch', result);
		}
		const snapshots = new Set(await readdir(snapshotDir));
		const executions: N8nBatchExecution[] = [];
		for (const entry of summary.executions) {
			const snapshot = `${entry.workflowId}-snapshot.json`;
			executions.push({
				workflowId: entry.workflowId,
				status: entry.executionStatus,
				error: entry.error,
				execution: snapshots.has(snapshot)
					? toExecution(JSON.parse(await readFile(join(snapshotDir, snapshot), 'utf8')) as Record<string, unknown>)
					: undefined,
			});
		}
		return executions;
	}

	return {
		n8nVersion,
		env,
		userFolder,

		async importCredentials(credentials) {
			await importFile('credentials', credentials);
		},

		importWorkflow,

		async execute(workflowId) {
			const result = await n8n(['execute', `--id=${workflowId}`, '--rawOutput']);
			const execution = parseExecutionDocument(result.stdout);
			if (!execution) throw failure(`n8n execute --id=${workflowId}`, result);
			return execution;
		},

		executeBatch,

		async executeTwiceInOneProcess(workflowId) {
			const original = workflows.get(workflowId);
			if (!original) throw new Error(`workflow "${workflowId}" was not imported through this instance`);
			// execute-batch runs each distinct id once, so the second run needs a copy under another id.
			const copyId = `${workflowId.slice(0, 19)}r2`;
			if (!workflows.has(copyId)) {
				await importWorkflow({ ...original, id: copyId, name: `${original.name} (second run)` });
			}
			const executions = await executeBatch([workflowId, copyId]);
			if (executions.length !== 2) throw new Error(`execute-batch ran ${executions.length} executions, expected 2`);
			return [executions[0], executions[1]];
		},

		async exportCredentials() {
			const file = ioPath('credentials-export.json');
			try {
				const result = await n8n(['export:credentials', '--all', '--decrypted', `--output=${file}`]);
				if (result.code !== 0) throw failure('n8n export:credentials', result);
				return JSON.parse(await readFile(file, 'utf8')) as N8nCredential[];
			} finally {
				await rm(file, { force: true });
			}
		},

		logs() {
			return logChunks.join('\n');
		},

		packageLoadProblems() {
			const lines = logChunks.join('\n').split('\n');
			const problems = lines.filter(
				(line) =>
					new RegExp(`(failed to load|skipping package|cannot find module|could not load).*${PACKAGE_NAME}`, 'i').test(line) ||
					/Unknown credential name/.test(line),
			);
			// At debug level n8n names every package it loads; silence means it never found ours.
			const ranCommands = logChunks.length > 0;
			const loaded = lines.some((line) => new RegExp(`(Loaded all credentials and nodes|Lazy-loading nodes and credentials) from ${PACKAGE_NAME}\\b`).test(line));
			if (logLevel === 'debug' && ranCommands && !loaded) problems.push(`n8n never reported loading ${PACKAGE_NAME}`);
			return problems;
		},

		async close() {
			await queue;
			await rm(root, { recursive: true, force: true });
		},
	};
}
