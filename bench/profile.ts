/**
 * `npm run bench:profile`: CPU-profiles JAS Request inside a real n8n (`node --cpu-prof`, 100 µs sampling) at
 * concurrency 1, 10 and 20, and attributes the CPU time per item to its owner: this package (by module), undici,
 * n8n, Node itself, GC. Frames without a file (builtins such as JSON.parse or RegExp) count for the nearest caller
 * that has one. Only the node's execution is counted: from the first to the last sample with a frame of this package.
 * Writes bench/results/profile.md and profile.json. Env: PROFILE_ITEMS (default 5000), PROFILE_KEEP=1 (keep the .cpuprofile files), PROFILE_TAG (a label for the
 * table, e.g. "before"), PROFILE_TARBALL (profile another build's packed tarball instead of this checkout's).
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { echoLoadWorkflow } from '../tools/demo/workflow';
import { packPackage, REPO_DIR, removePackedPackage } from '../tools/n8n/install';
import { createN8nInstance } from '../tools/n8n/instance';
import { DEMO_CLIENTS, startJasSimulator } from '../tools/simulators';
import { round } from './stats';

const ITEMS = Number(process.env.PROFILE_ITEMS ?? 5000);
const CONCURRENCIES = [1, 10, 20];
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

/** Who a frame belongs to, or undefined for frames without a file (attributed to their caller). */
function ownerOf(frame: ProfileNode['callFrame']): string | undefined {
	const { url, functionName } = frame;
	if (functionName === '(garbage collector)') return 'GC';
	if (functionName === '(idle)') return 'idle';
	if (functionName === '(program)') return 'program (native, unattributed)';
	if (!url) return undefined;
	const ours = url.indexOf(PACKAGE_MARK);
	if (ours >= 0) return `package: ${url.slice(ours + PACKAGE_MARK.length).replace(/\.js$/, '')}`;
	if (url.includes('/undici/')) return 'undici';
	if (/node_modules\/(n8n|@n8n|n8n-core|n8n-workflow|n8n-nodes-base)\b/.test(url)) return 'n8n';
	if (url.startsWith('node:')) return 'Node.js';
	return 'other dependencies';
}

/** CPU µs per owner within the window of this package's activity. */
function attribute(profile: CpuProfile): { byOwner: Map<string, number>; byFunction: Map<string, number>; windowUs: number } {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
	const owner = new Map<number, string>();
	// The nearest function of this package on the stack (for the hot-spot list).
	const ourFunction = (id: number | undefined): string | undefined => {
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const frame = byId.get(at)!.callFrame;
			if (frame.url.includes(PACKAGE_MARK)) return `${frame.url.slice(frame.url.indexOf(PACKAGE_MARK) + PACKAGE_MARK.length)} ${frame.functionName || '(anonymous)'}`;
			if (frame.url) return undefined;
		}
		return undefined;
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
	// Timestamps of samples that have a frame of this package anywhere on their stack.
	const onStack = new Map<number, boolean>();
	const hasPackage = (id: number): boolean => {
		const known = onStack.get(id);
		if (known !== undefined) return known;
		const url = byId.get(id)!.callFrame.url;
		const parentId = parent.get(id);
		const result = url.includes(PACKAGE_MARK) || (parentId !== undefined && hasPackage(parentId));
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
		const fn = who.startsWith('package:') ? ourFunction(profile.samples[i]) : undefined;
		if (fn) byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
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

async function main(): Promise<void> {
	const sim = await startJasSimulator({ latencyMs: 5, tokenLifetimeSec: 600 });
	const tarball = process.env.PROFILE_TARBALL ?? (await packPackage());
	const n8n = await createN8nInstance({ tarball, logLevel: 'info' });
	const rows: Array<{ concurrency: number; windowMs: number; usPerItem: Record<string, number>; hotFunctions: Record<string, number> }> = [];
	try {
		await n8n.importCredentials([
			{ id: 'profileCred1', name: 'JAS profile', type: 'jasOAuth2Api', data: { baseUrl: sim.url, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 } },
		]);
		for (const concurrency of CONCURRENCIES) {
			const id = `profileC${concurrency}`;
			await n8n.importWorkflow(echoLoadWorkflow(id, `profile c${concurrency}`, ITEMS, 'Request', { id: 'profileCred1', name: 'JAS profile' }, { concurrency }));
			const dir = await mkdtemp(join(tmpdir(), 'jas-profile-'));
			try {
				n8n.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=100`;
				const execution = await n8n.execute(id);
				delete n8n.env.NODE_OPTIONS;
				const ok = (execution.runData.Request?.[0]?.data?.main?.[0] ?? []).length;
				if (ok !== ITEMS) throw new Error(`concurrency ${concurrency}: ${ok} of ${ITEMS} items succeeded`);
				const { byOwner, byFunction, windowUs } = attribute(await newestProfile(dir));
				const perItem = (map: Map<string, number>, top = Infinity) =>
					Object.fromEntries([...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, round(v / ITEMS, 1)]));
				rows.push({ concurrency, windowMs: round(windowUs / 1000, 0), usPerItem: perItem(byOwner), hotFunctions: perItem(byFunction, 15) });
				process.stderr.write(`[profile] concurrency ${concurrency}: ${JSON.stringify(rows[rows.length - 1].usPerItem)}\n`);
			} finally {
				delete n8n.env.NODE_OPTIONS;
				// PROFILE_KEEP=1 keeps the raw .cpuprofile files (open them in Chrome DevTools) and says where.
				if (process.env.PROFILE_KEEP) process.stderr.write(`[profile] concurrency ${concurrency}: profiles kept in ${dir}\n`);
				else await rm(dir, { recursive: true, force: true });
			}
		}
	} finally {
		await n8n.close();
		if (!process.env.PROFILE_TARBALL) await removePackedPackage(tarball);
		await sim.close();
	}
	const sum = (row: (typeof rows)[number], pick: (owner: string) => boolean) =>
		round(Object.entries(row.usPerItem).filter(([k]) => pick(k)).reduce((a, [, v]) => a + v, 0), 1);
	const lines = [
		`## ${TAG}: CPU µs per item, by owner (${ITEMS} items, 5 ms API, 100 µs sampling)`,
		'',
		`| owner | ${rows.map((r) => `concurrency ${r.concurrency}`).join(' | ')} |`,
		`| --- | ${rows.map(() => '---:').join(' | ')} |`,
	];
	const owners = [...new Set(rows.flatMap((r) => Object.keys(r.usPerItem)))].filter((o) => o !== 'idle').sort();
	for (const owner of owners) lines.push(`| ${owner} | ${rows.map((r) => r.usPerItem[owner] ?? 0).join(' | ')} |`);
	lines.push(`| **this package, all modules** | ${rows.map((r) => `**${sum(r, (k) => k.startsWith('package:'))}**`).join(' | ')} |`);
	lines.push(`| **all CPU (not idle)** | ${rows.map((r) => `**${sum(r, (k) => k !== 'idle')}**`).join(' | ')} |`);
	lines.push(`| package share of CPU | ${rows.map((r) => `${round((100 * sum(r, (k) => k.startsWith('package:'))) / Math.max(0.1, sum(r, (k) => k !== 'idle')), 1)}%`).join(' | ')} |`);
	lines.push(`| window of the node's run, ms | ${rows.map((r) => r.windowMs).join(' | ')} |`);
	const out = join(REPO_DIR, 'bench', 'results', 'profile.md');
	const previous = await readFile(out, 'utf8').catch(() => '# CPU profile of JAS Request inside n8n 2.41.1\n\nWritten by `npm run bench:profile` (bench/profile.ts).\n');
	const kept = previous.split(/\n(?=## )/).filter((section) => !section.startsWith(`## ${TAG}:`)).join('\n');
	await writeFile(out, `${kept.trimEnd()}\n\n${lines.join('\n')}\n`);
	await writeFile(join(REPO_DIR, 'bench', 'results', `profile-${TAG}.json`), `${JSON.stringify({ items: ITEMS, rows }, null, 2)}\n`);
	process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`Profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
