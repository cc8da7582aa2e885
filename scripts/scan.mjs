#!/usr/bin/env node
// Runs n8n's official scanner (@n8n/scan-community-package, `analyzePackage`) on both legs it checks: the source
// (package.json, nodes/**, credentials/**) and the packed tarball (compiled JS + package.json), exactly as the
// scanner's CLI does after download. Prints every finding; exits 1 if any finding is not one of the accepted
// exceptions (the undici runtime dependency and its import, and `process` in the proxy-variable reader proxyEnv:
// README, "n8n Cloud"). Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const accepted = (rule, message, file) =>
	rule === '@n8n/community-nodes/no-runtime-dependencies' ||
	(rule === '@n8n/community-nodes/no-restricted-imports' && /'undici'/.test(message)) ||
	(rule === '@n8n/community-nodes/no-restricted-globals' && /'process'/.test(message) && /[\\/]nodes[\\/]shared[\\/]http[\\/]proxyEnv\.(ts|js)$/.test(file));

/** Findings from ESLint's stylish text (the only form analyzePackage returns). */
function findings(details = '') {
	const out = [];
	let file = '';
	for (const line of details.split('\n')) {
		if (/^\S/.test(line) && !/problems?/.test(line)) file = line.trim();
		const match = /^\s+(\d+:\d+)\s+(error|warning)\s+(.*?)\s{2,}(\S+)\s*$/.exec(line);
		if (match) out.push({ file, at: match[1], severity: match[2], message: match[3], rule: match[4] });
	}
	return out;
}

async function leg(name, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	if (!result.passed && !result.details) throw new Error(`${name}: ${result.message}`);
	return findings(result.details).map((finding) => ({ ...finding, leg: name, accepted: accepted(finding.rule, finding.message, finding.file) }));
}

const work = mkdtempSync(join(tmpdir(), 'n8n-nodes-jas-scan-'));
try {
	execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
	execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
	const all = [...(await leg('source', root, SOURCE_FILE_PATTERNS)), ...(await leg('tarball', join(work, 'package')))];
	for (const f of all) console.log(`${f.accepted ? 'accepted' : 'FINDING '} [${f.leg}] ${f.file.replace(root, '.').replace(work, '<tarball>')}:${f.at} ${f.rule}: ${f.message}`);
	const rejected = all.filter((f) => !f.accepted);
	console.log(JSON.stringify({ findings: all.length, accepted: all.length - rejected.length, rejected: rejected.length }));
	process.exitCode = rejected.length === 0 ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
