#!/usr/bin/env node
// `npm run release`: the checks a version must pass before it is tagged, then the tag. Publishing itself happens in
// GitHub Actions (.github/workflows/publish.yml, on a GitHub release), because n8n requires community packages to be
// published from a GitHub Action with an npm provenance statement. Plain Node, no dependencies.
//
//   node scripts/release.js            check, print the N8N_COMMUNITY_PACKAGES checksum, create the tag v<version>
//   node scripts/release.js --dry-run  the same checks and checksum, no tag
//   node scripts/release.js --ci       in publish.yml: the same checks, and the release's tag and repository must be
//                                      this version and this repository; leaves the checked tarball for npm publish
// Works in the current folder (npm runs scripts in the package root), so a test can run it on a copy.
'use strict';
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** package.json ships these placeholders (README, "Publishing a release"): a release refuses them. */
const PLACEHOLDER = /REPLACE-WITH|<|>|example\.(com|org|net)\b/i;
const GITHUB_URL = /^(?:git\+)?https:\/\/github\.com\/([^/\s]+)\/([^/\s#?]+?)(?:\.git)?(?:[/#?].*)?$/;
/** What the tarball may hold besides dist/ (n8n loads only dist/; npm always adds these). */
const TOP_LEVEL_FILES = ['package.json', 'README.md', 'LICENSE'];
/** Inside dist/: never tests, source maps (they point at or embed the TypeScript sources), build info, env files. */
const FORBIDDEN_IN_DIST = [/\.test\.[cm]?js$/, /(^|\/)__tests__\//, /\.map$/, /\.tsbuildinfo$/, /(^|\/)\.env/];

const urlOf = (field) => (typeof field === 'string' ? field : field && typeof field.url === 'string' ? field.url : '');

/** The repository, bugs and homepage fields: each must name the package's real public GitHub repository. */
function metadataProblems(pkg) {
	const problems = [];
	const fields = { repository: urlOf(pkg.repository), bugs: urlOf(pkg.bugs), homepage: urlOf(pkg.homepage) };
	for (const [name, url] of Object.entries(fields)) {
		if (!url) problems.push(`package.json "${name}" is not set: fill in the package's public GitHub repository`);
		else if (PLACEHOLDER.test(url)) problems.push(`package.json "${name}" is still a placeholder (${url}): fill in the package's public GitHub repository`);
		else if (!GITHUB_URL.test(url)) problems.push(`package.json "${name}" (${url}) is not a https://github.com/<owner>/<repository> URL`);
	}
	if (problems.length > 0) return problems;
	const [repo, bugs, home] = Object.values(fields).map((url) => GITHUB_URL.exec(url).slice(1, 3).join('/').toLowerCase());
	if (bugs !== repo || home !== repo) problems.push(`package.json "bugs" and "homepage" must point at the repository ${repo}`);
	return problems;
}

/** The CHANGELOG.md entry `## [<version>] - YYYY-MM-DD` with at least one line under it. */
function changelogProblem(text, version) {
	if (text === undefined) return 'CHANGELOG.md is missing';
	const lines = text.split('\n');
	const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
	if (start < 0) return `CHANGELOG.md has no entry "## [${version}] - YYYY-MM-DD"`;
	if (!/^## \[[^\]]+\] - \d{4}-\d{2}-\d{2}\s*$/.test(lines[start])) {
		return `CHANGELOG.md: "${lines[start].trim()}" needs the release date, as "## [${version}] - YYYY-MM-DD" (then commit)`;
	}
	const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
	const body = lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line.trim());
	return body.length === 0 ? `CHANGELOG.md: the entry for ${version} says nothing` : undefined;
}

/** Files in the tarball that users must not get, and n8n files package.json names but the tarball lacks. */
function packProblems(files, pkg) {
	const problems = [];
	for (const file of files) {
		const inDist = file.startsWith('dist/');
		if (!inDist && !TOP_LEVEL_FILES.includes(file)) problems.push(`the tarball would hold ${file} (only dist/, ${TOP_LEVEL_FILES.join(', ')})`);
		if (inDist && FORBIDDEN_IN_DIST.some((pattern) => pattern.test(file))) problems.push(`the tarball would hold ${file} (no tests, source maps or env files)`);
	}
	const n8nFiles = [...((pkg.n8n && pkg.n8n.nodes) || []), ...((pkg.n8n && pkg.n8n.credentials) || [])];
	for (const file of n8nFiles) {
		if (!files.includes(file.replace(/^\.\//, ''))) problems.push(`the tarball lacks ${file}, which package.json's "n8n" section names (run npm run build)`);
	}
	for (const file of TOP_LEVEL_FILES) if (!files.includes(file)) problems.push(`the tarball lacks ${file}`);
	return problems;
}

/** The release's tag and repository in GitHub Actions must be this version and the repository package.json names. */
function ciProblems(pkg, env) {
	const problems = [];
	if (env.GITHUB_REF_NAME !== `v${pkg.version}`) problems.push(`the release's tag is ${env.GITHUB_REF_NAME || '(none)'}, but package.json says version ${pkg.version}: tag v${pkg.version}`);
	const match = GITHUB_URL.exec(urlOf(pkg.repository));
	const named = match ? `${match[1]}/${match[2]}`.toLowerCase() : '';
	// npm refuses a provenance statement whose repository differs from package.json's "repository".
	if (named !== String(env.GITHUB_REPOSITORY || '').toLowerCase()) problems.push(`package.json "repository" names ${named || '(none)'}, but this workflow runs in ${env.GITHUB_REPOSITORY || '(none)'}`);
	return problems;
}

/** The value n8n's environment-managed install reads (N8N_COMMUNITY_PACKAGES), with npm's `dist.integrity`. */
function communityPackagesValue(name, version, integrity) {
	return JSON.stringify([{ name, version, checksum: integrity }]);
}

function git(args) {
	return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function gitProblems(version, ci) {
	let status;
	try {
		status = git(['status', '--porcelain']);
	} catch {
		return ['this folder is not a git repository (a release is tagged in git)'];
	}
	const problems = status ? [`the git tree is not clean (commit or stash first):\n${status}`] : [];
	if (!ci && git(['tag', '--list', `v${version}`])) problems.push(`the tag v${version} exists already: raise the version in package.json and CHANGELOG.md`);
	return problems;
}

/** `npm pack --json` into .tmp/release/: the file list to check and the integrity of the very tarball publish.yml publishes. */
function pack() {
	const destination = join('.tmp', 'release');
	mkdirSync(destination, { recursive: true });
	const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [info] = JSON.parse(output);
	const tarball = join(destination, info.filename);
	// npm's dist.integrity is sha512 over the tarball's bytes, base64; computed here too, so the printed value is the file's.
	const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
	if (integrity !== info.integrity) throw new Error(`npm pack reported ${info.integrity}, the tarball hashes to ${integrity}`);
	return { tarball, integrity, files: info.files.map((file) => file.path) };
}

function refuse(problems) {
	console.error(`Release refused (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
	for (const problem of problems) console.error(`  - ${problem}`);
	process.exit(1);
}

function main(argv, env) {
	const ci = argv.includes('--ci');
	const dryRun = argv.includes('--dry-run');
	const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
	const changelog = existsSync('CHANGELOG.md') ? readFileSync('CHANGELOG.md', 'utf8') : undefined;
	const before = [...metadataProblems(pkg), changelogProblem(changelog, pkg.version), ...(ci ? ciProblems(pkg, env) : [])].filter(Boolean);
	if (before.length > 0) refuse(before);
	const treeProblems = gitProblems(pkg.version, ci);
	if (treeProblems.length > 0) refuse(treeProblems);
	const packed = pack();
	const tarballProblems = packProblems(packed.files, pkg);
	if (tarballProblems.length > 0) refuse(tarballProblems);

	console.log(`${pkg.name} ${pkg.version}: ${packed.files.length} files, ${packed.tarball}`);
	console.log(`integrity ${packed.integrity}`);
	console.log(`N8N_COMMUNITY_PACKAGES='${communityPackagesValue(pkg.name, pkg.version, packed.integrity)}'`);
	if (ci || dryRun) return;
	git(['tag', '-a', `v${pkg.version}`, '-m', `${pkg.name} ${pkg.version}`]);
	console.log(`Tagged v${pkg.version}. Next: git push origin v${pkg.version}, then create a GitHub release from that tag;`);
	console.log('its publish workflow publishes to npm with provenance. The checksum to use is the registry\'s afterwards:');
	console.log(`  npm view ${pkg.name}@${pkg.version} dist.integrity`);
}

if (require.main === module) main(process.argv.slice(2), process.env);
