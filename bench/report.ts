/**
 * Turns the measurements into the results: medians per run, the ratios against the targets, a Markdown report,
 * a hand-written SVG bar chart and the raw JSON.
 */
import { type BenchMode, LATENCY_MS, RATIOS, RENEWAL_MARGIN_SEC, type Series, TARGET_VS_HTTP_REQUEST, TOKEN_LIFETIME_SEC, USABLE_LIFETIME_SEC } from './config';
import type { Measurement } from './measure';
import { median, round } from './stats';

/** 1-minute load average at the bench's start above which other work shares the CPU: targets are then not judged. */
export const QUIET_LOAD = 1;

export interface Machine {
	cpu: string;
	cores: number;
	memoryGb: number;
	os: string;
	benchNode: string;
	n8nNode: string;
	n8nVersion: string;
	packageVersion: string;
	date: string;
	items: number;
	reps: number;
	/** the whole `bench/run.ts`, set-up and teardown included */
	totalSeconds: number;
	/** 1-minute load average at the start and the end of the bench */
	loadAvg: [start: number, end: number];
	/** the highest 1-minute load average seen at the start of a measurement */
	maxLoadDuring: number;
	/** the undici version both n8n-nodes-jas and the ideal node resolve */
	undici: string;
}

/** Whether nothing else ran on the machine when the bench started (ratios on a loaded machine decide nothing). */
export const quietMachine = (machine: Machine): boolean => machine.loadAvg[0] <= QUIET_LOAD;

export interface RunSummary {
	spec: Series;
	mode: BenchMode;
	reps: number;
	itemsPerSec: number;
	workSec: number;
	wallSec: number;
	latencyP50Ms: number;
	latencyP95Ms: number;
	maxInFlight: number;
	tokenRequests: number;
	minTokenRequests: number;
	unauthorized: number;
	expiredTokenRejections: number;
	peakRssMb: number;
	/** every repetition delivered every item exactly once on the success output */
	itemsOk: boolean;
	problems: string[];
}

export interface Verdict {
	/** 'target': one of the issues' targets; 'reference': reported beside them (the peer, the undici loop) */
	kind: 'target' | 'reference';
	/** false: a target on a loaded machine, reported but not judged */
	judged: boolean;
	what: string;
	value: string;
	target: string;
	met: boolean;
	/** how far off, when missed */
	shortfall?: string;
}

export function summarize(specs: Series[], mode: BenchMode, measurements: Measurement[]): RunSummary[] {
	return specs.map((spec) => {
		const mine = measurements.filter((m) => m.run === spec.key && m.mode === mode);
		const med = (pick: (m: Measurement) => number): number => median(mine.map(pick));
		return {
			spec,
			mode,
			reps: mine.length,
			itemsPerSec: med((m) => m.itemsPerSec),
			workSec: med((m) => m.workMs / 1000),
			wallSec: med((m) => m.wallMs / 1000),
			latencyP50Ms: med((m) => m.latencyP50Ms),
			latencyP95Ms: med((m) => m.latencyP95Ms),
			maxInFlight: med((m) => m.maxInFlight),
			tokenRequests: med((m) => m.tokenRequests),
			minTokenRequests: med((m) => m.minTokenRequests),
			unauthorized: med((m) => m.unauthorized),
			expiredTokenRejections: med((m) => m.expiredTokenRejections),
			peakRssMb: med((m) => m.peakRssMb),
			itemsOk: mine.length > 0 && mine.every((m) => m.itemsOk),
			problems: [...new Set(mine.flatMap((m) => m.problems.map((p) => `rep ${m.rep}: ${p}`)))],
		};
	});
}

const pct = (ratio: number): string => `${round(ratio * 100, 1)}%`;

/** One ratio of RATIOS in one mode: a value per repetition (and per listed pair), both measured in that rep. */
export interface PairedRatio {
	label: string;
	mode: BenchMode;
	target?: number;
	ratios: number[];
	median: number;
	min: number;
	max: number;
}

/**
 * Ratios of paired measurements: within one repetition the contenders ran back to back (a pair even in one
 * execution), so machine drift hits both sides of a ratio alike. The median is the result; min–max is its spread.
 */
export function pairedRatios(mode: BenchMode, measurements: Measurement[]): PairedRatio[] {
	const mine = measurements.filter((m) => m.mode === mode);
	const out: PairedRatio[] = [];
	for (const spec of RATIOS) {
		const ratios: number[] = [];
		for (const [numerator, denominator] of spec.over) {
			for (const m of mine.filter((x) => x.run === numerator)) {
				// The raw loop is measured in execute mode only (it runs outside n8n): no warm ratio against it.
				const partner = mine.find((x) => x.run === denominator && x.rep === m.rep);
				if (partner && partner.itemsPerSec > 0 && Number.isFinite(m.itemsPerSec)) ratios.push(m.itemsPerSec / partner.itemsPerSec);
			}
		}
		if (ratios.length === 0) continue;
		out.push({ label: spec.label, mode, target: spec.target, ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) });
	}
	return out;
}

export function ratioTable(list: PairedRatio[]): string {
	const lines = ['| mode | ratio | median | spread (min–max) | per repetition | target |', '| --- | --- | ---: | ---: | --- | ---: |'];
	for (const r of list) {
		lines.push(`| ${r.mode} | ${r.label} | **${pct(r.median)}** | ${pct(r.min)}–${pct(r.max)} | ${r.ratios.map(pct).join(', ')} | ${r.target === undefined ? 'reference' : `≥ ${pct(r.target)}`} |`);
	}
	return lines.join('\n');
}

export function verdicts(rows: RunSummary[], ratios: PairedRatio[], quiet: boolean): Verdict[] {
	const out: Verdict[] = [];
	for (const r of ratios.filter((x) => x.target !== undefined)) {
		const target = r.target!;
		const met = r.median >= target;
		out.push({
			kind: 'target',
			judged: quiet,
			what: `${r.mode}: ${r.label} (median of ${r.ratios.length})`,
			value: pct(r.median),
			target: `≥ ${pct(target)}`,
			met,
			shortfall: met ? undefined : `${round((target - r.median) * 100, 1)} points short`,
		});
	}
	const execute = new Map(rows.filter((r) => r.mode === 'execute').map((r) => [r.spec.key, r]));
	const jasDefault = execute.get('jasC10J');
	const peer = execute.get('httpDef');
	if (jasDefault && peer) {
		const ratio = jasDefault.itemsPerSec / peer.itemsPerSec;
		const met = ratio >= TARGET_VS_HTTP_REQUEST;
		out.push({ kind: 'target', judged: true, what: `${jasDefault.spec.label} vs ${peer.spec.label} (items/s)`, value: `${round(ratio, 1)}×`, target: `≥ ${TARGET_VS_HTTP_REQUEST}×`, met, shortfall: met ? undefined : `${round(TARGET_VS_HTTP_REQUEST - ratio, 1)}× short` });
	}
	for (const row of rows) {
		const extraTokens = row.tokenRequests - row.minTokenRequests;
		const met = row.unauthorized === 0 && extraTokens <= 0;
		const miss: string[] = [];
		if (extraTokens > 0) miss.push(`${extraTokens} token request(s) above the minimum`);
		if (row.unauthorized > 0) miss.push(`${row.unauthorized} requests answered 401 (${row.expiredTokenRejections} with an expired token)`);
		out.push({
			kind: row.spec.kind === 'jas' ? 'target' : 'reference',
			judged: true,
			what: `${row.mode}: ${row.spec.label}: token requests / 401s`,
			value: `${row.tokenRequests} (min ${row.minTokenRequests}) / ${row.unauthorized}`,
			target: `≤ min / 0`,
			met,
			shortfall: met ? undefined : miss.join('; '),
		});
	}
	return out;
}

function cell(value: number, digits = 1): string {
	return Number.isFinite(value) ? String(round(value, digits)) : '–';
}

export function markdownTable(rows: RunSummary[]): string {
	const lines = [
		'| mode | run | settings | items/s | node s | wall s | p50 ms | p95 ms | max in flight | token requests (min) | 401s | expired | peak RSS MB | items ok |',
		'| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
	];
	for (const r of rows) {
		lines.push(
			`| ${r.mode} | ${r.spec.label} | ${r.spec.settings} | ${cell(r.itemsPerSec, 0)} | ${cell(r.workSec, 2)} | ${cell(r.wallSec, 1)} | ${cell(r.latencyP50Ms, 2)} | ${cell(r.latencyP95Ms, 2)} | ${cell(r.maxInFlight, 0)} | ${cell(r.tokenRequests, 0)} (${cell(r.minTokenRequests, 0)}) | ${cell(r.unauthorized, 0)} | ${cell(r.expiredTokenRejections, 0)} | ${cell(r.peakRssMb, 0)} | ${r.itemsOk ? 'yes' : '**NO**'} |`,
		);
	}
	return lines.join('\n');
}

function verdictText(v: Verdict): string {
	if (v.kind === 'reference') return `reference only${v.met ? '' : `: ${v.shortfall ?? ''}`}`;
	if (!v.judged) return `not judged: the machine was loaded (${v.met ? 'would be met' : (v.shortfall ?? '')})`;
	return v.met ? 'met' : `**missed**: ${v.shortfall ?? ''}`;
}

export function verdictTable(list: Verdict[]): string {
	const lines = ['| comparison | result | target | met? |', '| --- | ---: | --- | --- |'];
	for (const v of list) lines.push(`| ${v.what} | ${v.value} | ${v.target} | ${verdictText(v)} |`);
	return lines.join('\n');
}

/** How loaded the machine was, in one sentence, before any number is read. */
export function loadLine(machine: Machine): string {
	const load = `1-minute load average ${machine.loadAvg[0]} before the bench, ${machine.loadAvg[1]} after, up to ${machine.maxLoadDuring} at the start of a run, on ${machine.cores} cores`;
	return quietMachine(machine)
		? `The machine was quiet when the bench started (${load}; the bench itself and n8n account for about 1–2).`
		: `**The machine was loaded by other work** (${load}): these ratios are noisy and do not decide the targets; rerun on a quiet machine.`;
}

export function markdownReport(rows: RunSummary[], list: Verdict[], machine: Machine, analysis: string[], ratios: PairedRatio[]): string {
	const problems = rows.flatMap((r) => r.problems.map((p) => `- ${r.mode}: ${r.spec.label}, ${p}`));
	const missed = list.filter((v) => v.kind === 'target' && v.judged && !v.met);
	const unjudged = list.some((v) => !v.judged);
	const targets = ratios.filter((r) => r.target !== undefined);
	return [
		'# Benchmark: JAS Request vs an ideal node in the same n8n (and n8n\'s HTTP Request, a raw undici loop)',
		'',
		'## JAS Request ÷ ideal node',
		'',
		loadLine(machine),
		'',
		ratioTable(targets),
		'',
		'The ideal node (bench/idealNode/) does only what any node must: one undici request per item through a pool with the ' +
			'package\'s settings, a Bearer token fetched once per run, the JSON body parsed, one item out paired to its input. ' +
			'Both nodes run in the same execution on the same items, in both orders; each ratio is per repetition.',
		'',
		'## Reference ratios',
		'',
		ratioTable(ratios.filter((r) => r.target === undefined)),
		'',
		`One warm-up repetition discarded; ${machine.reps} measured, runs interleaved within each. ${machine.items} items per run, medians shown. ` +
			`One JAS simulator per contender: ${LATENCY_MS} ms added to every request, ${TOKEN_LIFETIME_SEC} s tokens. JAS credential "Renew Before Expiry" ${RENEWAL_MARGIN_SEC} s, ` +
			`which shrinks to a quarter of the lifetime for short tokens: renewal ${TOKEN_LIFETIME_SEC - USABLE_LIFETIME_SEC} s before expiry, ` +
			`so the minimum number of token requests is ceil(node seconds / ${USABLE_LIFETIME_SEC} s).`,
		'',
		markdownTable(rows),
		'',
		'![items per second](latest.svg)',
		'',
		'## Targets',
		'',
		verdictTable(list),
		'',
		unjudged ? 'The machine was loaded: the ratio targets are reported, not judged.' : missed.length === 0 ? 'Every target is met.' : ['Targets missed:', ...missed.map((v) => `- ${v.what}: ${v.value}, ${v.shortfall ?? ''}`)].join('\n'),
		'',
		...(problems.length > 0 ? ['## Problems seen', '', ...problems, ''] : []),
		...(analysis.length > 0 ? ['## Notes', '', ...analysis.map((a) => `- ${a}`), ''] : []),
		'## Machine',
		'',
		`- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB memory, ${machine.os}; ${loadLine(machine)}`,
		`- Node: bench ${machine.benchNode} (simulators and raw loop), n8n on ${machine.n8nNode}; undici ${machine.undici} in both n8n-nodes-jas and the ideal node`,
		`- n8n ${machine.n8nVersion}, n8n-nodes-jas ${machine.packageVersion}`,
		`- ${machine.date}; ${machine.items} items, ${machine.reps} repetitions; whole bench ${round(machine.totalSeconds, 0)} s`,
		'',
	].join('\n');
}
