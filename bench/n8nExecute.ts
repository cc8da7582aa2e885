/**
 * `n8n execute --id <id> --rawOutput` spawned here rather than through the harness's `execute`, because the
 * benchmark needs the n8n process id (to sample its memory) and its wall time. Same binary, environment and data
 * folder as the harness instance; the execution document is parsed with the harness's own parser.
 * n8n's stdout goes to a file, not a pipe: a pair execution prints megabytes, and n8n's process.exit() cut a piped
 * document short on a busy machine.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { ensureN8n } from '../tools/n8n/install';
import { type N8nExecution, parseExecutionDocument } from '../tools/n8n/executions';
import { type N8nInstance } from '../tools/n8n/instance';
import { type MemorySample, sampleMemory } from './memory';

const TIMEOUT_MS = 10 * 60_000;

export interface TimedExecution {
	execution: N8nExecution;
	/** spawn to exit of the n8n process (start-up, workflow, shutdown) */
	wallMs: number;
	memory: MemorySample;
}

export async function executeTimed(instance: N8nInstance, workflowId: string): Promise<TimedExecution> {
	const { nodeBinDir, n8nBin } = await ensureN8n();
	const outDir = await mkdtemp(join(tmpdir(), 'bench-execute-'));
	const outFile = join(outDir, 'stdout.txt');
	const stdoutFd = openSync(outFile, 'w');
	const started = performance.now();
	// Node 24 itself (not a wrapper script), so the pid sampled is the process that runs the workflow.
	const child = spawn(join(nodeBinDir, 'node'), [n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'], {
		cwd: dirname(instance.userFolder),
		env: instance.env,
		stdio: ['ignore', stdoutFd, 'pipe'],
		detached: true, // own process group: a timeout also stops n8n's task-runner child
	});
	closeSync(stdoutFd);
	const sampler = child.pid === undefined ? undefined : sampleMemory(child.pid);
	const stderr: string[] = [];
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
	const timer = setTimeout(() => {
		try {
			if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}, TIMEOUT_MS);
	const code = await new Promise<number | null>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', resolve);
	}).finally(() => clearTimeout(timer));
	const wallMs = performance.now() - started;
	const memory = sampler?.stop() ?? { hwmMb: 0, maxRssMb: 0 };
	const output = await readFile(outFile, 'utf8').finally(async () => await rm(outDir, { recursive: true, force: true }));
	const execution = parseExecutionDocument(output);
	if (!execution) {
		const tail = (text: string): string => text.trimEnd().split('\n').slice(-30).join('\n');
		throw new Error(`n8n execute --id=${workflowId} printed no execution (exit code ${String(code)})\n${tail(output)}\n${tail(stderr.join(''))}`);
	}
	return { execution, wallMs, memory };
}
