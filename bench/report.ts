/**
 * Turns the measurements into the results: medians per run, the ratios against the targets, a Markdown report,
 * a hand-written SVG bar chart and the raw JSON.
 */
import {
	EQUAL_CONCURRENCY_PAIRS,
	LATENCY_MS,
	RENEWAL_MARGIN_SEC,
	type RunSpec,
	TARGET_VS_HTTP_REQUEST,
	TARGET_VS_UNDICI,
	TOKEN_LIFETIME_SEC,
	USABLE_LIFETIME_SEC,
} from './config';
import type { Measurement } from './measure';
import { median, round } from './stats';

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
}

export interface RunSummary {
	spec: RunSpec;
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
	/** 'target': one of issue 5's targets; 'reference': reported beside them (the peer, the undici loop) */
	kind: 'target' | 'reference';
	what: string;
	value: string;
	target: string;
	met: boolean;
	/** how far off, when missed */
	shortfall?: string;
}

export function summarize(specs: RunSpec[], measurements: Measurement[]): RunSummary[] {
	return specs.map((spec) => {
		const mine = measurements.filter((m) => m.run === spec.key);
		const med = (pick: (m: Measurement) => number): number => median(mine.map(pick));
		return {
			spec,
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

/** JAS Request against the undici loop at equal concurrency, one ratio per repetition (both measured in that rep). */
export interface PairedRatio {
	label: string;
	ratios: number[];
	median: number;
	min: number;
	max: number;
}

/**
 * Ratios of paired measurements: within one repetition the contenders ran back to back (A/B/A/B across reps), so
 * machine drift hits both sides of a ratio alike. The median is the result; min–max is its spread.
 */
export function pairedRatios(specs: RunSpec[], measurements: Measurement[]): PairedRatio[] {
	const label = (key: string) => specs.find((s) => s.key === key)?.label ?? key;
	const out: PairedRatio[] = [];
	for (const [jasKey, undiciKey] of EQUAL_CONCURRENCY_PAIRS) {
		const ratios: number[] = [];
		for (const m of measurements.filter((x) => x.run === jasKey)) {
			const partner = measurements.find((x) => x.run === undiciKey && x.rep === m.rep);
			if (partner && partner.itemsPerSec > 0) ratios.push(m.itemsPerSec / partner.itemsPerSec);
		}
		if (ratios.length === 0) continue;
		out.push({ label: `${label(jasKey)} / ${label(undiciKey)}`, ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) });
	}
	return out;
}

export function ratioTable(list: PairedRatio[]): string {
	const lines = ['| JAS Request / raw undici loop, equal concurrency | median | spread (min–max) | per repetition | target |', '| --- | ---: | ---: | --- | ---: |'];
	for (const r of list) {
		lines.push(`| ${r.label} | **${pct(r.median)}** | ${pct(r.min)}–${pct(r.max)} | ${r.ratios.map(pct).join(', ')} | ≥ ${pct(TARGET_VS_UNDICI)} |`);
	}
	return lines.join('\n');
}

export function verdicts(rows: RunSummary[], ratios: PairedRatio[] = []): Verdict[] {
	const byKey = new Map(rows.map((r) => [r.spec.key, r]));
	const out: Verdict[] = [];
	for (const [jasKey, undiciKey] of EQUAL_CONCURRENCY_PAIRS) {
		const jas = byKey.get(jasKey);
		const undici = byKey.get(undiciKey);
		if (!jas || !undici) continue;
		// The median of the paired ratios when there are pairs; else the ratio of the medians.
		const paired = ratios.find((r) => r.label === `${jas.spec.label} / ${undici.spec.label}`);
		const ratio = paired ? paired.median : jas.itemsPerSec / undici.itemsPerSec;
		const met = ratio >= TARGET_VS_UNDICI;
		out.push({
			kind: 'target',
			what: `${jas.spec.label} vs ${undici.spec.label} (items/s)`,
			value: pct(ratio),
			target: `≥ ${pct(TARGET_VS_UNDICI)}`,
			met,
			shortfall: met ? undefined : `${round((TARGET_VS_UNDICI - ratio) * 100, 1)} points short (needs ${round(TARGET_VS_UNDICI * undici.itemsPerSec, 0)} items/s, has ${round(jas.itemsPerSec, 0)})`,
		});
	}
	const jasDefault = byKey.get('jasDef');
	for (const peerKey of ['httpDef', 'httpBatch']) {
		const peer = byKey.get(peerKey);
		if (!jasDefault || !peer) continue;
		const ratio = jasDefault.itemsPerSec / peer.itemsPerSec;
		const isTarget = peerKey === 'httpDef';
		const met = ratio >= TARGET_VS_HTTP_REQUEST;
		out.push({
			kind: isTarget ? 'target' : 'reference',
			what: `${jasDefault.spec.label} vs ${peer.spec.label} (items/s)`,
			value: `${round(ratio, 1)}×`,
			target: `≥ ${TARGET_VS_HTTP_REQUEST}×`,
			met,
			shortfall: met ? undefined : `${round(TARGET_VS_HTTP_REQUEST - ratio, 1)}× short`,
		});
	}
	for (const row of rows) {
		const extraTokens = row.tokenRequests - row.minTokenRequests;
		const met = row.unauthorized === 0 && extraTokens <= 0;
		const miss: string[] = [];
		if (extraTokens > 0) miss.push(`${extraTokens} token request(s) above the minimum`);
		if (row.unauthorized > 0) miss.push(`${row.unauthorized} requests answered 401 (${row.expiredTokenRejections} with an expired token)`);
		out.push({
			kind: row.spec.kind === 'jas' ? 'target' : 'reference',
			what: `${row.spec.label}: token requests / 401s`,
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
		'| run | settings | items/s | node s | wall s | p50 ms | p95 ms | max in flight | token requests (min) | 401s | expired | peak RSS MB | items ok |',
		'| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
	];
	for (const r of rows) {
		lines.push(
			`| ${r.spec.label} | ${r.spec.settings} | ${cell(r.itemsPerSec, 0)} | ${cell(r.workSec, 2)} | ${cell(r.wallSec, 1)} | ${cell(r.latencyP50Ms, 2)} | ${cell(r.latencyP95Ms, 2)} | ${cell(r.maxInFlight, 0)} | ${cell(r.tokenRequests, 0)} (${cell(r.minTokenRequests, 0)}) | ${cell(r.unauthorized, 0)} | ${cell(r.expiredTokenRejections, 0)} | ${cell(r.peakRssMb, 0)} | ${r.itemsOk ? 'yes' : '**NO**'} |`,
		);
	}
	return lines.join('\n');
}

export function verdictTable(list: Verdict[]): string {
	const lines = ['| comparison | result | target | met? |', '| --- | ---: | --- | --- |'];
	for (const v of list) {
		const verdict = v.kind === 'reference' ? `reference only${v.met ? '' : `: ${v.shortfall ?? ''}`}` : v.met ? 'met' : `**missed**: ${v.shortfall ?? ''}`;
		lines.push(`| ${v.what} | ${v.value} | ${v.target} | ${verdict} |`);
	}
	return lines.join('\n');
}

export function markdownReport(rows: RunSummary[], list: Verdict[], machine: Machine, analysis: string[], ratios: PairedRatio[] = []): string {
	const problems = rows.flatMap((r) => r.problems.map((p) => `- ${r.spec.label}, ${p}`));
	const missed = list.filter((v) => v.kind === 'target' && !v.met);
	return [
		'# Benchmark: JAS Request vs n8n HTTP Request (generic OAuth2) vs a raw undici loop',
		'',
		'## Ratios first',
		'',
		ratioTable(ratios),
		'',
		`One warm-up repetition discarded; ${machine.reps} measured, contenders interleaved within each (A/B/A/B).`,
		'',
		`${machine.items} items per run, ${machine.reps} repetitions, medians shown. One JAS simulator for all runs: ` +
			`${LATENCY_MS} ms added to every request, ${TOKEN_LIFETIME_SEC} s tokens. JAS credential "Renew Before Expiry" ${RENEWAL_MARGIN_SEC} s, ` +
			`which shrinks to a quarter of the lifetime for short tokens: renewal ${TOKEN_LIFETIME_SEC - USABLE_LIFETIME_SEC} s before expiry, ` +
			`so the minimum number of token requests is ceil(node seconds / ${USABLE_LIFETIME_SEC} s) (a client renewing at the last moment could do ` +
			`with ceil(s / ${TOKEN_LIFETIME_SEC} s)).`,
		'',
		markdownTable(rows),
		'',
		'![items per second](latest.svg)',
		'',
		'## Targets (ratios within this run)',
		'',
		verdictTable(list),
		'',
		missed.length === 0 ? 'Every target is met.' : ['Targets missed:', ...missed.map((v) => `- ${v.what}: ${v.value}, ${v.shortfall ?? ''}`)].join('\n'),
		'',
		...(problems.length > 0 ? ['## Problems seen', '', ...problems, ''] : []),
		...(analysis.length > 0 ? ['## Notes', '', ...analysis.map((a) => `- ${a}`), ''] : []),
		'## Machine',
		'',
		`- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB memory, ${machine.os}; load average (1 min) ${machine.loadAvg[0]} at the start, ${machine.loadAvg[1]} at the end`,
		`- Node: bench ${machine.benchNode} (simulator and undici loop), n8n on ${machine.n8nNode}`,
		`- n8n ${machine.n8nVersion}, n8n-nodes-jas ${machine.packageVersion}`,
		`- ${machine.date}; ${machine.items} items, ${machine.reps} repetitions; whole bench ${round(machine.totalSeconds, 0)} s`,
		'',
	].join('\n');
}

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const COLORS: Record<RunSpec['kind'], string> = { jas: '#2f6fde', httpRequest: '#e07a2f', undici: '#7a7a7a' };

/** A horizontal bar chart of items/s per run; no libraries. */
export function svgChart(rows: RunSummary[], machine: Machine): string {
	const labelWidth = 270;
	const barMax = 430;
	const rowHeight = 30;
	const top = 50;
	const width = labelWidth + barMax + 90;
	const height = top + rows.length * rowHeight + 40;
	const max = Math.max(...rows.map((r) => (Number.isFinite(r.itemsPerSec) ? r.itemsPerSec : 0)), 1);
	const parts: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="12" y="22" font-size="15" font-weight="bold">Items per second (median of ${machine.reps}, ${machine.items} items, ${LATENCY_MS} ms API latency)</text>`,
		`<text x="12" y="40" fill="#555">higher is better · blue: JAS Request · orange: n8n HTTP Request + OAuth2 · grey: raw undici loop</text>`,
	];
	rows.forEach((r, i) => {
		const y = top + i * rowHeight;
		const value = Number.isFinite(r.itemsPerSec) ? r.itemsPerSec : 0;
		const w = Math.max(1, Math.round((value / max) * barMax));
		parts.push(
			`<text x="${labelWidth - 8}" y="${y + 19}" text-anchor="end">${escapeXml(r.spec.label)}</text>`,
			`<rect x="${labelWidth}" y="${y + 5}" width="${w}" height="${rowHeight - 10}" fill="${COLORS[r.spec.kind]}"/>`,
			`<text x="${labelWidth + w + 6}" y="${y + 19}">${Math.round(value)}</text>`,
		);
	});
	parts.push(
		`<text x="12" y="${height - 12}" fill="#555" font-size="11">${escapeXml(`${machine.cpu}, ${machine.cores} cores · n8n ${machine.n8nVersion} on Node ${machine.n8nNode} · ${machine.date}`)}</text>`,
		'</svg>',
	);
	return parts.join('\n') + '\n';
}
