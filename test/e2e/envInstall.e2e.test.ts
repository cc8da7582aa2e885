/**
 * The README's environment-managed install block, fed to n8n 2.41.1's own code (tools/n8n/communityPackagesProbe.js,
 * in the cached n8n under its Node 24): its config, its environment loader's parsing, its checksum verification
 * against a registry on 127.0.0.1 serving this package's packed tarball, and its permission checks.
 * Not run here: the install itself. n8n installs from registry.npmjs.org only (another registry needs an enterprise
 * licence, asserted below), and this package is not published yet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { probeCommunityPackages, type ProbeResult } from '../../tools/n8n/communityPackages';
import { DEFAULT_N8N_VERSION, ensureN8n, packPackage, removePackedPackage } from '../../tools/n8n/install';
import { startNpmRegistry, type NpmRegistry } from '../../tools/n8n/npmRegistry';
import { run } from '../../tools/n8n/process';

jest.setTimeout(5 * 60_000);

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
/** The README stands this in for the checksum a release prints; the test puts the real one in its place. */
const README_CHECKSUM = /sha512-REPLACE[^"]*/;

/** `NAME=value` lines of the README's shell block that sets N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV. */
function readmeEnvBlock(): Record<string, string> {
	const block = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]).find((text) => text.includes('N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV='));
	if (!block) throw new Error('README has no ```sh block setting N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV');
	const pairs = [...block.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map(([, key, value]) => [key, value.replace(/^'(.*)'$/, '$1')]);
	return Object.fromEntries(pairs);
}

let registry: NpmRegistry;
let tarball: string;
let npmIntegrity: string;
let probe: ProbeResult;
const env = readmeEnvBlock();

beforeAll(async () => {
	const n8n = await ensureN8n(DEFAULT_N8N_VERSION);
	tarball = await packPackage();
	// What `npm run release` prints (test/integration/release.test.ts): npm pack's integrity of the tarball.
	const listed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
	npmIntegrity = (JSON.parse(listed.stdout) as Array<{ integrity: string }>)[0].integrity;
	registry = await startNpmRegistry(name, version, tarball);
	probe = await probeCommunityPackages(n8n, {
		env: { ...env, N8N_COMMUNITY_PACKAGES: env.N8N_COMMUNITY_PACKAGES.replace(README_CHECKSUM, npmIntegrity) },
		registry: registry.url,
		checksums: { released: npmIntegrity, readmePlaceholder: JSON.parse(env.N8N_COMMUNITY_PACKAGES)[0].checksum, otherTarball: `sha512-${Buffer.alloc(64).toString('base64')}` },
	});
});
afterAll(async () => {
	await registry?.close();
	if (tarball) await removePackedPackage(tarball);
});

it("the README's block is what n8n reads: managed by env, this package at package.json's version with a checksum, reinstall on", () => {
	expect(env.N8N_COMMUNITY_PACKAGES).toMatch(README_CHECKSUM);
	expect(probe.read).toMatchObject({ managedByEnv: true, reinstallMissing: true, registry: 'https://registry.npmjs.org' });
	expect(probe.toInstall).toEqual([{ name, version, checksum: npmIntegrity }]);
});

it('the checksum a release prints is the registry dist.integrity n8n compares: n8n accepts it', () => {
	expect(npmIntegrity).toBe(registry.integrity);
	expect(probe.verify.released).toBeNull();
});

it("a wrong checksum (the README's placeholder, another tarball's) is refused with n8n's message, after it asked the registry twice", () => {
	const refused = { type: 'UnexpectedError', message: 'Failed to verify package checksum. Try restarting n8n and attempting the installation again.' };
	expect(probe.verify.readmePlaceholder).toEqual(refused);
	expect(probe.verify.otherTarball).toEqual(refused);
	// n8n reads /<name>/<version> itself, then falls back to `npm view` (the packument) before giving up.
	expect(registry.requests.filter((path) => path === `/${name}/${version}`).length).toBe(3);
	expect(registry.requests).toContain(`/${name}`);
});

it('not runnable here: n8n installs only from registry.npmjs.org without an enterprise licence (custom registry refused)', () => {
	expect(probe.otherRegistry?.type).toBe('FeatureNotLicensedError');
	expect(probe.otherRegistry?.message).toContain('feat:communityNodes:customRegistry');
});

it('only `n8n start` reconciles N8N_COMMUNITY_PACKAGES; a worker reinstalls without a checksum, refused when unverified packages are off', () => {
	expect(probe.commands).toEqual({ startReconciles: true, workerReconciles: false });
	expect(probe.unverifiedDisabled.withChecksum).toBeNull();
	expect(probe.unverifiedDisabled.withoutChecksum?.message).toBe('Installation of unverified community packages is forbidden!');
});

it('the docker compose example uses the same package list as the shell block', () => {
	expect(README).toContain(`N8N_COMMUNITY_PACKAGES: '${env.N8N_COMMUNITY_PACKAGES}'`);
	expect(env.N8N_COMMUNITY_PACKAGES).toContain(`"version":"${version}"`);
});
