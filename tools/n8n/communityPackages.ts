/** Runs tools/n8n/communityPackagesProbe.js in the cached n8n (its Node 24) and returns what n8n's own code said. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

import type { N8nInstall } from './install';
import { failure, run } from './process';

export interface N8nError {
	type: string;
	message: string;
}

export interface ProbeResult {
	read: { managedByEnv: boolean; communityPackages: string; reinstallMissing: boolean; unverifiedEnabled: boolean; registry: string };
	toInstall: Array<{ name: string; version?: string; checksum?: string }>;
	/** verifyIntegrity per checksum label: null when accepted */
	verify: Record<string, N8nError | null>;
	/** CommunityPackagesService.getNpmRegistry with the probe's registry in place of npmjs.org */
	otherRegistry: N8nError | null;
	/** checkInstallPermissions with N8N_UNVERIFIED_PACKAGES_ENABLED=false (n8n 3.0's default) */
	unverifiedDisabled: { withChecksum: N8nError | null; withoutChecksum: N8nError | null };
	/** whether `n8n start` and `n8n worker` run the instance settings loader that reads N8N_COMMUNITY_PACKAGES */
	commands: { startReconciles: boolean; workerReconciles: boolean };
}

export interface ProbeRequest {
	env: Record<string, string>;
	/** a registry URL for verifyIntegrity (a loopback one: tools/n8n/npmRegistry.ts) */
	registry: string;
	checksums: Record<string, string>;
}

export async function probeCommunityPackages(n8n: N8nInstall, request: ProbeRequest): Promise<ProbeResult> {
	const userFolder = await mkdtemp(join(tmpdir(), 'n8n-nodes-jas-probe-'));
	try {
		const modules = dirname(dirname(n8n.n8nBin)); // <cache>/n8n-<version>/node_modules/.bin/n8n
		const result = await run(join(n8n.nodeBinDir, 'node'), [join(__dirname, 'communityPackagesProbe.js'), modules, JSON.stringify({ ...request, userFolder })], {
			// npm (for n8n's `npm view` fallback) comes from this machine's PATH, after Node 24.
			env: { ...process.env, PATH: `${n8n.nodeBinDir}${delimiter}${process.env.PATH ?? ''}`, N8N_LOG_LEVEL: 'silent' },
			timeoutMs: 120_000,
		});
		const line = result.stdout.split('\n').find((text) => text.startsWith('PROBE '));
		if (result.code !== 0 || !line) throw failure('tools/n8n/communityPackagesProbe.js', result);
		return JSON.parse(line.slice('PROBE '.length)) as ProbeResult;
	} finally {
		await rm(userFolder, { recursive: true, force: true });
	}
}
