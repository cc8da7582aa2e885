/** Installing the packed package into an n8n user folder exactly as n8n's Community Nodes screen does. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { PackageJson } from './install';
import { failure, run } from './process';

/** n8n's default (N8N_COMMUNITY_PACKAGES_REGISTRY); the Community Nodes screen installs dependencies from it. */
const DEFAULT_REGISTRY = 'https://registry.npmjs.org';


/**
 * Mirrors CommunityPackagesService.downloadPackage of n8n 2.41.1 (dist/modules/community-packages/
 * community-packages.service.js), with the local tarball standing in for `name@version` on the registry:
 *  1. the ledger `<nodes>/package.json` ({"name":"installed-nodes","private":true,"dependencies":{}}) exists;
 *  2. `npm pack <spec> --quiet` in `<nodes>` (n8n: `npm pack name@version --quiet --registry=<registry>`);
 *  3. `tar -xzf <tarball> -C <nodes>/node_modules/<name> --strip-components=1`;
 *  4. devDependencies, peerDependencies and optionalDependencies are deleted from the package's package.json
 *     (so n8n-workflow, our peer, is NOT installed: the package resolves n8n's own copy via NODE_PATH);
 *  5. `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow --ignore-scripts=true
 *     --package-lock=false --registry=<registry>` in the package folder (installs `dependencies` only);
 *  6. the ledger gets `dependencies[name] = version`; the tarball is deleted.
 * Not mirrored: the installed_packages/installed_nodes database rows the screen also writes. n8n does not need
 * them to load the package: at startup it scans `<nodes>/node_modules/n8n-nodes-*` (community-packages.module.js).
 */
export async function installLikeCommunityNodes(tarball: string, nodesDir: string, env: NodeJS.ProcessEnv): Promise<void> {
	const registry = env.N8N_COMMUNITY_PACKAGES_REGISTRY || DEFAULT_REGISTRY;
	const ledgerPath = join(nodesDir, 'package.json');
	await mkdir(nodesDir, { recursive: true });
	// A second package installed into the same folder (the bench's ideal node) keeps the first one's entry.
	await writeFile(ledgerPath, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2), { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
		if (error.code !== 'EEXIST') throw error;
	});

	const packed = await run('npm', ['pack', resolve(tarball), '--quiet', `--registry=${registry}`], { cwd: nodesDir, env });
	if (packed.code !== 0) throw failure('npm pack (community install)', packed);
	const tarballName = packed.stdout.trim().split('\n').pop()!.trim();

	const manifest = await run('tar', ['-xzOf', join(nodesDir, tarballName), 'package/package.json']);
	if (manifest.code !== 0) throw failure('reading package.json from the tarball', manifest);
	const { name } = JSON.parse(manifest.stdout) as PackageJson;
	const packageDir = join(nodesDir, 'node_modules', name);
	await mkdir(packageDir, { recursive: true });
	try {
		const untar = await run('tar', ['-xzf', tarballName, '-C', packageDir, '--strip-components=1'], { cwd: nodesDir });
		if (untar.code !== 0) throw failure('tar -xzf (community install)', untar);

		const pkgPath = join(packageDir, 'package.json');
		const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as PackageJson;
		for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete pkg[key];
		await writeFile(pkgPath, JSON.stringify(pkg, null, 2), 'utf8');

		const install = await run(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				`--registry=${registry}`,
			],
			{ cwd: packageDir, env },
		);
		if (install.code !== 0) throw failure('npm install (community install)', install);

		const ledger = JSON.parse(await readFile(ledgerPath, 'utf8')) as { dependencies: Record<string, string> };
		ledger.dependencies[name] = pkg.version;
		await writeFile(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	} finally {
		await rm(join(nodesDir, tarballName), { force: true });
	}
}
