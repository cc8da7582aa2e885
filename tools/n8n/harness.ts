/**
 * Runs this package inside a REAL n8n (2.41.1 on Node 24), installed the way n8n's Community Nodes screen installs
 * packages. Used by the e2e tests, the demo and the benchmark.
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
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export const REPO_DIR = resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-jas';
/** Fixed so credential files and databases of one run stay readable by every command of that run. */
export const E2E_ENCRYPTION_KEY = 'n8n-nodes-jas-e2e-encryption-key-0001';
/** n8n's default (N8N_COMMUNITY_PACKAGES_REGISTRY); the Community Nodes screen installs dependencies from it. */
const DEFAULT_REGISTRY = 'https://registry.npmjs.org';
const COMMAND_TIMEOUT_MS = 5 * 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Processes

interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
	/** forward the child's stderr to ours as it arrives (install progress) */
	streamStderr?: boolean;
}

/** Runs a command to completion, capturing its output. Never throws on a non-zero exit: callers decide. */
function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	return new Promise((resolvePromise, reject) => {
		// detached: the child leads its own process group, so a timeout also stops n8n's task-runner child.
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			if (options.streamStderr) process.stderr.write(chunk);
		});
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}, options.timeoutMs ?? COMMAND_TIMEOUT_MS);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			if (timedOut) stderr += `\n[harness] ${command} ${args.join(' ')} timed out and was killed\n`;
			resolvePromise({ code, stdout, stderr });
		});
	});
}

function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function failure(what: string, result: RunResult): Error {
	return new Error(
		`${what} failed (exit code ${String(result.code)})\n--- stdout (tail) ---\n${tail(result.stdout)}\n--- stderr (tail) ---\n${tail(result.stderr)}`,
	);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolvePromise, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePromise(port));
		});
	});
}

// ---------------------------------------------------------------------------------------------------------------
// Installing n8n and packing this package

export interface N8nInstall {
	/** folder holding Node 24's `node`; put first on PATH for everything n8n runs (n8n 2.x needs Node >= 24) */
	nodeBinDir: string;
	n8nBin: string;
}

let installed: Promise<N8nInstall> | undefined;

/** Installs (first time, ~8 min) or finds (later, instant) the cached n8n via scripts/install-n8n.sh. */
export async function ensureN8n(repoDir = REPO_DIR): Promise<N8nInstall> {
	installed ??= (async () => {
		const result = await run('bash', [join(repoDir, 'scripts', 'install-n8n.sh')], {
			env: { ...process.env, INSTALL_N8N_QUIET: '1' },
			streamStderr: true,
			timeoutMs: 30 * 60_000,
		});
		const value = (key: string): string | undefined =>
			result.stdout.match(new RegExp(`^${key}=(.+)$`, 'm'))?.[1]?.trim();
		const nodeBinDir = value('NODE_BIN_DIR');
		const n8nBin = value('N8N_BIN');
		if (result.code !== 0 || !nodeBinDir || !n8nBin) throw failure('scripts/install-n8n.sh', result);
		return { nodeBinDir, n8nBin };
	})();
	try {
		return await installed;
	} catch (error) {
		installed = undefined; // let a later call retry
		throw error;
	}
}

interface PackageJson {
	name: string;
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

/** Files that package.json's `n8n.nodes` / `n8n.credentials` name but the tarball lacks (n8n then loads nothing). */
export async function missingN8nFiles(tarball: string): Promise<string[]> {
	const listing = await run('tar', ['-tzf', tarball]);
	if (listing.code !== 0) throw failure(`tar -tzf ${tarball}`, listing);
	const files = new Set(listing.stdout.split('\n').map((line) => line.replace(/^package\//, '')));
	const extracted = await run('tar', ['-xzOf', tarball, 'package/package.json']);
	if (extracted.code !== 0) throw failure('reading package.json from the tarball', extracted);
	const pkg = JSON.parse(extracted.stdout) as PackageJson;
	const declared = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	return declared.filter((file) => !files.has(file.replace(/^\.\//, '')));
}

export interface PackOptions {
	/**
	 * Stopgap while a declared node is still being written: repack with the missing `n8n` entries removed from
	 * package.json (a copy; the repo is untouched), so the rest of the package can be tested. Warns on stderr.
	 */
	dropMissingN8nFiles?: boolean;
}

/**
 * `npm pack` of the built package (run `npm run build` first) into a fresh temp dir; returns the tarball path.
 * Call removePackedPackage(tarball) when done.
 */
export async function packPackage(repoDir = REPO_DIR, options: PackOptions = {}): Promise<string> {
	const outDir = await mkdtemp(join(tmpdir(), 'n8n-nodes-jas-pack-'));
	const tarball = await npmPack(repoDir, outDir);
	if (!options.dropMissingN8nFiles) return tarball;
	const missing = await missingN8nFiles(tarball);
	if (missing.length === 0) return tarball;

	process.stderr.write(`[n8nHarness] WARNING: testing a patched package.json without missing files: ${missing.join(', ')}\n`);
	const unpacked = join(outDir, 'unpacked');
	await mkdir(unpacked);
	const untar = await run('tar', ['-xzf', tarball, '-C', unpacked]);
	if (untar.code !== 0) throw failure('tar -xzf', untar);
	const pkgPath = join(unpacked, 'package', 'package.json');
	const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as PackageJson;
	const keep = (list?: string[]): string[] => (list ?? []).filter((file) => !missing.includes(file));
	pkg.n8n = { ...pkg.n8n, nodes: keep(pkg.n8n?.nodes), credentials: keep(pkg.n8n?.credentials) };
	await writeFile(pkgPath, JSON.stringify(pkg, null, 2));
	await rm(tarball);
	return await npmPack(join(unpacked, 'package'), outDir);
}

/** Deletes the temp dir packPackage created for this tarball. */
export async function removePackedPackage(tarball: string): Promise<void> {
	const dir = dirname(tarball);
	if (basename(dir).startsWith('n8n-nodes-jas-pack-')) await rm(dir, { recursive: true, force: true });
}

async function npmPack(dir: string, outDir: string): Promise<string> {
	const result = await run('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: dir });
	if (result.code !== 0) throw failure(`npm pack in ${dir}`, result);
	const [info] = JSON.parse(result.stdout) as Array<{ filename: string }>;
	return join(outDir, info.filename);
}

// ---------------------------------------------------------------------------------------------------------------
// Execution documents

export interface N8nTaskData {
	executionStatus?: string;
	executionTime?: number;
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
	error?: N8nError;
}

export interface N8nError {
	name?: string;
	/** n8n's headline, e.g. "Authorization failed - please check your credentials" */
	message: string;
	/** often the underlying error's message (for a failed preAuthentication: ours) */
	description?: string;
	messages?: string[];
	httpCode?: string;
}

/** One execution as n8n reports it (`n8n execute --rawOutput`, or an execute-batch snapshot). */
export interface N8nExecution {
	/** n8n's execution status: 'success', 'error', ... */
	status: string;
	finished: boolean;
	runData: Record<string, N8nTaskData[]>;
	lastNodeExecuted?: string;
	/** the execution's error (data.resultData.error) when it failed */
	error?: N8nError;
	/** the whole JSON document n8n printed */
	document: Record<string, unknown>;
}

/** JSON items a node emitted on one output (default: first run, output 0). */
export function outputItems(execution: N8nExecution, nodeName: string, output = 0, runIndex = 0): Array<Record<string, unknown>> {
	const items = execution.runData[nodeName]?.[runIndex]?.data?.main?.[output] ?? [];
	return items.map((item) => item.json);
}

/** Everything n8n says about an error, in one string (headline, description, messages). */
export function errorText(error: N8nError | undefined): string {
	if (!error) return '';
	return [error.message, error.description, ...(error.messages ?? [])].filter(Boolean).join('\n');
}

function toExecution(document: Record<string, unknown>): N8nExecution {
	const data = document.data as { resultData?: { runData?: N8nExecution['runData']; lastNodeExecuted?: string; error?: N8nError } };
	const resultData = data?.resultData ?? {};
	return {
		status: String(document.status ?? (resultData.error ? 'error' : 'unknown')),
		finished: document.finished === true,
		runData: resultData.runData ?? {},
		lastNodeExecuted: resultData.lastNodeExecuted,
		error: resultData.error,
		document,
	};
}

/** The end index (exclusive) of the JSON object starting at `start`, honouring strings; -1 if unbalanced. */
function balancedObjectEnd(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
		} else if (ch === '"') inString = true;
		else if (ch === '{') depth++;
		else if (ch === '}' && --depth === 0) return i + 1;
	}
	return -1;
}

/**
 * Finds the execution document in `n8n execute` output. n8n prints it through its logger, so it may follow log
 * lines, carry a log prefix on its first line ("12:00:00.000   info    {") and, at debug level, log metadata after
 * its last brace. On failure it is printed after "Execution error:". The last parseable execution wins.
 */
export function parseExecutionDocument(output: string): N8nExecution | undefined {
	let found: N8nExecution | undefined;
	const opener = /^(?:.*\s)?\{[ \t]*$/gm; // a line that ends in a lone "{"
	for (let match = opener.exec(output); match; match = opener.exec(output)) {
		const start = match.index + match[0].lastIndexOf('{');
		const end = balancedObjectEnd(output, start);
		if (end < 0) continue;
		try {
			const document = JSON.parse(output.slice(start, end)) as Record<string, unknown>;
			if (document && typeof document === 'object' && 'data' in document && ('status' in document || 'finished' in document)) {
				found = toExecution(document);
				opener.lastIndex = end;
			}
		} catch {
			// not JSON: a log line that happens to end in "{"
		}
	}
	return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Installing the package like the Community Nodes screen

/**
 * Mirrors CommunityPackagesService.downloadPackage of n8n 2.41.1 (dist/modules/community-packages/
 * community-packages.service.js), with the local tarball standing in for `name@version` on the registry:
 *  1. the ledger `<nodes>/package.json` ({"name":"installed-nodes","private":true,"dependencies":{}}) exists;
 *  2. `npm pack <spec> --quiet` in `<nodes>` (n8n: `npm pack name@version --quiet --registry=<registry>`);
 *  3. `tar -xzf <tarball> -C <nodes>/node_modules/<name> --strip-components=1`;
 *  4. devDependencies, peerDependencies and optionalDependencies are deleted from the package's package.json
 *     (so n8n-workflow, our peer, is NOT installed: the package resolves n8n's own copy via NODE_PATH);
 *  5. `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow --ignore-scripts=true
 *     --package-lock=false --registry=<registry>` in the package folder (installs `dependencies` only);
 *  6. the ledger gets `dependencies[name] = version`; the tarball is deleted.
 * Not mirrored: the installed_packages/installed_nodes database rows the screen also writes. n8n does not need
 * them to load the package: at startup it scans `<nodes>/node_modules/n8n-nodes-*` (community-packages.module.js).
 */
async function installLikeCommunityNodes(tarball: string, nodesDir: string, env: NodeJS.ProcessEnv): Promise<void> {
	const registry = env.N8N_COMMUNITY_PACKAGES_REGISTRY || DEFAULT_REGISTRY;
	const ledgerPath = join(nodesDir, 'package.json');
	await mkdir(nodesDir, { recursive: true });
	await writeFile(ledgerPath, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));

	const packed = await run('npm', ['pack', resolve(tarball), '--quiet', `--registry=${registry}`], { cwd: nodesDir, env });
	if (packed.code !== 0) throw failure('npm pack (community install)', packed);
	const tarballName = packed.stdout.trim().split('\n').pop()!.trim();

	const manifest = await run('tar', ['-xzOf', join(nodesDir, tarballName), 'package/package.json']);
	if (manifest.code !== 0) throw failure('reading package.json from the tarball', manifest);
	const { name } = JSON.parse(manifest.stdout) as PackageJson;
	const packageDir = join(nodesDir, 'node_modules', name);
	await mkdir(packageDir, { recursive: true });
	try {
		const untar = await run('tar', ['-xzf', tarballName, '-C', packageDir, '--strip-components=1'], { cwd: nodesDir });
		if (untar.code !== 0) throw failure('tar -xzf (community install)', untar);

		const pkgPath = join(packageDir, 'package.json');
		const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as PackageJson;
		for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete pkg[key];
		await writeFile(pkgPath, JSON.stringify(pkg, null, 2), 'utf8');

		const install = await run(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				`--registry=${registry}`,
			],
			{ cwd: packageDir, env },
		);
		if (install.code !== 0) throw failure('npm install (community install)', install);

		const ledger = JSON.parse(await readFile(ledgerPath, 'utf8')) as { dependencies: Record<string, string> };
		ledger.dependencies[name] = pkg.version;
		await writeFile(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	} finally {
		await rm(join(nodesDir, tarballName), { force: true });
	}
}

// ---------------------------------------------------------------------------------------------------------------
// An n8n instance

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
	const { nodeBinDir, n8nBin } = await ensureN8n();
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
		await installLikeCommunityNodes(options.tarball, join(userFolder, '.n8n', 'nodes'), env);
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
