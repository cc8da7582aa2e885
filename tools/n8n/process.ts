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
