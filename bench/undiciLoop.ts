/**
 * A plain loop of undici requests outside n8n with a keep-alive Agent, `concurrency` requests in flight, the same
 * client as the ideal node (idealNode/bearerClient.ts: a bearer token fetched once and renewed ahead of expiry,
 * each JSON answer parsed). Runs in a worker thread of the bench process, so it does not share an event loop with the
 * simulator (n8n, in its own process, does not either).
 *
 * runUndiciLoop() starts the worker; the worker side is loopMain() at the bottom.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

import { Agent } from 'undici';

import { BearerClient, inLanes } from './idealNode/bearerClient';

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
	const client = new BearerClient({ ...params, dispatcher: agent });
	const seen = new Uint8Array(params.items);
	let successes = 0;
	let unauthorized = 0;
	let failures = 0;

	const one = async (index: number): Promise<void> => {
		for (let attempt = 0; attempt < 2; attempt++) {
			const answer = await client.getJson(params.itemPaths[index]);
			if (answer.status === 401) {
				unauthorized += 1;
				client.drop(answer.bearer);
				continue;
			}
			const body = answer.body as { query?: { n?: string } } | undefined;
			if (answer.status === 200 && body?.query?.n === String(index)) {
				successes += 1;
				seen[index] = 1;
			} else failures += 1;
			return;
		}
		failures += 1;
	};

	const started = performance.now();
	await inLanes(params.items, params.concurrency, one);
	const ms = performance.now() - started;
	await agent.close();
	return { ms, successes, distinct: seen.reduce((sum, v) => sum + v, 0), tokenFetches: client.tokenFetches, unauthorized, failures };
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
