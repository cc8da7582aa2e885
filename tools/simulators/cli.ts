/**
 * Starts the three simulators and prints one JSON line `{"jas":"http://127.0.0.1:p","partner":...,"jtl":...}` to
 * stdout; stays up until SIGINT/SIGTERM. Env: SIM_JAS_PORT, SIM_PARTNER_PORT, SIM_JTL_PORT (default 0),
 * SIM_TOKEN_LIFETIME (seconds, default per provider), SIM_LATENCY_MS (default 0).
 * Run: npx tsx tools/simulators/cli.ts
 */
import { startAllSimulators } from './index';

function envNumber(name: string): number | undefined {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return undefined;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0`);
	return value;
}

async function main(): Promise<void> {
	const tokenLifetimeSec = envNumber('SIM_TOKEN_LIFETIME');
	const latencyMs = envNumber('SIM_LATENCY_MS');
	const sims = await startAllSimulators({
		...(tokenLifetimeSec !== undefined ? { tokenLifetimeSec } : {}),
		...(latencyMs !== undefined ? { latencyMs } : {}),
		ports: { jas: envNumber('SIM_JAS_PORT') ?? 0, partner: envNumber('SIM_PARTNER_PORT') ?? 0, jtl: envNumber('SIM_JTL_PORT') ?? 0 },
	});
	process.stdout.write(`${JSON.stringify({ jas: sims.jas.url, partner: sims.partner.url, jtl: sims.jtl.url })}\n`);
	const stop = (): void => {
		sims.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
	process.stderr.write(`simulators failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(1);
});
