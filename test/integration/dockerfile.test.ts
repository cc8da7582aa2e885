/**
 * The README's Dockerfile without Docker (no engine on this machine): its `npm install` line, run against the packed
 * tarball in place of the registry's `n8n-nodes-jas@<version>`, must leave what n8n's community loader scans
 * (`~/.n8n/nodes/node_modules/n8n-nodes-*`) with undici beside it and no second n8n-workflow. `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

const dockerfile = /```dockerfile\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
const work = mkdtempSync(join(tmpdir(), 'n8n-nodes-jas-dockerfile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('the Dockerfile builds on the official image at the tested n8n version and installs this version', () => {
	expect(dockerfile).toMatch(/^FROM docker\.n8n\.io\/n8nio\/n8n:2\.41\.1$/m);
	expect(dockerfile).toContain(`n8n-nodes-jas@${version}`);
});

it("its npm install leaves the package where n8n's community loader looks, with undici and without its own n8n-workflow", () => {
	const install = /(npm install [^\n]*) n8n-nodes-jas@\S+/.exec(dockerfile)?.[1];
	expect(install).toBeDefined();
	const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as Array<{ filename: string }>;
	const nodes = join(work, 'home', 'node', '.n8n', 'nodes');
	mkdirSync(nodes, { recursive: true });
	const args = install!.split(/\s+/).slice(2);
	execFileSync('npm', ['install', ...args, join(work, info.filename)], { cwd: nodes, encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
	const modules = join(nodes, 'node_modules');
	expect(existsSync(join(modules, 'n8n-nodes-jas', 'package.json'))).toBe(true);
	expect(existsSync(join(modules, 'undici', 'package.json'))).toBe(true);
	// n8n provides n8n-workflow (its node loader puts its own modules on NODE_PATH); a second copy would shadow it.
	expect(existsSync(join(modules, 'n8n-workflow'))).toBe(false);
	expect(require.resolve('undici', { paths: [join(modules, 'n8n-nodes-jas', 'dist', 'nodes')] })).toBe(join(modules, 'undici', 'index.js'));
}, 150_000);
