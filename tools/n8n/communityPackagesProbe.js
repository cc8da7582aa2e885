// Calls n8n's own community-package code (the cached n8n, under its Node 24) with an environment block, and prints
// what n8n makes of it as one JSON line: the config it reads, the packages its environment loader would install,
// its checksum verification against a registry, its registry licence check and its install permission check.
// Plain CommonJS: it runs inside n8n's node_modules, not through this repo's TypeScript tooling.
// Usage: node communityPackagesProbe.js <n8n node_modules> '<json request>' (see tools/n8n/communityPackages.ts)
'use strict';
const { join } = require('node:path');

const [modules, requestJson] = process.argv.slice(2);
const request = JSON.parse(requestJson);
const fromN8n = (id) => require(require.resolve(id, { paths: [modules] }));
const dist = (file) => require(join(modules, 'n8n', 'dist', file));

/** n8n's error for a call, or null when it went through. */
async function outcome(call) {
	try {
		await call();
		return null;
	} catch (error) {
		return { type: error.constructor.name, message: error.message };
	}
}

async function probe() {
	fromN8n('reflect-metadata');
	// Config classes read process.env when the container first builds them: set the block before anything asks.
	Object.assign(process.env, request.env, { N8N_USER_FOLDER: request.userFolder, N8N_ENCRYPTION_KEY: 'probe' });
	const { Container } = fromN8n('@n8n/di');
	const { InstanceSettingsLoaderConfig } = fromN8n('@n8n/config');
	const { DbConnection } = fromN8n('@n8n/db');
	const { CommunityPackagesConfig } = dist('modules/community-packages/community-packages.config.js');
	const { CommunityPackagesService } = dist('modules/community-packages/community-packages.service.js');
	const { CommunityPackagesInstanceSettingsLoader } = dist('instance-settings-loader/loaders/community-packages.instance-settings-loader.js');
	const { verifyIntegrity } = dist('modules/community-packages/npm-utils.js');

	// The services need their repositories, so a throwaway SQLite database (N8N_USER_FOLDER) is migrated first.
	const db = Container.get(DbConnection);
	await db.init();
	await db.migrate();

	const settings = Container.get(InstanceSettingsLoaderConfig);
	const config = Container.get(CommunityPackagesConfig);
	const loader = Container.get(CommunityPackagesInstanceSettingsLoader);
	const service = Container.get(CommunityPackagesService);
	const read = {
		managedByEnv: settings.communityPackagesManagedByEnv,
		communityPackages: settings.communityPackages,
		reinstallMissing: config.reinstallMissing,
		unverifiedEnabled: config.unverifiedEnabled,
		registry: config.registry,
	};
	// What `n8n start` would reconcile: parsed and validated, versions and checksums resolved (no network with a checksum).
	const toInstall = [];
	for (const item of loader.parseAndValidate(settings.communityPackages)) toInstall.push(await loader.resolveVersionAndChecksum(item));

	const verify = {};
	for (const [label, checksum] of Object.entries(request.checksums)) {
		verify[label] = await outcome(() => verifyIntegrity(toInstall[0].name, toInstall[0].version, request.registry, checksum));
	}
	config.registry = request.registry;
	const otherRegistry = await outcome(() => service.getNpmRegistry());
	config.unverifiedEnabled = false;
	const unverifiedDisabled = {
		withChecksum: await outcome(() => service.checkInstallPermissions(true)),
		withoutChecksum: await outcome(() => service.checkInstallPermissions(false)),
	};
	dist('zod-alias-support.js'); // n8n's bin loads it before any command class (their flags use zod's .alias)
	const commands = {
		startReconciles: typeof dist('commands/start.js').Start.prototype.initInstanceSettingsLoader === 'function',
		workerReconciles: typeof dist('commands/worker.js').Worker.prototype.initInstanceSettingsLoader === 'function',
	};
	await db.close();
	return { read, toInstall, verify, otherRegistry, unverifiedDisabled, commands };
}

probe().then(
	(result) => {
		process.stdout.write(`\nPROBE ${JSON.stringify(result)}\n`);
		process.exit(0); // n8n's modules keep timers alive
	},
	(error) => {
		process.stderr.write(`probe failed: ${error.stack}\n`);
		process.exit(1);
	},
);
