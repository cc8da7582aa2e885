/**
 * Queue mode against an API that enforces one rate limit for every caller (issue 22's proof): production webhooks
 * offer `loadFactor` × the API's limit for `seconds`, JAS Request runs with Max Requests per Second = the limit and
 * Retries 3 on however many workers the cluster has, and the API's side is read from the simulator (requests,
 * refusals, its busiest second) while every item's output is read from Postgres. Used by test/e2e/queue.e2e.test.ts
 * (a short load) and bench/queue.ts (the full one).
 */
import { outputItems } from '../n8n/executions';
import type { N8nWorkflow } from '../n8n/instance';
import { JAS_OUTPUTS } from '../demo/workflow';
import type { Simulator } from '../simulators';
import type { QueueCluster } from './cluster';
import type { TokenTap } from './tokenTap';
import { webhookWorkflow } from './workflows';

export interface RateLimitedLoad {
	/** the API's limit, requests per second; also the node's Max Requests per Second */
	limit: number;
	/** offered items per second ÷ limit */
	loadFactor: number;
	seconds: number;
	itemsPerExecution: number;
	/** the usable part of a token's life (the engine renews ahead of expiry), to count tokens per lifetime */
	usableLifetimeSec: number;
}

export interface RateLimitedResult {
	workers: number;
	items: number;
	/** items per output name, over every execution */
	outputs: Record<string, number>;
	apiRequests: number;
	/** API requests for an item already asked for (retries after a 429, a 401 or a network error) */
	repeated: number;
	/** API answers 401 (an expired token) */
	unauthorized: number;
	refused: number;
	busiestSecond: number;
	/** from the first webhook call to the last execution's end */
	seconds: number;
	acceptedPerSecond: number;
	executionsPerWorker: number[];
	tokenRequests: number;
	tokenRequestsPerLifetime: number;
}

/** Webhook → one item each → JAS Request at the API's limit, Retries 3. */
export function rateLimitedWorkflow(id: string, path: string, credential: { id: string; name: string }, limit: number): N8nWorkflow {
	return webhookWorkflow(id, path, {
		name: 'JAS Request',
		type: 'n8n-nodes-jas.jasRequest',
		parameters: {
			authentication: 'jasOAuth2Api',
			method: 'GET',
			url: '=/api/echo?i={{ $json.i }}&exec={{ $execution.id }}',
			options: { maxRequestsPerSecond: limit, maxRetries: 3 },
		},
		credentials: { jasOAuth2Api: credential },
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Offers the load (open loop: a webhook call every interval, whatever the answers), then waits for every execution. */
export async function driveRateLimitedLoad(
	cluster: QueueCluster,
	target: { path: string; workflowId: string; api: Simulator; tap: TokenTap },
	load: RateLimitedLoad,
): Promise<RateLimitedResult> {
	const before = new Set((await cluster.executions(target.workflowId)).map((e) => e.id));
	target.api.resetStats();
	target.tap.reset();
	const calls = Math.round((load.limit * load.loadFactor * load.seconds) / load.itemsPerExecution);
	const everyMs = (load.seconds * 1000) / calls;
	const started = Date.now();
	const answers: Array<Promise<number>> = [];
	for (let call = 0; call < calls; call++) {
		await sleep(Math.max(0, started + call * everyMs - Date.now()));
		const items = Array.from({ length: load.itemsPerExecution }, (_, i) => ({ i: call * load.itemsPerExecution + i }));
		answers.push(cluster.webhook(target.path, { items }).then((r) => r.status, () => 0));
	}
	const statuses = await Promise.all(answers);
	const seconds = (Date.now() - started) / 1000;
	if (statuses.some((s) => s !== 200)) throw new Error(`webhook answers: ${[...new Set(statuses)].join(', ')}`);
	const executions = (await cluster.executions(target.workflowId)).filter((e) => !before.has(e.id));
	const outputs: Record<string, number> = {};
	JAS_OUTPUTS.forEach((name, index) => {
		const count = executions.reduce((sum, e) => sum + outputItems(e, 'JAS Request', index).length, 0);
		if (count > 0) outputs[name] = count;
	});
	const stats = target.api.stats;
	const accepted = stats.apiRequests - stats.rateLimited;
	return {
		workers: cluster.workerCount,
		items: calls * load.itemsPerExecution,
		outputs,
		apiRequests: stats.apiRequests,
		repeated: target.tap.requests.length - new Set(target.tap.requests.map((r) => r.path)).size,
		unauthorized: stats.unauthorized,
		refused: stats.rateLimited,
		busiestSecond: stats.busiestSecond,
		seconds,
		acceptedPerSecond: accepted / seconds,
		executionsPerWorker: Array.from({ length: cluster.workerCount }, (_, w) => executions.filter((e) => e.worker === w).length),
		tokenRequests: target.tap.tokenRequests.length,
		tokenRequestsPerLifetime: target.tap.tokenRequests.length / (seconds / load.usableLifetimeSec),
	};
}

/** One line for logs and reports. */
export function describeRateLimited(r: RateLimitedResult, limit: number): string {
	const outputs = Object.entries(r.outputs).map(([name, n]) => `${name} ${n}`).join(', ');
	return `${r.workers} worker(s): ${r.items} items in ${r.seconds.toFixed(1)} s (${outputs}); the API refused ${r.refused} of ${r.apiRequests} (${((100 * r.refused) / Math.max(1, r.apiRequests)).toFixed(1)}%), busiest second ${r.busiestSecond} (limit ${limit}), ${r.repeated} repeated requests, ${r.unauthorized} × 401, accepted ${r.acceptedPerSecond.toFixed(2)}/s (${((100 * r.acceptedPerSecond) / limit).toFixed(0)}% of the limit); ${r.tokenRequests} token requests, ${r.tokenRequestsPerLifetime.toFixed(2)} per usable lifetime`;
}
