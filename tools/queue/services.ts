/**
 * Redis and Postgres for n8n's queue mode, from the Debian packages, on loopback with throwaway data folders and
 * free ports. Each start checks its component is up (`redis-cli ping`, `pg_isready`) and throws naming the
 * component and why it failed (the binary missing, its exit, its last log lines).
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, run, type Service, startService, tail } from '../n8n/process';

const POSTGRES_BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

/** Where postgres' server binaries are (Debian keeps them off PATH), or undefined. */
export function postgresBinDir(): string | undefined {
	return POSTGRES_BIN_DIRS.find((dir) => existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb')));
}

function onPath(binary: string): boolean {
	return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, binary)));
}

/** What queue mode needs from the machine and is missing, each with the Debian package that provides it. */
export function missingQueueBinaries(): string[] {
	const missing: string[] = [];
	if (!onPath('redis-server') || !onPath('redis-cli')) missing.push('redis-server and redis-cli (apt-get install redis-server)');
	if (!postgresBinDir() || !onPath('pg_isready')) missing.push('postgres, initdb and pg_isready (apt-get install postgresql)');
	return missing;
}

export class ComponentError extends Error {
	constructor(component: string, why: string, log = '') {
		super(`queue mode: ${component} failed: ${why}${log ? `\n--- ${component} output (tail) ---\n${tail(log, 30)}` : ''}`);
	}
}

/** Polls `check` until it is true, the service exits, or `timeoutMs` passes; throws a ComponentError otherwise. */
export async function waitUntil(service: Service, what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check()) return;
		const status = service.exitStatus();
		if (status !== undefined) throw new ComponentError(service.name, `it exited (${status}) before ${what}`, service.output());
		if (Date.now() > deadline) throw new ComponentError(service.name, `not ${what} after ${Math.round(timeoutMs / 1000)} s`, service.output());
		await new Promise((resolvePromise) => setTimeout(resolvePromise, 250));
	}
}

export interface Redis {
	service: Service;
	port: number;
	/** stops redis and deletes its folder */
	close(): Promise<void>;
}

export async function startRedis(): Promise<Redis> {
	const dir = await mkdtemp(join(tmpdir(), 'jas-queue-redis-'));
	const port = await freePort();
	const service = startService('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir]);
	const ping = async () => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { timeoutMs: 5_000 })).stdout.trim() === 'PONG';
	const close = async () => {
		await service.stop();
		await rm(dir, { recursive: true, force: true });
	};
	try {
		await waitUntil(service, 'answering redis-cli ping with PONG', ping, 20_000);
	} catch (error) {
		await close();
		throw error;
	}
	return { service, port, close };
}

export interface Postgres {
	service: Service;
	port: number;
	user: string;
	database: string;
	/** runs `psql` with `sql` and returns its unaligned, tuples-only output */
	query(sql: string): Promise<string>;
	/** stops postgres (fast shutdown) and deletes its folder */
	close(): Promise<void>;
}

/**
 * initdb + postgres in `dir` (trust auth, loopback only, no fsync: the data is thrown away). Postgres refuses to
 * run as root, so as root both run as the `postgres` user (setpriv execs in place: the pid is postgres' own).
 */
export async function startPostgres(): Promise<Postgres> {
	const binDir = postgresBinDir();
	if (!binDir) throw new ComponentError('postgres', 'its binaries were not found (apt-get install postgresql)');
	const asRoot = process.getuid?.() === 0;
	// Directly under the temp folder: the postgres user must be able to reach it.
	const dir = await mkdtemp(join(tmpdir(), 'jas-queue-pg-'));
	await chmod(dir, 0o755);
	const dataDir = join(dir, 'data');
	const socketDir = join(dir, 'socket');
	await mkdir(socketDir);
	const removeDir = () => rm(dir, { recursive: true, force: true });
	if (asRoot) {
		const chown = await run('chown', ['-R', 'postgres:postgres', dir]);
		if (chown.code !== 0) {
			await removeDir();
			throw new ComponentError('postgres', `chown of its data folder failed: ${chown.stderr.trim()}`);
		}
	}
	const as = (command: string, args: string[]): [string, string[]] =>
		asRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]] : [command, args];

	const user = 'n8n';
	const database = 'n8n';
	const init = await run(...as(join(binDir, 'initdb'), ['-D', dataDir, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-sync']), { timeoutMs: 120_000 });
	if (init.code !== 0) {
		await removeDir();
		throw new ComponentError('postgres', `initdb exited with code ${String(init.code)}`, init.stdout + init.stderr);
	}

	const port = await freePort();
	const [command, args] = as(join(binDir, 'postgres'), [
		'-D', dataDir, '-p', String(port), '-k', socketDir,
		'-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
	]);
	const service = startService('postgres', command, args);
	const close = async () => {
		await service.stop('SIGINT'); // fast shutdown: no waiting for clients
		await removeDir();
	};
	const psql = (db: string, sql: string) => run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { timeoutMs: 60_000 });
	try {
		await waitUntil(service, 'accepting connections (pg_isready)', async () => (await run('pg_isready', ['-h', '127.0.0.1', '-p', String(port)], { timeoutMs: 5_000 })).code === 0, 60_000);
		const created = await psql('postgres', `CREATE DATABASE ${database}`);
		if (created.code !== 0) throw new ComponentError('postgres', `CREATE DATABASE failed: ${created.stderr.trim()}`, service.output());
	} catch (error) {
		await close();
		throw error;
	}
	return {
		service,
		port,
		user,
		database,
		close,
		async query(sql) {
			const result = await psql(database, sql);
			if (result.code !== 0) throw new ComponentError('postgres', `query failed: ${result.stderr.trim()}`);
			return result.stdout;
		},
	};
}
