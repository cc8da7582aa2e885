/**
 * What the benchmark runs: the simulator settings, the item count, and the list of runs (one row of the table each).
 */

function positiveInt(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
	return value;
}

/** Fixed per-request latency the JAS simulator adds to every API and token request. */
export const LATENCY_MS = 5;
/** Token lifetime the simulator grants (BENCH_TOKEN_LIFETIME_SEC): 4 s, so every run renews several times. */
export const TOKEN_LIFETIME_SEC = positiveInt('BENCH_TOKEN_LIFETIME_SEC', 4);
/** The JAS credential's "Renew Before Expiry"; for short tokens it shrinks to a quarter of the lifetime. */
export const RENEWAL_MARGIN_SEC = 60;
/** Seconds a token is used before a client that renews ahead of expiry (like ours) replaces it. */
export const USABLE_LIFETIME_SEC = TOKEN_LIFETIME_SEC - Math.min(RENEWAL_MARGIN_SEC, TOKEN_LIFETIME_SEC / 4);

/** Sized so the whole `npm run bench` takes about 5 minutes on a 2-core machine (see bench/README.md). */
export const DEFAULT_ITEMS = 1500;
export const DEFAULT_REPS = 5;

export const TARGET_VS_UNDICI = 0.9;
export const TARGET_VS_HTTP_REQUEST = 5;

export const ITEMS = positiveInt('BENCH_ITEMS', DEFAULT_ITEMS);
export const REPS = positiveInt('BENCH_REPS', DEFAULT_REPS);

export type RunKind = 'jas' | 'httpRequest' | 'undici';

export interface RunSpec {
	/** stable key, also part of workflow and credential ids (letters and digits only) */
	key: string;
	label: string;
	kind: RunKind;
	/** concurrency this run works at; for n8n's HTTP Request node the effective one is measured (max in flight) */
	concurrency: number;
	/** JAS Request: the `concurrency` option to set (undefined: not set, the node's default) */
	concurrencyOption?: number;
	/** HTTP Request: the `options` parameter */
	httpOptions?: Record<string, unknown>;
	/** how the run is configured, for the table */
	settings: string;
}

/**
 * HTTP Request v4.2 batching (n8n-nodes-base 2.41.1, HttpRequest/V3/HttpRequestV3.node.js): per item,
 * `batchSize = batch.batchSize > 0 ? batch.batchSize : 1`, and it sleeps `batchInterval` ms before every
 * batchSize-th item only when `batchInterval > 0`. Nothing else reads the option: batching can only slow the node
 * down, never parallelise it. The fastest setting is therefore interval 0 (no sleep at all); the size then does not
 * matter, and -1 is the documented "disabled".
 */
export const HTTP_BEST_BATCHING = { batch: { batchSize: -1, batchInterval: 0 } };

const ALL_RUNS: RunSpec[] = [
	{ key: 'jasC1', label: 'JAS Request, concurrency 1', kind: 'jas', concurrency: 1, concurrencyOption: 1, settings: 'options.concurrency = 1' },
	{ key: 'jasDef', label: 'JAS Request, default (10)', kind: 'jas', concurrency: 10, settings: 'no options (default concurrency 10)' },
	{ key: 'jasC20', label: 'JAS Request, concurrency 20', kind: 'jas', concurrency: 20, concurrencyOption: 20, settings: 'options.concurrency = 20' },
	{ key: 'httpDef', label: 'HTTP Request + OAuth2, defaults', kind: 'httpRequest', concurrency: 1, httpOptions: {}, settings: 'options = {}' },
	{
		key: 'httpBatch',
		label: 'HTTP Request + OAuth2, batching best',
		kind: 'httpRequest',
		concurrency: 1,
		httpOptions: { batching: HTTP_BEST_BATCHING },
		settings: 'batching: batchSize -1, batchInterval 0',
	},
	{ key: 'undiciC1', label: 'undici loop, concurrency 1', kind: 'undici', concurrency: 1, settings: 'keep-alive Agent, 1 worker' },
	{ key: 'undiciC10', label: 'undici loop, concurrency 10', kind: 'undici', concurrency: 10, settings: 'keep-alive Agent, 10 workers' },
	{ key: 'undiciC20', label: 'undici loop, concurrency 20', kind: 'undici', concurrency: 20, settings: 'keep-alive Agent, 20 workers' },
];

/** BENCH_ONLY=jasDef,undiciC10 runs a subset (for quick checks; targets need their pairs). */
const only = (process.env.BENCH_ONLY ?? '').split(',').map((k) => k.trim()).filter(Boolean);
for (const key of only) if (!ALL_RUNS.some((r) => r.key === key)) throw new Error(`BENCH_ONLY: unknown run "${key}" (known: ${ALL_RUNS.map((r) => r.key).join(', ')})`);
export const RUNS: RunSpec[] = only.length > 0 ? ALL_RUNS.filter((r) => only.includes(r.key)) : ALL_RUNS;

/** JAS Request run compared against the undici run at equal concurrency. */
export const EQUAL_CONCURRENCY_PAIRS: Array<[jas: string, undici: string]> = [
	['jasC1', 'undiciC1'],
	['jasDef', 'undiciC10'],
	['jasC20', 'undiciC20'],
];
