/**
 * The practical limit: a plain loop of undici requests with a keep-alive Agent, `concurrency` requests in flight,
 * a bearer token fetched once and renewed ahead of expiry (same margin rule as the JAS credential), each JSON
 * answer parsed. Runs in a worker thread of the bench process, so it does not share an event loop with the
 * simulator (n8n, in its own process, does not either).
 *
 * runUndiciLoop() starts the worker; the worker side is loopMain() at the bottom.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

import { Agent, request } from 'undici';

export interface LoopParams {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	items: number;
	concurrency: number;
	/** renew this many seconds before expiry, shrunk to a quarter of the lifetime like the JAS credential */
	renewalMarginSec: number;
	itemPaths: string[];
}

export interface LoopResult {
	ms: number;
	/** responses 200 with the expected echo */
	successes: number;
	/** distinct item indices among the successes */
	distinct: number;
	tokenFetches: number;
	unauthorized: number;
	failures: number;
}

export function runUndiciLoop(params: LoopParams): Promise<LoopResult> {
	// tsx does not hook worker threads by itself: register its CommonJS loader first, then load this file.
	const tsx = require.resolve('tsx/cjs/api');
	const code = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(__filename)});`;
	const worker = new Worker(code, { eval: true, workerData: params });
	return new Promise((resolve, reject) => {
		let result: LoopResult | undefined;
		worker.once('message', (message: LoopResult) => (result = message));
		worker.once('error', reject);
		worker.once('exit', (exitCode) => (result ? resolve(result) : reject(new Error(`undici loop worker exited with code ${exitCode} and no result`))));
	});
}

async function loopMain(params: LoopParams): Promise<LoopResult> {
	const agent = new Agent({ keepAliveTimeout: 10_000, connections: params.concurrency });
	const tokenUrl = `${params.baseUrl}/oauth2/token`;
	let tokenFetches = 0;
	let current: { token: string; renewAt: number } | undefined;
	let pending: Promise<string> | undefined;

	const fetchToken = async (): Promise<string> => {
		tokenFetches += 1;
		const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: params.clientId, client_secret: params.clientSecret });
		const res = await request(tokenUrl, {
			method: 'POST',
			dispatcher: agent,
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: form.toString(),
		});
		const body = (await res.body.json()) as { access_token?: string; expires_in?: number };
		if (res.statusCode !== 200 || !body.access_token || !body.expires_in) throw new Error(`token request answered ${res.statusCode}`);
		const lifetimeMs = body.expires_in * 1000;
		const marginMs = Math.min(params.renewalMarginSec * 1000, lifetimeMs / 4);
		current = { token: body.access_token, renewAt: Date.now() + lifetimeMs - marginMs };
		return body.access_token;
	};
	/** single-flight: every caller waits for the one fetch in progress */
	const token = (): Promise<string> => {
		if (current && Date.now() < current.renewAt) return Promise.resolve(current.token);
		pending ??= fetchToken().finally(() => (pending = undefined));
		return pending;
	};

	const seen = new Uint8Array(params.items);
	let successes = 0;
	let unauthorized = 0;
	let failures = 0;
	let next = 0;

	const one = async (index: number): Promise<void> => {
		for (let attempt = 0; attempt < 2; attempt++) {
			const bearer = await token();
			const res = await request(`${params.baseUrl}${params.itemPaths[index]}`, {
				dispatcher: agent,
				headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
			});
			if (res.statusCode === 401) {
				unauthorized += 1;
				await res.body.dump();
				if (current?.token === bearer) current = undefined; // drop exactly the rejected token
				continue;
			}
			const body = (await res.body.json()) as { query?: { n?: string } };
			if (res.statusCode === 200 && body.query?.n === String(index)) {
				successes += 1;
				seen[index] = 1;
			} else failures += 1;
			return;
		}
		failures += 1;
	};

	const started = performance.now();
	await Promise.all(
		Array.from({ length: params.concurrency }, async () => {
			while (next < params.items) await one(next++);
		}),
	);
	const ms = performance.now() - started;
	await agent.close();
	return { ms, successes, distinct: seen.reduce((sum, v) => sum + v, 0), tokenFetches, unauthorized, failures };
}

if (!isMainThread && parentPort && (workerData as LoopParams | undefined)?.itemPaths) {
	const port = parentPort;
	loopMain(workerData as LoopParams).then(
		(result) => port.postMessage(result),
		(error: unknown) => {
			throw error;
		},
	);
}
