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

/** Sized so the whole `npm run bench` takes about 8 minutes on a quiet 2-core machine (see bench/README.md). */
export const DEFAULT_ITEMS = 3000;
export const DEFAULT_REPS = 5;

/** JAS Request ÷ the ideal node in the same n8n, both orders, concurrency 10 and 20 (issue 26). */
export const TARGET_VS_IDEAL = 0.95;
export const TARGET_VS_HTTP_REQUEST = 5;

export const ITEMS = positiveInt('BENCH_ITEMS', DEFAULT_ITEMS);
export const REPS = positiveInt('BENCH_REPS', DEFAULT_REPS);

/**
 * BENCH_MODE: 'execute' (every n8n run a fresh `n8n execute` process), 'warm' (one long-running `n8n start`, each
 * run a production webhook call) or 'both' (the default: the target holds for both, and warm adds about a minute).
 */
export type BenchMode = 'execute' | 'warm';
const MODE = process.env.BENCH_MODE ?? 'both';
if (!['execute', 'warm', 'both'].includes(MODE)) throw new Error(`BENCH_MODE must be execute, warm or both, got "${MODE}"`);
export const MODES: BenchMode[] = MODE === 'both' ? ['execute', 'warm'] : [MODE as BenchMode];

/** One run: one n8n execution (or one undici loop), measuring one or two contenders. */
export type RunKind = 'pair' | 'httpRequest' | 'undici';
/** Which contender of a pair runs first (the first warms the shared undici code; the second runs with a fuller heap). */
export type Order = 'jasFirst' | 'idealFirst';

export interface RunSpec {
	/** stable key, also part of workflow and credential ids (letters and digits only) */
	key: string;
	label: string;
	kind: RunKind;
	concurrency: number;
	/** pair: which node runs first */
	order?: Order;
	/** JAS Request: the `concurrency` option to set (undefined: not set, the node's default) */
	concurrencyOption?: number;
	/** HTTP Request: the `options` parameter */
	httpOptions?: Record<string, unknown>;
}

/** What one measurement is of: one contender within one run (a row of the table). */
export type ContenderKind = 'jas' | 'ideal' | 'httpRequest' | 'undici';

export interface Series {
	/** measurement key: run key, or for a pair the contender + run key */
	key: string;
	run: string;
	label: string;
	kind: ContenderKind;
	concurrency: number;
	settings: string;
}

const pair = (concurrency: number, order: Order): RunSpec => ({
	key: `pairC${concurrency}${order === 'jasFirst' ? 'J' : 'I'}`,
	label: `concurrency ${concurrency}, ${order === 'jasFirst' ? 'JAS Request first' : 'ideal node first'}`,
	kind: 'pair',
	concurrency,
	order,
	concurrencyOption: concurrency === 10 ? undefined : concurrency,
});

const ALL_RUNS: RunSpec[] = [
	pair(10, 'jasFirst'),
	pair(10, 'idealFirst'),
	pair(20, 'jasFirst'),
	pair(20, 'idealFirst'),
	{ key: 'httpDef', label: 'HTTP Request + OAuth2, defaults', kind: 'httpRequest', concurrency: 1, httpOptions: {} },
	{ key: 'undiciC10', label: 'raw undici loop, concurrency 10', kind: 'undici', concurrency: 10 },
	{ key: 'undiciC20', label: 'raw undici loop, concurrency 20', kind: 'undici', concurrency: 20 },
];

/** BENCH_ONLY=pairC10J,undiciC10 runs a subset (for quick checks; ratios need their pairs). */
const only = (process.env.BENCH_ONLY ?? '').split(',').map((k) => k.trim()).filter(Boolean);
for (const key of only) if (!ALL_RUNS.some((r) => r.key === key)) throw new Error(`BENCH_ONLY: unknown run "${key}" (known: ${ALL_RUNS.map((r) => r.key).join(', ')})`);
export const RUNS: RunSpec[] = only.length > 0 ? ALL_RUNS.filter((r) => only.includes(r.key)) : ALL_RUNS;

/** The runs the warm `n8n start` mode repeats: the pairs (the raw loop is outside n8n; the peer is measured cold). */
export const WARM_RUNS: RunSpec[] = RUNS.filter((r) => r.kind === 'pair');

/** The contenders a run measures, in the order they run. */
export function seriesOf(run: RunSpec): Series[] {
	if (run.kind !== 'pair') {
		const settings = run.kind === 'undici' ? `keep-alive Agent, ${run.concurrency} lanes, outside n8n` : 'options = {}';
		return [{ key: run.key, run: run.key, label: run.label, kind: run.kind, concurrency: run.concurrency, settings }];
	}
	const jasFirst = run.order === 'jasFirst';
	const contender = (kind: 'jas' | 'ideal', name: string, runsFirst: boolean, settings: string): Series => ({
		key: `${kind}${run.key.slice(4)}`,
		run: run.key,
		label: `${name}, concurrency ${run.concurrency}, runs ${runsFirst ? 'first' : 'second'}`,
		kind,
		concurrency: run.concurrency,
		settings,
	});
	const jas = contender('jas', 'JAS Request', jasFirst, run.concurrencyOption === undefined ? 'no options (default concurrency 10)' : `options.concurrency = ${run.concurrencyOption}`);
	const ideal = contender('ideal', 'ideal node', !jasFirst, `concurrency = ${run.concurrency}`);
	return jasFirst ? [jas, ideal] : [ideal, jas];
}

/** A ratio reported per repetition: numerator ÷ denominator for each listed pair of series measured in that rep. */
export interface RatioSpec {
	label: string;
	over: Array<[numerator: string, denominator: string]>;
	/** the target; undefined: reported for reference */
	target?: number;
}

export const RATIOS: RatioSpec[] = [10, 20].flatMap((c): RatioSpec[] => [
	{ label: `JAS Request ÷ ideal node, concurrency ${c}, JAS Request first`, over: [[`jasC${c}J`, `idealC${c}J`]], target: TARGET_VS_IDEAL },
	{ label: `JAS Request ÷ ideal node, concurrency ${c}, ideal node first`, over: [[`jasC${c}I`, `idealC${c}I`]], target: TARGET_VS_IDEAL },
	{ label: `ideal node ÷ raw undici loop, concurrency ${c}, both orders`, over: [[`idealC${c}J`, `undiciC${c}`], [`idealC${c}I`, `undiciC${c}`]] },
	{ label: `JAS Request ÷ raw undici loop, concurrency ${c}, both orders`, over: [[`jasC${c}J`, `undiciC${c}`], [`jasC${c}I`, `undiciC${c}`]] },
]);
