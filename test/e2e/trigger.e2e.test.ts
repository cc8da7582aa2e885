/**
 * JAS Trigger in a running `n8n start` (n8n 2.41.1): an active workflow "JTL-FFN outbound changes → JAS Request"
 * and 200 changes injected over many polls. Every change must reach JAS exactly once, in order per record, across
 * an n8n restart, a 429 storm (one the poll outwaits, one it cannot), and a token-endpoint outage while the JTL-FFN
 * token needs refreshing.
 *
 * n8n refuses poll intervals under a minute ("The polling interval is too short"), so the workflow polls every
 * minute and the test makes n8n poll sooner the way n8n itself does: every activation (publishing the workflow,
 * n8n starting) runs one poll at once. Each such poll reads and saves the trigger's state through n8n's database.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { JTL_REDIRECT_URI, JTL_SCOPES } from '../../tools/demo/run';
import { credentialRef, DEMO_CREDENTIALS } from '../../tools/demo/workflow';
import { packPackage, removePackedPackage } from '../../tools/n8n/install';
import { createN8nInstance, type N8nInstance, type N8nWorkflow } from '../../tools/n8n/instance';
import { freePort } from '../../tools/n8n/process';
import { type N8nServer, OWNER, startN8nServer } from '../../tools/n8n/server';
import { DEMO_CLIENTS, type JtlSimulator, type Simulator, startJasSimulator, startJtlSimulator } from '../../tools/simulators';
import { assertNoRegisteredSecrets } from '../helpers/leakGuard';

jest.setTimeout(8 * 60_000);

const WORKFLOW_ID = 'jasTriggerE2e01';
/** The shipped example, imported as it is (test/e2e/examples.e2e.test.ts checks its form; execute-batch cannot start it). */
const example = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'examples', 'jtl-ffn-shipped-to-jas.json'), 'utf8')) as N8nWorkflow;
const FEED = 'merchant/outbounds' as const;
const STATUSES = ['Created', 'Picked', 'Packed', 'Shipped'];

let jas: Simulator;
let jtl: JtlSimulator;
let n8n: N8nInstance;
let tarball: string;
let server: N8nServer;
let port: number;
let cookie = '';
const injected: Array<{ outboundId: string; status: string }> = [];
let sequence = 0;

const workflow = {
	id: WORKFLOW_ID,
	name: 'JAS Trigger e2e: outbound changes to JAS',
	nodes: [
		{
			id: 'trigger',
			name: 'Outbound Changed',
			type: 'n8n-nodes-jas.jasTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, source: 'jtlFeed', role: 'merchant', watch: 'outbounds', firstRun: 'now', options: { maxSeconds: 10 } },
			credentials: { jtlFfnOAuth2Api: credentialRef('jtl') },
		},
		{
			id: 'post',
			name: 'Post to JAS',
			type: 'n8n-nodes-jas.jasRequest',
			typeVersion: 1,
			position: [240, 0],
			parameters: {
				authentication: 'jasOAuth2Api',
				method: 'POST',
				url: '/api/lists/arrivals',
				bodyType: 'json',
				jsonBody: '={{ JSON.stringify({ outboundId: $json.outboundId, status: $json.status, changedAt: $json.modificationInfo.updatedAt }) }}',
				options: { concurrency: 1 },
			},
			credentials: { jasOAuth2Api: credentialRef('jas') },
		},
	],
	connections: { 'Outbound Changed': { main: [[{ node: 'Post to JAS', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

/** `count` changes: records move through STATUSES, several records change at the same millisecond. */
function inject(count: number): void {
	const base = Date.now() - 200;
	const changes = Array.from({ length: count }, (_, i) => {
		const n = sequence++;
		const record = `OB-${String(Math.floor(n / STATUSES.length)).padStart(3, '0')}`;
		const status = STATUSES[n % STATUSES.length];
		injected.push({ outboundId: record, status });
		return { id: record, at: base + Math.floor(i / 3), fields: { status } };
	});
	jtl.feeds.record(FEED, changes);
}

const arrivals = () => jas.lists.records('arrivals').map(({ outboundId, status }) => ({ outboundId: String(outboundId), status: String(status) }));

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${arrivals().length} of ${injected.length} arrived`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

async function rest(path: string, body?: unknown): Promise<Response> {
	return await fetch(`${server.url}/rest${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e', cookie },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

async function login(): Promise<void> {
	const response = await fetch(`${server.url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (response.status !== 200) throw new Error(`login answered ${response.status}`);
	cookie = response.headers.get('set-cookie')?.split(';')[0] ?? '';
}

/** Publishes a workflow: n8n polls once at activation. Resolves with n8n's answer (an activation error included). */
async function activate(id = WORKFLOW_ID): Promise<Response> {
	const { data } = (await (await rest(`/workflows/${id}`)).json()) as { data: { versionId: string } };
	return await rest(`/workflows/${id}/activate`, { versionId: data.versionId });
}

/** Publishes a workflow and waits for its activation poll to reach the feed (n8n answers before it has polled). */
async function activateAndPoll(id = WORKFLOW_ID): Promise<Response> {
	const before = jtl.feeds.requests;
	const answer = await activate(id);
	await until('the activation poll', () => jtl.feeds.requests > before, 30_000);
	return answer;
}

/** One more poll now: unpublish and publish again. */
async function pollNow(id = WORKFLOW_ID): Promise<Response> {
	await rest(`/workflows/${id}/deactivate`, {});
	return await activate(id);
}

beforeAll(async () => {
	jas = await startJasSimulator();
	jtl = await startJtlSimulator();
	jtl.feeds.options = { pageSize: 25, windowMs: 24 * 3_600_000 };
	jtl.setTokenLifetime(15); // the JTL-FFN token is refreshed through n8n during the test
	tarball = await packPackage();
	n8n = await createN8nInstance({ tarball, logLevel: 'info' });
	const token = await jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: JTL_REDIRECT_URI, scope: JTL_SCOPES.join(' ') });
	await n8n.importCredentials([
		{ ...DEMO_CREDENTIALS.jas, data: { baseUrl: jas.url, ...DEMO_CLIENTS.jas } },
		{
			...DEMO_CREDENTIALS.jtl,
			data: { environment: 'custom', customApiUrl: `${jtl.url}/api`, customOAuthUrl: jtl.url, scopes: JTL_SCOPES, ...DEMO_CLIENTS.jtl, oauthTokenData: { ...token, n8n_expires_at: String(Date.now() + token.expires_in * 1000) } },
		},
	]);
	await n8n.importWorkflow([workflow, example]);
	port = await freePort();
	server = await startN8nServer(n8n, { port });
	await server.setUpOwner();
	await login();
});

afterAll(async () => {
	await server?.stop();
	await n8n?.close();
	if (tarball) await removePackedPackage(tarball);
	await Promise.all([jas?.close(), jtl?.close()]);
});

it('n8n lists JAS Trigger as a polling trigger with its icon and credentials', async () => {
	const types = (await (await server.rest('/types/nodes.json')).json()) as Array<Record<string, unknown>>;
	const trigger = types.find((type) => type.name === 'n8n-nodes-jas.jasTrigger');
	expect(trigger).toMatchObject({ displayName: 'JAS Trigger', polling: true, group: ['trigger'] });
	expect(JSON.stringify(trigger?.iconUrl)).toContain('jasTrigger');
	expect(n8n.packageLoadProblems()).toEqual([]);
});

it('the first activation starts from now: changes from before it are not emitted', async () => {
	inject(8); // before activation
	injected.length = 0;
	const started = Date.now();
	expect((await activateAndPoll()).status).toBe(200);
	process.stdout.write(`[trigger] activation to first poll: ${Date.now() - started} ms\n`);
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	expect(arrivals()).toEqual([]);
});

it('changes arrive once each, in order per record, over many polls', async () => {
	for (const batch of [30, 25, 35]) {
		inject(batch);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect((await pollNow()).status).toBe(200);
		await until(`${injected.length} arrivals`, () => arrivals().length >= injected.length);
	}
	expect(arrivals()).toEqual(injected);
});

it('n8n restarted in the middle: changes made while it was down arrive once, none twice', async () => {
	inject(20);
	await new Promise((resolve) => setTimeout(resolve, 300));
	await pollNow();
	await until('the 20 before the restart', () => arrivals().length >= injected.length);
	await server.stop();
	inject(30); // while n8n is down
	const started = Date.now();
	server = await startN8nServer(n8n, { port });
	await login();
	await until('the changes made while n8n was down', () => arrivals().length >= injected.length, 90_000);
	process.stdout.write(`[trigger] restart to all caught up: ${Date.now() - started} ms\n`);
	expect(arrivals()).toEqual(injected);
});

it('a 429 storm: one the poll outwaits (Retry-After within its time) and one it cannot: nothing lost, nothing twice', async () => {
	// A long storm: Retry-After 50 s, beyond the poll's 10 s. The poll fails and leaves its cursor.
	jtl.setApiRateLimit({ perSecond: 0.02, burst: 1 });
	await fetch(`${jtl.url}/api/v1/users/current`); // spends the burst
	inject(20);
	await new Promise((resolve) => setTimeout(resolve, 300));
	const limitedAtStart = jtl.stats.rateLimited;
	await pollNow(); // the poll fails: n8n records it (the publish itself goes through)
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	expect(jtl.stats.rateLimited).toBeGreaterThan(limitedAtStart);
	expect(arrivals().length).toBe(injected.length - 20);
	// A short storm: Retry-After 1 s; the poll waits it out chunk after chunk.
	jtl.setApiRateLimit({ perSecond: 1, burst: 1 });
	const limitedBefore = jtl.stats.rateLimited;
	await new Promise((resolve) => setTimeout(resolve, 1_000)); // the bucket refills
	inject(22);
	await new Promise((resolve) => setTimeout(resolve, 300));
	await fetch(`${jtl.url}/api/v1/users/current`); // spends the burst: the poll's first request gets 429, Retry-After 1 s
	expect((await pollNow()).status).toBe(200);
	await until('the storm\'s changes', () => arrivals().length >= injected.length);
	jtl.setApiRateLimit(null);
	expect(jtl.stats.rateLimited).toBeGreaterThan(limitedBefore);
	expect(arrivals()).toEqual(injected);
});

it('a token-endpoint outage while the token needs refreshing: the poll fails, and the changes arrive once it is over', async () => {
	jtl.setTokenFault({ kind: 'status', status: 503 });
	const tokenRequestsBefore = jtl.stats.tokenRequests;
	await new Promise((resolve) => setTimeout(resolve, 16_000)); // the 15 s token is spent
	inject(18);
	await new Promise((resolve) => setTimeout(resolve, 300));
	await pollNow(); // the poll fails at the refresh: n8n records it
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	expect(jtl.stats.tokenRequests).toBeGreaterThan(tokenRequestsBefore);
	expect(arrivals().length).toBe(injected.length - 18);
	jtl.setTokenFault(null);
	expect((await pollNow()).status).toBe(200);
	await until('the changes after the outage', () => arrivals().length >= injected.length);
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	expect(injected).toHaveLength(200);
	expect(arrivals()).toEqual(injected);
	assertNoRegisteredSecrets(server.logs(), "n8n's logs");
});

it('the example "When a JTL-FFN outbound is shipped, post it to JAS", active as shipped: only the shipped outbound reaches JAS', async () => {
	await rest(`/workflows/${WORKFLOW_ID}/deactivate`, {});
	expect((await activateAndPoll(example.id)).status).toBe(200); // first activation: from now
	jtl.feeds.record(FEED, [
		{ id: 'OB-EX-1', fields: { merchantOutboundNumber: 'ORDER-1001', status: 'Shipped' } },
		{ id: 'OB-EX-2', fields: { merchantOutboundNumber: 'ORDER-1002', status: 'Picked' } },
	]);
	await new Promise((resolve) => setTimeout(resolve, 300));
	expect((await pollNow(example.id)).status).toBe(200);
	await until('the shipped outbound at JAS', () => jas.lists.records('shipments').length > 0);
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	expect(jas.lists.records('shipments')).toEqual([expect.objectContaining({ outboundId: 'OB-EX-1', merchantOutboundNumber: 'ORDER-1001', status: 'Shipped' })]);
});
