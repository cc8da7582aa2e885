/**
 * `npm run demo`: the JAS Request node in a real n8n against the bundled provider simulators.
 * `npm run demo -- --ui [--port 5678]`: the same, then leaves the n8n editor running until Ctrl-C / SIGTERM.
 * Exit code 0 only when every item landed on the output it must (and, with --ui, n8n started and was stopped
 * by the user).
 */
import { createServer } from 'node:net';

import { type N8nServer, startN8nServer } from '../tools/n8n/server';
import { type DemoReport, runDemo, setUpDemo } from '../tools/demo/run';
import { JAS_OUTPUTS, JAS_REQUESTS } from '../tools/demo/workflow';

const log = (line = '') => process.stdout.write(`${line}\n`);

class DemoError extends Error {}

function parseArgs(argv: string[]): { ui: boolean; port: number } {
	const ui = argv.includes('--ui');
	const index = argv.indexOf('--port');
	const raw = index >= 0 ? argv[index + 1] : undefined;
	const port = raw === undefined ? 5678 : Number(raw);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DemoError(`--port wants a port number (1-65535), got "${raw ?? ''}"`);
	return { ui, port };
}

/** Resolves when nothing listens on `port` (any interface, as n8n binds it); rejects with what to do otherwise. */
async function assertPortFree(port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = createServer();
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new DemoError(
					error.code === 'EADDRINUSE'
						? `port ${port} is already in use (another n8n?). Stop it, or choose another port: npm run demo -- --ui --port ${port + 1}`
						: `cannot listen on port ${port}: ${error.message}`,
				),
			),
		);
		server.listen(port, () => server.close(() => resolve()));
	});
}

function printReport(report: DemoReport): boolean {
	log('');
	log(`Items per output (${report.seconds.toFixed(1)} s for the whole n8n execution, process start included):`);
	log(`  ${'output'.padEnd(14)}${Object.keys(report.outputs).map((n) => n.padStart(16)).join('')}`);
	for (const name of JAS_OUTPUTS) {
		log(`  ${name.padEnd(14)}${Object.values(report.outputs).map((counts) => String(counts[name] ?? 0).padStart(16)).join('')}`);
	}
	log('');
	const { jas, partner, jtlRefreshes } = report.tokens;
	const renewals = Math.max(0, jas - 1);
	log(
		`JAS: ${jas} token request${jas === 1 ? '' : 's'} for ${JAS_REQUESTS.length} items (${report.jasApi.requests} API calls, ${report.jasApi.unauthorized} answered 401` +
			`${renewals > 0 ? `; ${renewals} renewal${renewals === 1 ? '' : 's'} after a 401` : ''}).`,
	);
	log(`Partner: ${partner} token request${partner === 1 ? '' : 's'}. JTL-FFN: ${jtlRefreshes} refresh${jtlRefreshes === 1 ? '' : 'es'}.`);
	for (const line of report.misrouted) log(`  MISROUTED ${line}`);
	for (const line of report.problems) log(`  PROBLEM ${line}`);
	const ok = report.misrouted.length === 0 && report.problems.length === 0;
	log(ok ? 'Demo OK: every item landed on the output it should.' : 'Demo FAILED (see above).');
	return ok;
}

async function main(): Promise<number> {
	const { ui, port } = parseArgs(process.argv.slice(2));
	if (ui) await assertPortFree(port);
	// Ctrl-C or SIGTERM (also relayed by npm and tsx) ends the wait below; `finally` then stops everything.
	const stopping = new AbortController();
	const stopped = new Promise<'stop'>((resolve) => stopping.signal.addEventListener('abort', () => resolve('stop')));
	const stopRequested = () => stopping.abort();
	let signalled = false;
	let setUp = false;
	for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(name, () => {
			// Before setup finished there is nothing of ours to stop but in-process simulators: leave at once.
			if (!setUp) process.exit(130);
			signalled = true;
			stopRequested();
		});
	}

	log('Starting the provider simulators and a real n8n (the first run installs n8n 2.41.1: about 8 minutes, once)…');
	const setup = await setUpDemo(ui ? { editorPort: port } : {});
	setUp = true;
	let server: N8nServer | undefined;
	try {
		log(`Simulators: JAS ${setup.sims.jas.url}, Partner ${setup.sims.partner.url}, JTL-FFN ${setup.sims.jtl.url}`);
		log('Running the example workflow in n8n…');
		const ok = printReport(await runDemo(setup));
		if (!ok) return 1;
		if (!ui || signalled) return signalled ? 130 : 0;

		log('');
		log(`Starting the n8n editor on http://localhost:${port} …`);
		server = await startN8nServer(setup.n8n, { port, host: 'localhost', stdio: 'inherit', signal: stopping.signal }).catch((error: unknown) => {
			if (signalled) return undefined;
			throw new DemoError(error instanceof Error ? `${error.message}; see its messages above` : String(error));
		});
		if (!server) return 130;
		const exited = server.exited.then(() => 'exit' as const);
		log('');
		log(`n8n editor ready: ${server.url}   (Ctrl-C stops n8n and the simulators)`);
		log('Create the owner account (any email and password: this is a throwaway instance),');
		log('then open the workflow "JAS Request demo" and press "Execute workflow".');
		log(`n8n data folder: ${setup.n8n.userFolder}`);
		const why = await Promise.race([exited, stopped]);
		if (why === 'exit') {
			log(`n8n stopped by itself (exit ${server.child.exitCode ?? server.child.signalCode}).`);
			return 1;
		}
		return 0;
	} finally {
		if (server) await server.stop();
		await setup.close();
		if (ui) log('Stopped n8n and the simulators.');
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`Demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	},
);
