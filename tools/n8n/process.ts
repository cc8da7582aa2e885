/** Child processes for the n8n tools: run to completion with captured output and a timeout, and free ports. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const COMMAND_TIMEOUT_MS = 5 * 60_000;


export interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
	/** forward the child's stderr to ours as it arrives (install progress) */
	streamStderr?: boolean;
}

/** Runs a command to completion, capturing its output. Never throws on a non-zero exit: callers decide. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
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

export function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function failure(what: string, result: RunResult): Error {
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

/** A long-running child (n8n start/worker, redis-server, postgres) in its own process group, output recorded. */
export interface Service {
	readonly name: string;
	readonly pid: number;
	/** everything it printed so far (stdout and stderr interleaved) */
	output(): string;
	/** exit code (or signal name) once it exited, else undefined */
	exitStatus(): string | undefined;
	/** resolves when it exited */
	readonly exited: Promise<void>;
	/** signals its whole process group (n8n's task runner, postgres' backends included) */
	signal(signal: NodeJS.Signals): void;
	/** `signal` (default SIGTERM), then SIGKILL to the group after `graceMs`; resolves once it exited */
	stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startService(name: string, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Service {
	const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	const chunks: string[] = [];
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
	let status: string | undefined;
	const exited = new Promise<void>((resolvePromise) => {
		child.on('error', (error) => {
			status = `failed to start: ${error.message}`;
			resolvePromise();
		});
		child.on('exit', (code, signal) => {
			status = code !== null ? `exit code ${code}` : `killed by ${String(signal)}`;
			resolvePromise();
		});
	});
	const signalGroup = (sig: NodeJS.Signals): void => {
		try {
			if (child.pid !== undefined) process.kill(-child.pid, sig);
		} catch {
			// the group is gone already
		}
	};
	return {
		name,
		pid: child.pid ?? -1,
		output: () => chunks.join(''),
		exitStatus: () => status,
		exited,
		signal: signalGroup,
		async stop(sig = 'SIGTERM', graceMs = 15_000) {
			if (status !== undefined) return signalGroup('SIGKILL'); // the leader left: its group may not have
			signalGroup(sig);
			const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
			signalGroup('SIGKILL'); // stragglers of the group (a task runner whose parent exited)
		},
	};
}
