/**
 * `npm run demo`: the JAS Request node in a real n8n against the bundled provider simulators.
 * `npm run demo -- --ui`: the same, then leaves the n8n editor running on http://localhost:5678.
 * Exit code 0 only when every item landed on the output it must.
 */
import { spawn } from 'node:child_process';

import { ensureN8n } from '../test/e2e/n8nHarness';
import { runDemo, setUpDemo } from './demo/run';
import { JAS_OUTPUTS } from './demo/workflow';

const log = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
	const ui = process.argv.includes('--ui');
	log('Starting the provider simulators and a real n8n (the first run installs n8n 2.41.1: about 4 minutes)…');
	const setup = await setUpDemo(ui ? { ports: { jas: 8081, partner: 8082, jtl: 8083 } } : {});
	try {
		log(`Simulators: JAS ${setup.sims.jas.url}, Partner ${setup.sims.partner.url}, JTL-FFN ${setup.sims.jtl.url}`);
		log('Running the example workflow in n8n…');
		const report = await runDemo(setup);
		log('');
		log(`Items per output (${report.seconds.toFixed(1)} s for the whole n8n execution, process start included):`);
		log(`  ${'output'.padEnd(14)}${Object.keys(report.outputs).map((n) => n.padStart(16)).join('')}`);
		for (const name of JAS_OUTPUTS) {
			log(`  ${name.padEnd(14)}${Object.values(report.outputs).map((counts) => String(counts[name] ?? 0).padStart(16)).join('')}`);
		}
		log('');
		log(`Tokens fetched: JAS ${report.tokens.jas} (one, plus one renewal for the request the API answered 401), Partner ${report.tokens.partner}, JTL refreshes ${report.tokens.jtlRefreshes}`);
		for (const line of report.misrouted) log(`  MISROUTED ${line}`);
		for (const line of report.problems) log(`  PROBLEM ${line}`);
		const ok = report.misrouted.length === 0 && report.problems.length === 0;
		log(ok ? 'Demo OK: every item landed on the output it should.' : 'Demo FAILED (see above).');
		if (!ok || !ui) return ok ? 0 : 1;

		log('');
		log('Starting the n8n editor on http://localhost:5678 (Ctrl-C to stop)…');
		log('Open it, create the owner account (any email and password: this is a throwaway instance),');
		log('then open the workflow "JAS Request demo" and press "Execute workflow".');
		log(`n8n data folder: ${setup.n8n.userFolder}`);
		const { n8nBin } = await ensureN8n();
		const child = spawn(n8nBin, ['start'], { env: setup.n8n.env, stdio: 'inherit' });
		await new Promise<void>((resolve) => {
			process.once('SIGINT', () => child.kill('SIGINT'));
			child.once('exit', () => resolve());
		});
		return 0;
	} finally {
		await setup.close();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`Demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	},
);
