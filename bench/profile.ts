/**
 * `npm run bench:profile`: CPU-profiles JAS Request and the bench's ideal node (bench/idealNode/) inside a real n8n
 * (`node --cpu-prof`, 100 µs sampling), both in one execution on the same items as in `npm run bench`, at
 * concurrency 10 and 20 and in both orders, and attributes each node's CPU time per item to its owner: this
 * package (by module), the ideal node, undici, n8n, Node itself, GC. Frames without a file (builtins such as
 * JSON.parse or RegExp) count for the nearest caller that has one. A node's window runs from the first to the last
 * sample with a frame of its own package; the two nodes run one after the other, so their windows do not overlap.
 * The difference per owner is what JAS Request spends per item beyond what any node must.
 * Writes bench/results/profile.md and profile-<tag>.json. Env: PROFILE_ITEMS (default 5000), PROFILE_KEEP=1 (keep
 * the .cpuprofile files), PROFILE_TAG (a label, e.g. "before"), PROFILE_TARBALL (profile another build's tarball).
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packPackage, REPO_DIR, removePackedPackage } from '../tools/n8n/install';
import { createN8nInstance, type N8nInstance } from '../tools/n8n/instance';
import { DEMO_CLIENTS, startJasSimulator } from '../tools/simulators';
import type { Order, RunSpec } from './config';
import { packIdealNode } from './idealNode/pack';
import { executeTimed } from './n8nExecute';
import { round } from './stats';
import { benchCredential, benchWorkflow, ids, idealCredential, NODE_NAMES, type Simulators } from './workflows';

const ITEMS = Number(process.env.PROFILE_ITEMS ?? 5000);
const CONCURRENCIES = [10, 20];
const ORDERS: Order[] = ['jasFirst', 'idealFirst'];
const TAG = process.env.PROFILE_TAG ?? 'current';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string };
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

const PACKAGE_MARK = '/n8n-nodes-jas/dist/';
const IDEAL_MARK = '/n8n-nodes-bench-ideal/dist/';
type Frame = { functionName: string; url: string };
/**
 * What marks a contender's run: a named function of its run (not of loading its modules, which happens before
 * either node runs and would stretch the window over the other one). JAS Request: the functions of its run's stages,
 * execute.js, pool.js, run/*.js and present/*.js (issue 21 split execute.js into them).
 */
const JAS_RUN_MODULES = /\/n8n-nodes-jas\/dist\/nodes\/JasRequest\/(execute\.js|pool\.js|run\/[^/]+\.js|present\/[^/]+\.js)$/;
const MARKS = {
	jas: (f: Frame) => JAS_RUN_MODULES.test(f.url) && f.functionName !== '',
	ideal: (f: Frame) => f.url.includes(IDEAL_MARK) && f.functionName !== '' && f.functionName !== 'IdealRequest',
} as const;
const FILES = { jas: PACKAGE_MARK, ideal: IDEAL_MARK } as const;
type Contender = keyof typeof MARKS;

/** Who a frame belongs to, or undefined for frames without a file (attributed to their caller). */
function ownerOf(frame: ProfileNode['callFrame']): string | undefined {
	const { url, functionName } = frame;
	if (functionName === '(garbage collector)') return 'GC';
	if (functionName === '(idle)') return 'idle';
	if (functionName === '(program)') return 'program (native, unattributed)';
	if (!url) return undefined;
	const ours = url.indexOf(PACKAGE_MARK);
	if (ours >= 0) return `package: ${url.slice(ours + PACKAGE_MARK.length).replace(/\.js$/, '')}`;
	if (url.includes(IDEAL_MARK)) return 'ideal node';
	if (url.includes('/undici/')) return 'undici';
	if (/node_modules\/(n8n|@n8n|n8n-core|n8n-workflow|n8n-nodes-base)\b/.test(url)) return 'n8n';
	if (url.startsWith('node:')) return 'Node.js';
	return 'other dependencies';
}

/** Samples under no function of the contender: undici reading sockets, timers, n8n, GC. */
const OUTSIDE = '(no frame of the node: event loop, sockets, n8n, GC)';

/**
 * CPU µs within the window of one contender's run (`marks`: whether a frame is part of its run), by owner, and by
 * the contender's nearest function on the stack (`mark`: the path of its files), which so counts the undici,
 * Node.js and builtin time it calls.
 */
function attribute(profile: CpuProfile, marks: (frame: Frame) => boolean, mark: string): { byOwner: Map<string, number>; byFunction: Map<string, number>; windowUs: number } {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
	const owner = new Map<number, string>();
	const nearest = new Map<number, string>();
	const ownFunction = (id: number): string => {
		const known = nearest.get(id);
		if (known) return known;
		const frame = byId.get(id)!.callFrame;
		const parentId = parent.get(id);
		const at = frame.url.indexOf(mark);
		const result = at >= 0 ? `${frame.url.slice(at + mark.length)} ${frame.functionName || '(anonymous)'}` : parentId === undefined ? OUTSIDE : ownFunction(parentId);
		nearest.set(id, result);
		return result;
	};
	const resolve = (id: number): string => {
		const known = owner.get(id);
		if (known) return known;
		const node = byId.get(id)!;
		const own = ownerOf(node.callFrame);
		const parentId = parent.get(id);
		const result = own ?? (parentId === undefined ? 'Node.js' : resolve(parentId));
		owner.set(id, result);
		return result;
	};
	// Samples that have a frame of the contender anywhere on their stack.
	const onStack = new Map<number, boolean>();
	const hasPackage = (id: number): boolean => {
		const known = onStack.get(id);
		if (known !== undefined) return known;
		const parentId = parent.get(id);
		const result = marks(byId.get(id)!.callFrame) || (parentId !== undefined && hasPackage(parentId));
		onStack.set(id, result);
		return result;
	};
	let time = profile.startTime;
	const times = profile.samples.map((_, i) => (time += profile.timeDeltas[i]));
	const marked = profile.samples.map((id, i) => (hasPackage(id) ? i : -1)).filter((i) => i >= 0);
	const byOwner = new Map<string, number>();
	const byFunction = new Map<string, number>();
	if (marked.length === 0) return { byOwner, byFunction, windowUs: 0 };
	const [first, last] = [marked[0], marked[marked.length - 1]];
	for (let i = first; i <= last; i++) {
		const who = resolve(profile.samples[i]);
		const us = profile.timeDeltas[i + 1] ?? 0;
		byOwner.set(who, (byOwner.get(who) ?? 0) + us);
		if (who === 'idle') continue;
		const fn = ownFunction(profile.samples[i]);
		byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
	}
	return { byOwner, byFunction, windowUs: times[last] - times[first] };
}

async function newestProfile(dir: string): Promise<CpuProfile> {
	const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
	const withTimes = await Promise.all(files.map(async (f) => ({ f, at: (await stat(join(dir, f))).mtimeMs, size: (await stat(join(dir, f))).size })));
	// The execute command's main process: the largest profile written (the task runner's is small).
	const chosen = withTimes.sort((a, b) => b.size - a.size)[0];
	if (!chosen) throw new Error(`no CPU profile was written to ${dir}`);
	return JSON.parse(await readFile(join(dir, chosen.f), 'utf8')) as CpuProfile;
}

type Totals = Map<string, number>;

interface Row {
	concurrency: number;
	/** per contender: CPU µs per item by owner, averaged over both orders */
	usPerItem: Record<Contender, Record<string, number>>;
	windowMs: Record<Contender, number>;
	/** per contender: CPU µs per item by its nearest own function on the stack (what it calls included) */
	byFunction: Record<Contender, Record<string, number>>;
}

const add = (into: Totals, from: Map<string, number>) => from.forEach((us, key) => into.set(key, (into.get(key) ?? 0) + us));
const perItem = (map: Totals, runs: number, top = Infinity) =>
	Object.fromEntries([...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, round(v / (ITEMS * runs), 1)]));

/** Profiles one pair execution; adds each contender's CPU by owner and by its own functions to the totals. */
async function profilePair(n8n: N8nInstance, run: RunSpec, totals: Record<Contender, Totals>, hot: Record<Contender, Totals>, windows: Record<Contender, number>): Promise<void> {
	const dir = await mkdtemp(join(tmpdir(), 'jas-profile-'));
	try {
		n8n.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=100`;
		// Through a file, as the bench does: a piped document of this size is cut short on a busy machine.
		const { execution } = await executeTimed(n8n, ids(run, 0).workflowId);
		delete n8n.env.NODE_OPTIONS;
		for (const name of [NODE_NAMES.jas, NODE_NAMES.ideal]) {
			const ok = (execution.runData[name]?.[0]?.data?.main?.[0] ?? []).length;
			if (ok !== ITEMS) throw new Error(`${run.label}: ${name} delivered ${ok} of ${ITEMS} items`);
		}
		const profile = await newestProfile(dir);
		for (const contender of Object.keys(MARKS) as Contender[]) {
			const { byOwner, byFunction, windowUs } = attribute(profile, MARKS[contender], FILES[contender]);
			add(totals[contender], byOwner);
			add(hot[contender], byFunction);
			windows[contender] += windowUs / 1000;
		}
		process.stderr.write(`[profile] ${run.label}: done\n`);
	} finally {
		delete n8n.env.NODE_OPTIONS;
		// PROFILE_KEEP=1 keeps the raw .cpuprofile files (open them in Chrome DevTools) and says where.
		if (process.env.PROFILE_KEEP) process.stderr.write(`[profile] ${run.label}: profiles kept in ${dir}\n`);
		else await rm(dir, { recursive: true, force: true });
	}
}

function markdown(rows: Row[]): string {
	const lines = [`## ${TAG}: CPU µs per item, JAS Request vs the ideal node (${ITEMS} items, 5 ms API, 100 µs sampling, mean of both orders)`, ''];
	for (const row of rows) {
		const { jas, ideal } = row.usPerItem;
		const owners = [...new Set([...Object.keys(jas), ...Object.keys(ideal)])].filter((o) => o !== 'idle').sort();
		const total = (r: Record<string, number>, pick: (o: string) => boolean) => round(Object.entries(r).filter(([k]) => pick(k)).reduce((a, [, v]) => a + v, 0), 1);
		lines.push(`### concurrency ${row.concurrency}`, '', '| owner | JAS Request | ideal node | JAS − ideal |', '| --- | ---: | ---: | ---: |');
		for (const o of owners) lines.push(`| ${o} | ${jas[o] ?? 0} | ${ideal[o] ?? 0} | ${round((jas[o] ?? 0) - (ideal[o] ?? 0), 1)} |`);
		const notIdle = (k: string) => k !== 'idle';
		const pkg = total(jas, (k) => k.startsWith('package:'));
		lines.push(`| **this package, all modules** | **${pkg}** | – | **${pkg}** |`);
		lines.push(`| **all CPU (not idle)** | **${total(jas, notIdle)}** | **${total(ideal, notIdle)}** | **${round(total(jas, notIdle) - total(ideal, notIdle), 1)}** |`);
		lines.push(`| window of the node's run, ms (both orders) | ${round(row.windowMs.jas, 0)} | ${round(row.windowMs.ideal, 0)} | |`, '');
		for (const contender of Object.keys(MARKS) as Contender[]) {
			const name = contender === 'jas' ? 'JAS Request' : 'the ideal node';
			lines.push(`CPU µs per item of ${name} at concurrency ${row.concurrency} by its nearest own function on the stack (the undici, Node.js and builtin time it calls included):`, '');
			for (const [fn, us] of Object.entries(row.byFunction[contender])) lines.push(`- ${fn}: ${us}`);
			lines.push('');
		}
	}
	return lines.join('\n');
}

async function main(): Promise<void> {
	const sim = await startJasSimulator({ latencyMs: 5, tokenLifetimeSec: 600 });
	const access = { url: sim.url, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 };
	const sims: Simulators = { jas: access, ideal: access };
	const tarballs = [process.env.PROFILE_TARBALL ?? (await packPackage()), await packIdealNode()];
	const n8n = await createN8nInstance({ tarball: tarballs[0], extraTarballs: [tarballs[1]], logLevel: 'info' });
	const rows: Row[] = [];
	try {
		const runs = CONCURRENCIES.flatMap((concurrency) =>
			ORDERS.map((order): RunSpec => ({ key: `prof${concurrency}${order === 'jasFirst' ? 'J' : 'I'}`, label: `concurrency ${concurrency}, ${order}`, kind: 'pair', concurrency, order, concurrencyOption: concurrency })),
		);
		await n8n.importCredentials([idealCredential(access), ...runs.map((run) => benchCredential(run, 0, access))]);
		await n8n.importWorkflow(runs.map((run) => benchWorkflow(run, 0, ITEMS, sims)));
		for (const concurrency of CONCURRENCIES) {
			const totals: Record<Contender, Totals> = { jas: new Map(), ideal: new Map() };
			const hot: Record<Contender, Totals> = { jas: new Map(), ideal: new Map() };
			const windowMs: Record<Contender, number> = { jas: 0, ideal: 0 };
			for (const run of runs.filter((r) => r.concurrency === concurrency)) await profilePair(n8n, run, totals, hot, windowMs);
			rows.push({ concurrency, usPerItem: { jas: perItem(totals.jas, ORDERS.length), ideal: perItem(totals.ideal, ORDERS.length) }, windowMs, byFunction: { jas: perItem(hot.jas, ORDERS.length, 25), ideal: perItem(hot.ideal, ORDERS.length, 10) } });
		}
	} finally {
		await n8n.close();
		for (const tarball of tarballs.slice(process.env.PROFILE_TARBALL ? 1 : 0)) await removePackedPackage(tarball);
		await sim.close();
	}
	const section = markdown(rows);
	const out = join(REPO_DIR, 'bench', 'results', 'profile.md');
	const previous = await readFile(out, 'utf8').catch(() => '# CPU profile of JAS Request inside n8n 2.41.1\n\nWritten by `npm run bench:profile` (bench/profile.ts).\n');
	const kept = previous.split(/\n(?=## )/).filter((part) => !part.startsWith(`## ${TAG}:`)).join('\n');
	await writeFile(out, `${kept.trimEnd()}\n\n${section}`);
	await writeFile(join(REPO_DIR, 'bench', 'results', `profile-${TAG}.json`), `${JSON.stringify({ items: ITEMS, rows }, null, 2)}\n`);
	process.stdout.write(section);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`Profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
