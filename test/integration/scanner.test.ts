/**
 * n8n's official scanner on both legs (source and packed tarball), through scripts/scan.mjs: no finding beyond the
 * accepted exceptions (undici, and the proxy-variable reader: README, "n8n Cloud"). `npm test` builds dist first.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

it('reports nothing but the undici dependency and its import, on the source and on the tarball', () => {
	// Without jest's NODE_ENV=test: eslint-plugin-n8n-nodes-base then checks a fixed test file name instead of ours.
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV'));
	const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'scan.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, env });
	const output = `${run.stdout}\n${run.stderr}`;
	const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { findings?: number; rejected?: number };
	const rejected = output.split('\n').filter((line) => line.startsWith('FINDING'));
	expect(rejected).toEqual([]);
	expect(summary.rejected).toBe(0);
	// Both legs really ran: each reports the accepted undici findings.
	expect(output).toMatch(/accepted \[source\].*no-runtime-dependencies/);
	expect(output).toMatch(/accepted \[tarball\].*Require of 'undici'/);
	expect(run.status).toBe(0);
}, 180_000);
