/**
 * The package in n8n's queue mode: Redis, Postgres, an `n8n start` main with EXECUTIONS_MODE=queue and two
 * `n8n worker` processes (tools/queue). Executions are enqueued through production webhooks and run on the workers;
 * their data is read back from Postgres. Needs the Debian packages redis-server and postgresql: without them the
 * suite is reported as SKIPPED, loudly.
 */
import { DEMO_CLIENTS, type JtlSimulator, type Simulator, startJasSimulator, startJtlSimulator } from '../../tools/simulators';
import { type N8nCredential } from '../../tools/n8n/instance';
import { outputItems } from '../../tools/n8n/executions';
import { packPackage, removePackedPackage } from '../../tools/n8n/install';
import { type QueueCluster, type QueueExecution, startQueueCluster } from '../../tools/queue/cluster';
import { missingQueueBinaries } from '../../tools/queue/services';
import { describeRateLimited, driveRateLimitedLoad, rateLimitedWorkflow } from '../../tools/queue/rateLimitedLoad';
import { startTokenTap, type TokenTap } from '../../tools/queue/tokenTap';
import { webhookWorkflow } from '../../tools/queue/workflows';
import { JAS_OUTPUTS } from '../../tools/demo/workflow';
import { POLLING_TRIGGER_NAME, pollingWorkflow } from '../../tools/n8n/pollingWorkflow';
import { ownerSession } from '../../tools/n8n/activation';

jest.setTimeout(10 * 60_000);

const missing = missingQueueBinaries();
if (missing.length > 0) {
	process.stderr.write(`\n[queue e2e] SKIPPED: n8n queue mode needs ${missing.join('; ')}. .ci/run installs them.\n\n`);
}
const describeQueue = missing.length > 0 ? describe.skip : describe;

const report = (line: string) => process.stdout.write(`[queue] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const JTL_SCOPES = ['ffn.merchant.read'];
const JTL_LIFETIME_SEC = 2;
/** JtlAuthorizer refreshes a token living under 4 minutes after 3/4 of its life: 1.5 s for 2-second tokens. */
const JTL_STALE_AFTER_MS = 1_600;
/** The rate-limited API's limit (and the node's Max Requests per Second); bench/queueRateLimit.ts runs the full load. */
const RATED_LIMIT = 10;
const TRIGGER_FEED = 'merchant/outbounds' as const;

describeQueue('n8n 2.41.1 queue mode: main, 2 workers, Redis, Postgres', () => {
	let jas: Simulator;
	let jtl: JtlSimulator;
	let jasTap: TokenTap;
	let httpTap: TokenTap;
	/** An API enforcing one rate limit for every caller, behind its own tap. */
	let rated: Simulator;
	let ratedTap: TokenTap;
	/** JAS Trigger's own JTL-FFN (its feed behind a tap that records which process polled) and JAS (the same for posts). */
	let feedJtl: JtlSimulator;
	let feedTap: TokenTap;
	let arrivalsJas: Simulator;
	let arrivalsTap: TokenTap;
	let tarball: string;
	let cluster: QueueCluster;

	const jtlCredential = async (sim: JtlSimulator, id: string, name: string, apiUrl = sim.url): Promise<N8nCredential> => {
		const token = await sim.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: 'http://localhost:5678/rest/oauth2-credential/callback', scope: JTL_SCOPES.join(' ') });
		return {
			id,
			name,
			type: 'jtlFfnOAuth2Api',
			data: {
				environment: 'custom',
				customApiUrl: `${apiUrl}/api`,
				customOAuthUrl: sim.url,
				scopes: JTL_SCOPES,
				...DEMO_CLIENTS.jtl,
				oauthTokenData: { ...token, n8n_expires_at: String(Date.now() + token.expires_in * 1000) },
			},
		};
	};

	/** Names (never values) of the secrets found in `text`. */
	const leakedSecrets = (text: string): string[] =>
		[
			['JAS client secret', DEMO_CLIENTS.jas.clientSecret],
			['JTL client secret', DEMO_CLIENTS.jtl.clientSecret],
			...jas.issuedSecrets().map((s, i) => [`JAS token #${i}`, s]),
			...jtl.issuedSecrets().map((s, i) => [`JTL token or refresh token #${i}`, s]),
			...(feedJtl?.issuedSecrets() ?? []).map((s, i) => [`JTL feed token or refresh token #${i}`, s]),
			...(arrivalsJas?.issuedSecrets() ?? []).map((s, i) => [`JAS arrivals token #${i}`, s]),
		]
			.filter(([, secret]) => text.includes(secret))
			.map(([name]) => name);

	const expectNoLeaks = (executions: QueueExecution[]) => {
		expect(leakedSecrets(JSON.stringify(executions.map((e) => e.document)))).toEqual([]);
		expect(leakedSecrets(cluster.logs())).toEqual([]);
	};

	/** Executions of `workflowId` newer than `afterId`, each with the worker that ran it. */
	const executionsSince = async (workflowId: string, afterId: number) => (await cluster.executions(workflowId)).filter((e) => Number(e.id) > afterId);
	const lastExecutionId = async () => Math.max(0, ...(await cluster.executions()).map((e) => Number(e.id)));
	const perWorker = (executions: QueueExecution[]) => Array.from({ length: cluster.workerCount }, (_, w) => executions.filter((e) => e.worker === w).length);

	beforeAll(async () => {
		[jas, jtl] = await Promise.all([startJasSimulator(), startJtlSimulator()]);
		rated = await startJasSimulator({ latencyMs: 5 });
		[jasTap, httpTap, ratedTap] = await Promise.all([
			startTokenTap(jas.url, '/oauth2/token'),
			startTokenTap(jas.url, '/oauth2/token'),
			startTokenTap(rated.url, '/oauth2/token'),
		]);
		[feedJtl, arrivalsJas] = await Promise.all([startJtlSimulator(), startJasSimulator()]);
		feedJtl.feeds.options = { pageSize: 5, windowMs: 24 * 3_600_000 }; // a poll follows nextChunkUrl
		const callers = () => cluster?.processes() ?? {};
		[feedTap, arrivalsTap] = await Promise.all([startTokenTap(feedJtl.url, '/oauth2/token', { callers }), startTokenTap(arrivalsJas.url, '/oauth2/token', { callers })]);
		tarball = await packPackage();
		jtl.setTokenLifetime(JTL_LIFETIME_SEC);
		const jasRequest = (authentication: string, url: string, credentials: Record<string, unknown>, options: Record<string, unknown> = {}) => ({
			name: 'JAS Request',
			type: 'n8n-nodes-jas.jasRequest',
			parameters: { authentication, method: 'GET', url, options },
			credentials,
		});
		cluster = await startQueueCluster({
			tarball,
			workers: 2,
			logLevel: 'debug', // leak checks see as much as n8n can print
			// A crashed worker's job is found stalled within seconds instead of a minute.
			env: { QUEUE_WORKER_LOCK_DURATION: '10000', QUEUE_WORKER_LOCK_RENEW_TIME: '2500', QUEUE_WORKER_STALLED_INTERVAL: '5000' },
			credentials: [
				{ id: 'jasQueueCred1', name: 'JAS', type: 'jasOAuth2Api', data: { baseUrl: jasTap.url, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 } },
				{ id: 'jasQueueHttpCred1', name: 'JAS for HTTP Request', type: 'jasOAuth2Api', data: { baseUrl: httpTap.url, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 } },
				await jtlCredential(jtl, 'jtlQueueCred1', 'JTL'),
				{ id: 'jasQueueRatedCred1', name: 'JAS rate-limited', type: 'jasOAuth2Api', data: { baseUrl: ratedTap.url, ...DEMO_CLIENTS.jas } },
				await jtlCredential(feedJtl, 'jtlQueueFeedCred1', 'JTL feed', feedTap.url),
				{ id: 'jasQueueArrivalsCred1', name: 'JAS arrivals', type: 'jasOAuth2Api', data: { baseUrl: arrivalsTap.url, ...DEMO_CLIENTS.jas } },
			],
			workflows: [
				webhookWorkflow('queueJas1', 'jas', jasRequest('jasOAuth2Api', '={{ $json.path }}&exec={{ $execution.id }}', { jasOAuth2Api: { id: 'jasQueueCred1', name: 'JAS' } }, { maxRetries: 0 })),
				webhookWorkflow('queueJtl1', 'jtl', jasRequest('jtlFfnOAuth2Api', '={{ $json.path }}', { jtlFfnOAuth2Api: { id: 'jtlQueueCred1', name: 'JTL' } })),
				webhookWorkflow('queueHttp1', 'http', {
					name: 'HTTP Request',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: { url: `=${httpTap.url}/api/echo?exec={{ $execution.id }}&i={{ $json.i }}`, authentication: 'predefinedCredentialType', nodeCredentialType: 'jasOAuth2Api', options: {} },
					credentials: { jasOAuth2Api: { id: 'jasQueueHttpCred1', name: 'JAS for HTTP Request' } },
				}),
				rateLimitedWorkflow('queueRated1', 'rated', { id: 'jasQueueRatedCred1', name: 'JAS rate-limited' }, RATED_LIMIT),
				// Active from main's start on: its activation poll starts the feed from now; the test makes it poll again.
				pollingWorkflow({
					id: 'queueTrigger1',
					jtlCredential: { id: 'jtlQueueFeedCred1', name: 'JTL feed' },
					jasCredential: { id: 'jasQueueArrivalsCred1', name: 'JAS arrivals' },
					list: 'arrivals',
				}),
			],
			log: report,
		});
	});

	afterAll(async () => {
		await cluster?.close();
		if (tarball) await removePackedPackage(tarball);
		await Promise.all([jasTap?.close(), httpTap?.close(), ratedTap?.close(), feedTap?.close(), arrivalsTap?.close()]);
		await Promise.all([jas?.close(), jtl?.close(), rated?.close(), feedJtl?.close(), arrivalsJas?.close()]);
	});

	it('JAS Request: executions spread over both workers, every item on its output, one token per worker per usable lifetime, nothing leaked', async () => {
		const LIFETIME_SEC = 4; // renewed after 3 s (a quarter before expiry for short tokens)
		const USABLE_MS = 3_000;
		jas.setTokenLifetime(LIFETIME_SEC);
		const items = [
			...Array.from({ length: 7 }, (_, i) => ({ path: `/api/echo?i=${i}`, expect: 'Success' })),
			{ path: '/api/status/400?i=7', expect: 'Client Error' },
			{ path: '/api/status/404?i=8', expect: 'Not Found' },
			{ path: '/api/status/500?i=9', expect: 'Server Error' },
		];
		const after = await lastExecutionId();
		jas.resetStats();
		jasTap.reset();
		const waves = 24;
		const started = Date.now();
		const answers: Array<Promise<{ status: number }>> = [];
		for (let wave = 0; wave < waves; wave++) {
			answers.push(cluster.webhook('jas', { items }), cluster.webhook('jas', { items }));
			await sleep(500); // executions keep coming for about 12 s: several token lifetimes
		}
		const statuses = (await Promise.all(answers)).map((a) => a.status);
		const seconds = (Date.now() - started) / 1000;
		expect(statuses.filter((s) => s !== 200)).toEqual([]);

		const executions = await executionsSince('queueJas1', after);
		expect(executions).toHaveLength(waves * 2);
		const misrouted: string[] = [];
		for (const execution of executions) {
			expect(execution.status).toBe('success');
			JAS_OUTPUTS.forEach((output, index) => {
				const got = outputItems(execution, 'JAS Request', index).length;
				const want = items.filter((item) => item.expect === output).length;
				if (got !== want) misrouted.push(`execution ${execution.id}: ${got} items on ${output}, expected ${want}`);
			});
		}
		expect(misrouted).toEqual([]);
		const counts = perWorker(executions);
		expect(counts.every((n) => n > 0)).toBe(true);
		expect(executions.every((e) => e.worker !== undefined)).toBe(true);

		// Tokens per worker: the distinct bearer tokens its executions' API requests carried (the tap saw them).
		const workerOf = new Map(executions.map((e) => [e.id, e.worker]));
		const lines: string[] = [];
		const tokenSets = counts.map((_, w) => {
			const requests = jasTap.requests.filter((r) => workerOf.get(new URL(r.path, 'http://x').searchParams.get('exec') ?? '') === w);
			const tokens = new Set(requests.map((r) => r.token));
			const spanMs = Math.max(...requests.map((r) => r.at)) - Math.min(...requests.map((r) => r.at));
			const bound = Math.floor(spanMs / USABLE_MS) + 1;
			lines.push(`worker ${w + 1}: ${counts[w]} executions, ${requests.length} API requests, ${tokens.size} tokens over ${(spanMs / 1000).toFixed(1)} s = ${(spanMs / (LIFETIME_SEC * 1000)).toFixed(1)} lifetimes (bound ${bound})`);
			expect(tokens.has(0)).toBe(false);
			expect(tokens.size).toBeLessThanOrEqual(bound);
			return tokens;
		});
		report(`JAS: ${executions.length} executions × ${items.length} items in ${seconds.toFixed(1)} s; ${jasTap.tokenRequests.length} token requests in all; ${jas.stats.expiredTokenRejections} expired-token 401s`);
		lines.forEach((line) => report(`JAS ${line}`));
		// The cache is per process: no token crosses workers, and no token was requested that no request used.
		const shared = [...tokenSets[0]].filter((t) => tokenSets.slice(1).some((set) => set.has(t)));
		expect(shared).toEqual([]);
		expect(jasTap.tokenRequests.length).toBe(tokenSets.reduce((sum, set) => sum + set.size, 0));
		expect(jas.stats.expiredTokenRejections).toBe(0);
		expectNoLeaks(executions);
		jas.setTokenLifetime(600);
	});

	it("n8n's HTTP Request node with the JAS credential (preAuthentication): one token, persisted and reused by both workers", async () => {
		const after = await lastExecutionId();
		httpTap.reset();
		expect((await cluster.webhook('http', { items: [{ i: 0 }] })).status).toBe(200); // the first one fetches and persists
		const answers = await Promise.all(Array.from({ length: 10 }, (_, k) => cluster.webhook('http', { items: [{ i: k }, { i: 100 + k }] })));
		expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
		const executions = await executionsSince('queueHttp1', after);
		expect(executions).toHaveLength(11);
		expect(executions.every((e) => e.status === 'success')).toBe(true);
		const counts = perWorker(executions);
		const tokens = new Set(httpTap.requests.map((r) => r.token));
		report(`HTTP Request node: ${executions.length} executions (per worker ${counts.join(' / ')}), ${httpTap.tokenRequests.length} token request(s), ${tokens.size} distinct token(s) on ${httpTap.requests.length} API requests`);
		expect(counts.every((n) => n > 0)).toBe(true);
		expect(httpTap.tokenRequests).toHaveLength(1);
		expect(tokens.size).toBe(1);
		expectNoLeaks(executions);
	});

	/** Runs `n` JTL executions at the same moment; returns them (from the database). */
	const jtlRound = async (n: number): Promise<QueueExecution[]> => {
		const after = await lastExecutionId();
		const answers = await Promise.all(Array.from({ length: n }, () => cluster.webhook('jtl', { items: [{ path: '/v1/users/current' }, { path: '/v1/merchant/anything' }] })));
		expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
		return await executionsSince('queueJtl1', after);
	};

	const expectJtlSucceeded = (executions: QueueExecution[]) => {
		for (const execution of executions) {
			expect(execution.status).toBe('success');
			expect(outputItems(execution, 'JAS Request', 0)).toHaveLength(2);
		}
	};

	/** The refresh token n8n stored is the newest one the provider issued (and so the only one still valid). */
	const expectNewestRefreshTokenPersisted = async () => {
		const stored = (await cluster.n8n.exportCredentials()).find((c) => c.id === 'jtlQueueCred1');
		const persisted = (stored?.data.oauthTokenData as { refresh_token?: string } | undefined)?.refresh_token;
		const issued = jtl.issuedSecrets(); // access, refresh, access, refresh, …: the newest refresh token is last
		expect(persisted !== undefined && persisted === issued[issued.length - 1]).toBe(true);
	};

	it('one API rate limit for both workers: at 3 × the limit, Max Requests per Second = the limit, the API refuses at most 5% (a third of the per-process limit\'s 15.7%), its busiest second stays within 1.1 × the limit + 1, every item ends on an output', async () => {
		for (let i = 0; i < 6; i++) await cluster.webhook('rated', { items: [{ i }] }); // tokens and node loaded on both workers
		rated.setApiRateLimit({ perSecond: RATED_LIMIT, burst: 2 });
		const load = { limit: RATED_LIMIT, loadFactor: 3, seconds: 12, itemsPerExecution: 10, usableLifetimeSec: 450 };
		const r = await driveRateLimitedLoad(cluster, { path: 'rated', workflowId: 'queueRated1', api: rated, tap: ratedTap }, load);
		rated.setApiRateLimit(null);
		report(describeRateLimited(r, RATED_LIMIT));
		expect(Object.values(r.outputs).reduce((sum, n) => sum + n, 0)).toBe(r.items);
		expect(r.executionsPerWorker.every((n) => n > 0)).toBe(true);
		// Not the 2%: in 12 s the first second's overshoot (both workers start at the limit) weighs more; the
		// 40 s bench (bench/results/queue-rate-limit.md) reaches 1.7% and 87% of the limit at 2 workers. Measured here:
		// 3.0% refused, 80% of the limit. Throughput is reported, not asserted.
		expect(r.refused / r.apiRequests).toBeLessThanOrEqual(0.05);
		expect(r.busiestSecond).toBeLessThanOrEqual(1.1 * RATED_LIMIT + 1);
	});

	it('JTL-FFN with single-use rotating refresh tokens: both workers refreshing at the same moment, 0 invalid_grant over 20+ refreshes', async () => {
		jtl.resetStats();
		const rounds = 22;
		let bothWorkers = 0;
		const all: QueueExecution[] = [];
		for (let round = 0; round < rounds; round++) {
			await sleep(JTL_STALE_AFTER_MS); // the stored token is due: every execution of the round wants a refresh
			const executions = await jtlRound(4);
			if (perWorker(executions).every((n) => n > 0)) bothWorkers++;
			all.push(...executions);
		}
		const stats = jtl.stats;
		report(
			`JTL: ${rounds} rounds × 4 simultaneous executions (${bothWorkers} rounds on both workers, per worker ${perWorker(all).join(' / ')}): ` +
				`${stats.refreshRequests} refreshes, ${stats.invalidGrant} invalid_grant, ${stats.unauthorized} API 401s, ${stats.expiredTokenRejections} expired-token 401s`,
		);
		expectJtlSucceeded(all);
		expect(stats.invalidGrant).toBe(0);
		expect(stats.refreshRequests).toBeGreaterThanOrEqual(20);
		// n8n's lock makes the other executions of a round take the refreshed token instead of refreshing again.
		expect(stats.refreshRequests).toBeLessThan(all.length);
		expect(bothWorkers).toBeGreaterThanOrEqual(rounds / 2);
		await expectNewestRefreshTokenPersisted();
		await sleep(JTL_STALE_AFTER_MS);
		expectJtlSucceeded(await jtlRound(1)); // a later execution still works
		expect(jtl.stats.invalidGrant).toBe(0);
		expectNoLeaks(all);
	});

	it('a worker killed (SIGKILL) mid-execution: n8n marks that execution failed and does not re-run it; after a restart the tokens still work', async () => {
		const after = await lastExecutionId();
		jtl.resetStats();
		await sleep(JTL_STALE_AFTER_MS); // the killed execution starts with a refresh
		const startedBefore = cluster.startedByWorker().map((ids) => ids.length);
		const answer = cluster.webhook('jtl', { items: Array.from({ length: 3 }, () => ({ path: '/slow?ms=6000' })) });
		let victim = -1;
		for (let i = 0; i < 200 && victim < 0; i++) {
			await sleep(100);
			victim = cluster.startedByWorker().findIndex((ids, w) => ids.length > startedBefore[w]);
		}
		expect(victim).toBeGreaterThanOrEqual(0);
		await sleep(1_500); // mid-run: the refresh done, the slow requests in flight
		const killedAt = Date.now();
		await cluster.killWorker(victim);
		const webhookAnswer = await answer;
		const [killed] = await executionsSince('queueJtl1', after);
		const failedAfter = (Date.now() - killedAt) / 1000;
		const runs = cluster.startedByWorker().flat().filter((id) => id === killed.id).length;
		report(
			`SIGKILL: worker ${victim + 1} killed mid-execution ${killed.id}; the webhook answered ${webhookAnswer.status} after ${failedAfter.toFixed(1)} s; ` +
				`execution status "${killed.status}" (finished: ${killed.finished}); started ${runs} time(s); ${jtl.stats.refreshRequests} refresh(es), ${jtl.stats.invalidGrant} invalid_grant`,
		);
		// n8n (maxStalledCount 0): a job whose worker died is failed once its lock expires, never retried.
		expect(killed.status).not.toBe('success');
		expect(runs).toBe(1);

		await cluster.restartWorker(victim);
		await sleep(JTL_STALE_AFTER_MS);
		const executions = await jtlRound(4);
		expectJtlSucceeded(executions);
		expect(jtl.stats.invalidGrant).toBe(0);
		await expectNewestRefreshTokenPersisted();
		report(`SIGKILL: after the restart, 4 JTL executions (per worker ${perWorker(executions).join(' / ')}) succeeded, ${jtl.stats.invalidGrant} invalid_grant`);
		expectNoLeaks(executions);
	});

	it('JAS Trigger: every poll comes from the main, every execution runs on a worker, each of 45 changes over 3 polls arrives exactly once', async () => {
		const session = await ownerSession(cluster.mainUrl, { setUp: true });
		const after = await lastExecutionId();
		feedTap.reset();
		arrivalsTap.reset();
		const injected: string[] = [];
		const arrived = () => arrivalsJas.lists.records('arrivals').map((r) => String(r.outboundId));
		const feedPolls = () => feedTap.requests.filter((r) => r.path.includes('/outbounds/updates'));
		/** One poll now (n8n polls at each activation); resolves once it reached the feed and what it found arrived. */
		const poll = async () => {
			const before = feedPolls().length;
			expect((await session.pollNow('queueTrigger1')).status).toBe(200);
			for (let i = 0; i < 150 && (feedPolls().length === before || arrived().length < injected.length); i++) await sleep(200);
		};
		const started = Date.now();
		for (let batch = 0; batch < 3; batch++) {
			const changes = Array.from({ length: 15 }, (_, i) => ({ id: `OB-Q${batch}-${String(i).padStart(2, '0')}`, fields: { status: 'Shipped' } }));
			feedJtl.feeds.record(TRIGGER_FEED, changes);
			injected.push(...changes.map((c) => c.id));
			await sleep(300);
			await poll();
		}
		await poll(); // nothing new: nothing comes twice
		await sleep(1_000);
		const seconds = (Date.now() - started) / 1000;
		const executions = await executionsSince('queueTrigger1', after);
		const pollers = [...new Set(feedPolls().map((r) => r.caller ?? 'an unknown process'))];
		const workerOf = new Map(executions.map((e) => [e.id, e.worker === undefined ? undefined : `worker ${e.worker + 1}`]));
		const postedBy = arrivalsTap.requests.filter((r) => r.method === 'POST').map((r) => ({ caller: r.caller, worker: workerOf.get(new URL(r.path, 'http://x').searchParams.get('exec') ?? '') }));
		report(
			`JAS Trigger: ${injected.length} changes in 3 batches, 4 polls (the last with nothing new) in ${seconds.toFixed(1)} s; ${feedPolls().length} feed requests (chunks of 5) from ${pollers.join(', ')}; ` +
				`${executions.length} executions, per worker ${perWorker(executions).join(' / ')}; ${arrived().length} arrivals, ${arrived().length - new Set(arrived()).size} duplicates`,
		);
		expect([...arrived()].sort()).toEqual([...injected].sort()); // each exactly once
		expect(pollers).toEqual(['main']);
		expect(feedPolls().length).toBeGreaterThanOrEqual(3 * 3 + 1); // each batch's poll followed nextChunkUrl over 3 chunks
		expect(executions).toHaveLength(3); // one per poll that found changes, none for the one that did not
		expect(executions.every((e) => e.status === 'success' && e.worker !== undefined)).toBe(true);
		expect(executions.reduce((sum, e) => sum + outputItems(e, POLLING_TRIGGER_NAME, 0).length, 0)).toBe(injected.length);
		// The caller lookup tells processes apart: each post came from the worker whose log says it ran that execution.
		expect(postedBy).toHaveLength(injected.length);
		expect(postedBy.filter((p) => p.caller === undefined || p.caller === 'main' || p.caller !== p.worker)).toEqual([]);
		expectNoLeaks(executions);
	});
});
