/** The npm tarball users install: only what they need, and everything n8n loads from it. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const repo = resolve(__dirname, '..', '..');

interface PackResult {
	files: Array<{ path: string }>;
}

const pkg = require(resolve(repo, 'package.json')) as {
	n8n: { nodes: string[]; credentials: string[] };
	dependencies: Record<string, string>;
	peerDependencies: Record<string, string>;
};
// `npm test` builds first, so dist/ is current.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as PackResult[];
const files = packed.files.map((file) => file.path);

it('holds only dist, README, LICENSE and package.json', () => {
	const outside = files.filter((file) => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(file));
	expect(outside).toEqual([]);
	expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
	expect(files.filter((file) => /test|simulator|\.ts$|\.map$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
});

it('contains every node and credential file package.json declares, with icons and the codex', () => {
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(file);
	expect(files).toEqual(
		expect.arrayContaining([
			'dist/nodes/JasRequest/JasRequest.node.json',
			'dist/nodes/JasRequest/jasRequest.svg',
			'dist/nodes/JasRequest/jasRequest.dark.svg',
			'dist/nodes/JasTrigger/JasTrigger.node.json',
			'dist/nodes/JasTrigger/jasTrigger.svg',
			'dist/nodes/JasTrigger/jasTrigger.dark.svg',
			'dist/credentials/icons/jas.svg',
			'dist/credentials/icons/partner.svg',
			'dist/credentials/icons/jtl.svg',
		]),
	);
});

it('has one pinned runtime dependency and n8n-workflow only as a peer', () => {
	expect(pkg.dependencies).toEqual({ undici: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
	expect(Object.keys(pkg.peerDependencies)).toEqual(['n8n-workflow']);
});
