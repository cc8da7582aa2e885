/** The real n8n this repository tests against (installed once by scripts/install-n8n.sh), and this package packed as npm would. */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

import { failure, run } from './process';

export const REPO_DIR = resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-jas';
/** The n8n versions tested (scripts/n8n-versions): the first is the default, the others the supported-versions test. */
export const N8N_VERSIONS: string[] = readFileSync(join(REPO_DIR, 'scripts', 'n8n-versions'), 'utf8')
	.split('\n')
	.map((line) => line.trim())
	.filter((line) => line && !line.startsWith('#'));
export const DEFAULT_N8N_VERSION = N8N_VERSIONS[0];

export interface N8nInstall {
	/** folder holding Node 24's `node`; put first on PATH for everything n8n runs (n8n 2.x needs Node >= 24) */
	nodeBinDir: string;
	n8nBin: string;
}

const installed = new Map<string, Promise<N8nInstall>>();

/** Installs (first time, about 5 minutes) or finds (later, instant) a cached n8n via scripts/install-n8n.sh. */
export async function ensureN8n(version = DEFAULT_N8N_VERSION, repoDir = REPO_DIR): Promise<N8nInstall> {
	if (!installed.has(version)) {
		installed.set(version, install(version, repoDir));
	}
	try {
		return await installed.get(version)!;
	} catch (error) {
		installed.delete(version); // let a later call retry
		throw error;
	}
}

async function install(version: string, repoDir: string): Promise<N8nInstall> {
	const result = await run('bash', [join(repoDir, 'scripts', 'install-n8n.sh')], {
		env: { ...process.env, INSTALL_N8N_QUIET: '1', N8N_VERSION: version },
		streamStderr: true,
		timeoutMs: 30 * 60_000,
	});
	const value = (key: string): string | undefined =>
		result.stdout.match(new RegExp(`^${key}=(.+)$`, 'm'))?.[1]?.trim();
	const nodeBinDir = value('NODE_BIN_DIR');
	const n8nBin = value('N8N_BIN');
	if (result.code !== 0 || !nodeBinDir || !n8nBin) throw failure('scripts/install-n8n.sh', result);
	return { nodeBinDir, n8nBin };
}

export interface PackageJson {
	name: string;
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

/** Files that package.json's `n8n.nodes` / `n8n.credentials` name but the tarball lacks (n8n then loads nothing). */
export async function missingN8nFiles(tarball: string): Promise<string[]> {
	const listing = await run('tar', ['-tzf', tarball]);
	if (listing.code !== 0) throw failure(`tar -tzf ${tarball}`, listing);
	const files = new Set(listing.stdout.split('\n').map((line) => line.replace(/^package\//, '')));
	const extracted = await run('tar', ['-xzOf', tarball, 'package/package.json']);
	if (extracted.code !== 0) throw failure('reading package.json from the tarball', extracted);
	const pkg = JSON.parse(extracted.stdout) as PackageJson;
	const declared = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	return declared.filter((file) => !files.has(file.replace(/^\.\//, '')));
}

export interface PackOptions {
	/**
	 * Stopgap while a declared node is still being written: repack with the missing `n8n` entries removed from
	 * package.json (a copy; the repo is untouched), so the rest of the package can be tested. Warns on stderr.
	 */
	dropMissingN8nFiles?: boolean;
}

/**
 * `npm pack` of the built package (run `npm run build` first) into a fresh temp dir; returns the tarball path.
 * Call removePackedPackage(tarball) when done.
 */
export async function packPackage(repoDir = REPO_DIR, options: PackOptions = {}): Promise<string> {
	const outDir = await mkdtemp(join(tmpdir(), 'n8n-nodes-jas-pack-'));
	const tarball = await npmPack(repoDir, outDir);
	if (!options.dropMissingN8nFiles) return tarball;
	const missing = await missingN8nFiles(tarball);
	if (missing.length === 0) return tarball;

	process.stderr.write(`[n8nHarness] WARNING: testing a patched package.json without missing files: ${missing.join(', ')}\n`);
	const unpacked = join(outDir, 'unpacked');
	await mkdir(unpacked);
	const untar = await run('tar', ['-xzf', tarball, '-C', unpacked]);
	if (untar.code !== 0) throw failure('tar -xzf', untar);
	const pkgPath = join(unpacked, 'package', 'package.json');
	const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as PackageJson;
	const keep = (list?: string[]): string[] => (list ?? []).filter((file) => !missing.includes(file));
	pkg.n8n = { ...pkg.n8n, nodes: keep(pkg.n8n?.nodes), credentials: keep(pkg.n8n?.credentials) };
	await writeFile(pkgPath, JSON.stringify(pkg, null, 2));
	await rm(tarball);
	return await npmPack(join(unpacked, 'package'), outDir);
}

/** Deletes the temp dir packPackage created for this tarball. */
export async function removePackedPackage(tarball: string): Promise<void> {
	const dir = dirname(tarball);
	if (basename(dir).startsWith('n8n-nodes-jas-pack-')) await rm(dir, { recursive: true, force: true });
}

async function npmPack(dir: string, outDir: string): Promise<string> {
	const result = await run('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: dir });
	if (result.code !== 0) throw failure(`npm pack in ${dir}`, result);
	const [info] = JSON.parse(result.stdout) as Array<{ filename: string }>;
	return join(outDir, info.filename);
}
