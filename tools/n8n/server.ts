/**
 * `n8n start` for an instance (instance.ts): the editor and REST API served on a port, until stopped. Used by
 * `npm run demo -- --ui`, the editor e2e suite, the browser suite and the screenshot script.
 *
 *   const server = await startN8nServer(n8n, { port });        // resolves once /healthz/readiness answers
 *   const owner = await server.setUpOwner();                    // the owner account, via /rest/owner/setup
 *   await server.stop();                                        // n8n and its task runner
 */
import { type ChildProcess, spawn } from 'node:child_process';

import { ensureN8n } from './install';
import type { N8nInstance } from './instance';

const READY_TIMEOUT_MS = 180_000;

/** n8n binds a session to the browser-id header it was created with. */
const OWNER_HEADERS = { 'content-type': 'application/json', 'browser-id': 'e2e' };

export const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Passw0rd-123' } as const;

export interface N8nServer {
	/** http://<host>:<port> (no trailing slash) */
	readonly url: string;
	readonly port: number;
	readonly child: ChildProcess;
	/** creates the owner account; rest() then calls n8n's REST API as the owner */
	setUpOwner(): Promise<void>;
	/** fetch() on this n8n (e.g. '/rest/workflows') with the owner's session; JSON bodies */
	rest(path: string, init?: RequestInit): Promise<Response>;
	/** resolves when n8n exits */
	readonly exited: Promise<void>;
	/** what n8n printed so far (empty with stdio 'inherit') */
	logs(): string;
	stop(): Promise<void>;
}

export interface N8nServerOptions {
	port: number;
	/** 'inherit' shows n8n's output (the demo); default: kept for logs() (leak checks) */
	stdio?: 'inherit' | 'capture';
	/** extra environment (applied last) */
	env?: NodeJS.ProcessEnv;
	/**
	 * The host in n8n's own URLs (editor, OAuth callback, webhooks): a browser must use the same one, or the
	 * popup's callback lands on another origin. Default 127.0.0.1.
	 */
	host?: 'localhost' | '127.0.0.1';
	/** gives up waiting for readiness (n8n is stopped, the promise rejects) */
	signal?: AbortSignal;
}

/**
 * Starts `n8n start` with the instance's environment. Its own URLs (OAuth callback, webhooks) are
 * http://<host>:<port>, so a browser on the same machine can follow every redirect n8n hands out.
 */
export async function startN8nServer(n8n: N8nInstance, options: N8nServerOptions): Promise<N8nServer> {
	const { n8nBin, nodeBinDir } = await ensureN8n(n8n.n8nVersion);
	const { port } = options;
	const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
	// detached: n8n leads its own process group, so stopping it also stops its task runner.
	const child = spawn(`${nodeBinDir}/node`, [n8nBin, 'start'], {
		env: { ...n8n.env, N8N_PORT: String(port), N8N_EDITOR_BASE_URL: `${url}/`, WEBHOOK_URL: `${url}/`, ...options.env },
		stdio: ['ignore', options.stdio === 'inherit' ? 'inherit' : 'pipe', options.stdio === 'inherit' ? 'inherit' : 'pipe'],
		detached: true,
	});
	const output: string[] = [];
	let cookie = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const server: N8nServer = {
		url,
		port,
		child,
		exited,
		logs: () => output.join(''),
		setUpOwner: async () => {
			cookie = await setUpOwner(url);
		},
		rest: async (path, init = {}) =>
			await fetch(`${url}${path}`, { ...init, headers: { ...OWNER_HEADERS, cookie, ...(init.headers as Record<string, string> | undefined) } }),
		stop: async () => await stopGroup(child, exited),
	};
	try {
		await waitUntilReady(child, url, options.signal);
	} catch (error) {
		await server.stop();
		throw error;
	}
	return server;
}

/** Polls n8n's readiness endpoint; rejects when n8n exits first or does not become ready in time. */
async function waitUntilReady(child: ChildProcess, url: string, signal?: AbortSignal): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (signal?.aborted) throw new Error('stopped before n8n was ready');
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`n8n exited before it was ready (exit ${child.exitCode ?? child.signalCode})`);
		const ready = await fetch(`${url}/healthz/readiness`).then(
			(r) => r.ok,
			() => false,
		);
		if (ready) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Creates the owner account of a fresh n8n; resolves with its session cookie. */
export async function setUpOwner(url: string): Promise<string> {
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: OWNER_HEADERS,
		body: JSON.stringify(OWNER),
	});
	if (response.status !== 200) throw new Error(`n8n owner setup answered ${response.status}: ${await response.text()}`);
	const cookie = response.headers.get('set-cookie')?.split(';')[0];
	if (!cookie) throw new Error('n8n owner setup set no auth cookie');
	return cookie;
}

/** Stops n8n and its task-runner child (its own process group), escalating to SIGKILL after 10 s. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	const signal = (name: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, name);
		} catch {
			// already gone
		}
	};
	signal('SIGTERM');
	const timer = setTimeout(() => signal('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}
