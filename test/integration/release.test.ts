/**
 * `npm run release` (scripts/release.js) as a real process, on throwaway package folders: what it refuses before a
 * tag, and the checksum it prints for n8n's N8N_COMMUNITY_PACKAGES.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'release.js');
const REPO_PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
// git needs an identity to commit and tag; a CI container has none.
const GIT_ENV = { GIT_AUTHOR_NAME: 'release test', GIT_AUTHOR_EMAIL: 'release@test.invalid', GIT_COMMITTER_NAME: 'release test', GIT_COMMITTER_EMAIL: 'release@test.invalid' };
const FILLED_IN = {
	homepage: 'https://github.com/acme/n8n-nodes-jas#readme',
	repository: { type: 'git', url: 'git+https://github.com/acme/n8n-nodes-jas.git' },
	bugs: { url: 'https://github.com/acme/n8n-nodes-jas/issues' },
};
const DATED_CHANGELOG = `# Changelog\n\n## [${REPO_PACKAGE.version}] - 2026-12-01\n\n- first release\n`;

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

interface Fixture {
	pkg?: Record<string, unknown>;
	changelog?: string;
	/** extra files under dist/ besides the node the package declares */
	distFiles?: string[];
}

/** A package folder shaped like this one (the repo's package.json, one built node), committed to a fresh git repo. */
function fixture({ pkg = { ...REPO_PACKAGE, ...FILLED_IN }, changelog = DATED_CHANGELOG, distFiles = [] }: Fixture = {}): string {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-nodes-jas-release-'));
	folders.push(dir);
	const declared = { nodes: ['dist/nodes/X.node.js'], credentials: [] };
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, n8n: { ...(pkg.n8n as object), ...declared } }, null, 2));
	for (const file of ['dist/nodes/X.node.js', ...distFiles]) {
		mkdirSync(join(dir, file, '..'), { recursive: true });
		writeFileSync(join(dir, file), 'module.exports = {};\n');
	}
	writeFileSync(join(dir, 'README.md'), '# readme\n');
	writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
	writeFileSync(join(dir, '.gitignore'), '.tmp/\n');
	if (changelog) writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
	execFileSync('git', ['init', '-q'], { cwd: dir });
	execFileSync('git', ['add', '-A'], { cwd: dir });
	execFileSync('git', ['commit', '-qm', 'fixture'], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
	return dir;
}

function release(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
	const run = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, ...env }, timeout: 60_000 });
	return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('refuses to release while package.json does not name the repository', () => {
	it('refuses the placeholders package.json ships with, naming all three fields', () => {
		const run = release(fixture({ pkg: REPO_PACKAGE }), ['--dry-run']);
		expect(run.status).toBe(1);
		for (const field of ['repository', 'bugs', 'homepage']) expect(run.stderr).toContain(`package.json "${field}" is still a placeholder`);
	});

	it('refuses an unset repository', () => {
		const { repository: _unset, ...pkg } = { ...REPO_PACKAGE, ...FILLED_IN };
		const run = release(fixture({ pkg }), ['--dry-run']);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('package.json "repository" is not set');
		expect(run.stdout).not.toContain('N8N_COMMUNITY_PACKAGES');
	});

	it('refuses bugs or homepage pointing at another repository', () => {
		const run = release(fixture({ pkg: { ...REPO_PACKAGE, ...FILLED_IN, bugs: { url: 'https://github.com/other/thing/issues' } } }), ['--dry-run']);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('must point at the repository acme/n8n-nodes-jas');
	});
});

describe('refuses to tag before the version is ready', () => {
	it('refuses a version whose CHANGELOG entry has no release date', () => {
		const run = release(fixture({ changelog: `## [${REPO_PACKAGE.version}] - Unreleased\n\n- work\n` }), ['--dry-run']);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('needs the release date');
	});

	it('refuses a version without a CHANGELOG entry', () => {
		const run = release(fixture({ changelog: '## [0.0.1] - 2026-01-01\n\n- old\n' }), ['--dry-run']);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(`CHANGELOG.md has no entry "## [${REPO_PACKAGE.version}]`);
	});

	it('refuses a tree with uncommitted changes', () => {
		const dir = fixture();
		writeFileSync(join(dir, 'README.md'), '# changed\n');
		const run = release(dir, ['--dry-run']);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('the git tree is not clean');
	});

	it('refuses a tarball holding tests, source maps or env files', () => {
		const run = release(fixture({ distFiles: ['dist/nodes/X.test.js', 'dist/nodes/X.node.js.map', 'dist/.env'] }), ['--dry-run']);
		expect(run.status).toBe(1);
		for (const file of ['dist/nodes/X.test.js', 'dist/nodes/X.node.js.map', 'dist/.env']) expect(run.stderr).toContain(`the tarball would hold ${file}`);
	});

	it('refuses a tarball without a file package.json declares to n8n', () => {
		const dir = fixture();
		rmSync(join(dir, 'dist', 'nodes', 'X.node.js'));
		execFileSync('git', ['commit', '-qam', 'drop the node'], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
		const run = release(dir, ['--dry-run']);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('the tarball lacks dist/nodes/X.node.js');
	});

	it('in the publish workflow, refuses a release tag other than v<version> and another repository', () => {
		const run = release(fixture(), ['--ci'], { GITHUB_REF_NAME: 'v9.9.9', GITHUB_REPOSITORY: 'someone/else' });
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(`tag v${REPO_PACKAGE.version}`);
		expect(run.stderr).toContain('names acme/n8n-nodes-jas, but this workflow runs in someone/else');
	});
});

describe('a release that passes', () => {
	it('prints the tarball checksum as N8N_COMMUNITY_PACKAGES takes it: npm dist.integrity, sha512 of the tarball in base64', () => {
		const dir = fixture();
		const run = release(dir, ['--dry-run']);
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		const line = run.stdout.split('\n').find((text) => text.startsWith('N8N_COMMUNITY_PACKAGES='));
		const value = JSON.parse(line!.replace(/^N8N_COMMUNITY_PACKAGES='(.*)'$/, '$1')) as Array<{ name: string; version: string; checksum: string }>;
		const tarball = join(dir, '.tmp', 'release', `n8n-nodes-jas-${REPO_PACKAGE.version}.tgz`);
		const sha512 = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
		expect(value).toEqual([{ name: 'n8n-nodes-jas', version: REPO_PACKAGE.version, checksum: sha512 }]);
		expect(execFileSync('git', ['tag', '--list'], { cwd: dir, encoding: 'utf8' })).toBe('');
	});

	it('tags v<version> without --dry-run, and refuses the same version again', () => {
		const dir = fixture();
		expect(release(dir, []).status).toBe(0);
		expect(execFileSync('git', ['tag', '--list'], { cwd: dir, encoding: 'utf8' }).trim()).toBe(`v${REPO_PACKAGE.version}`);
		const again = release(dir, []);
		expect(again.status).toBe(1);
		expect(again.stderr).toContain(`the tag v${REPO_PACKAGE.version} exists already`);
	});

	it('passes in the publish workflow for the tag v<version> of the repository package.json names', () => {
		const run = release(fixture(), ['--ci'], { GITHUB_REF_NAME: `v${REPO_PACKAGE.version}`, GITHUB_REPOSITORY: 'Acme/n8n-nodes-jas' });
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
	});
});

it('this repository has a CHANGELOG entry for the version in package.json', () => {
	expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`\n## [${REPO_PACKAGE.version}]`);
});
