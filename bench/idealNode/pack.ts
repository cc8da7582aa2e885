/**
 * Builds the ideal node (IdealRequest.node.ts) into a community node package of its own, `n8n-nodes-bench-ideal`,
 * in a temp folder, and packs it, so the bench installs it beside the packed n8n-nodes-jas the way the Community
 * Nodes screen does. Its one dependency is the undici version the package pins; undiciVersionsOf() then reads which
 * undici each installed package really resolves, and the bench fails when they differ.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ts from 'typescript';

import { packPackage, PACKAGE_NAME, REPO_DIR } from '../../tools/n8n/install';

export const IDEAL_PACKAGE_NAME = 'n8n-nodes-bench-ideal';
/** n8n's node type of the ideal node (package name + node name). */
export const IDEAL_NODE_TYPE = `${IDEAL_PACKAGE_NAME}.idealRequest`;

const SOURCES = ['IdealRequest.node', 'IdealBenchApi.credentials', 'bearerClient'];

/** Packs the ideal node; returns the tarball (removePackedPackage(tarball) deletes it). */
export async function packIdealNode(): Promise<string> {
	const repoPkg = JSON.parse(await readFile(join(REPO_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
	const dir = await mkdtemp(join(tmpdir(), 'n8n-nodes-bench-ideal-'));
	try {
		await mkdir(join(dir, 'dist'));
		for (const name of SOURCES) {
			const source = await readFile(join(__dirname, `${name}.ts`), 'utf8');
			const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
			await writeFile(join(dir, 'dist', `${name}.js`), outputText);
		}
		const pkg = {
			name: IDEAL_PACKAGE_NAME,
			version: '0.0.0',
			private: true,
			description: 'Benchmark reference node for n8n-nodes-jas (bench/idealNode); never published',
			keywords: ['n8n-community-node-package'],
			license: 'MIT',
			files: ['dist'],
			n8n: { n8nNodesApiVersion: 1, nodes: ['dist/IdealRequest.node.js'], credentials: ['dist/IdealBenchApi.credentials.js'] },
			dependencies: { undici: repoPkg.dependencies.undici },
		};
		await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
		return await packPackage(dir);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/** The undici version a package installed in an n8n user folder resolves (as its own `require('undici')` would). */
export function resolvedUndiciVersion(userFolder: string, packageName: string): string {
	const packageJson = join(userFolder, '.n8n', 'nodes', 'node_modules', packageName, 'package.json');
	const undiciJson = createRequire(packageJson).resolve('undici/package.json');
	return (JSON.parse(readFileSync(undiciJson, 'utf8')) as { version: string }).version;
}

/** Why the two undici versions make the comparison unfair, or undefined when they are the same. */
export function undiciMismatch(ours: string, ideal: string): string | undefined {
	return ours === ideal ? undefined : `undici differs: ${PACKAGE_NAME} resolves ${ours}, the ideal node ${ideal}; the comparison would not be fair`;
}

/** Throws unless n8n-nodes-jas and the ideal node resolve the same undici; returns that version. */
export function assertSameUndici(userFolder: string): string {
	const ours = resolvedUndiciVersion(userFolder, PACKAGE_NAME);
	const mismatch = undiciMismatch(ours, resolvedUndiciVersion(userFolder, IDEAL_PACKAGE_NAME));
	if (mismatch) throw new Error(mismatch);
	return ours;
}
