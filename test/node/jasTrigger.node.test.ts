/**
 * JAS Trigger through n8n-core's PollContext against the simulators: nothing new is null, new records arrive once,
 * failures leave the cursor where it was (and say whether the credential needs a person), bounds stop a poll early
 * and the next one continues without a gap, "Fetch Test Event" shows records without moving the cursor.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { JasTrigger } from '../../nodes/JasTrigger/JasTrigger.node';
import { pollHarness, type PollHarness } from '../helpers/runPoll';
import { DEMO_CLIENTS, type JtlSimulator, type Simulator, startJasSimulator, startJtlSimulator } from '../../tools/simulators';

const OUTAGE_CLIENT = { clientId: 'jas-outage-client', clientSecret: 'jas-outage-secret-44d1' };
const WRONG_CLIENT = { clientId: 'jas-wrong-client', clientSecret: 'jas-wrong-secret-8c20' };

let jas: Simulator;
let jtl: JtlSimulator;
let jtlToken: IDataObject;
beforeAll(async () => {
	jas = await startJasSimulator({ clients: [{ ...DEMO_CLIENTS.jas }, { ...OUTAGE_CLIENT }, { clientId: WRONG_CLIENT.clientId, clientSecret: 'the-real-secret-x' }] });
	jtl = await startJtlSimulator();
	const { clientId, clientSecret } = DEMO_CLIENTS.jtl;
	jtlToken = { ...(await jtl.authorizeAndExchange({ clientId, clientSecret, redirectUri: 'http://localhost:5678/rest/oauth2-credential/callback', scope: 'ffn.merchant.read ffn.fulfiller.read' })) };
});
afterAll(async () => {
	await jas.close();
	await jtl.close();
});
beforeEach(() => {
	jas.setApiRateLimit(null);
	jas.setTokenFault(null);
	jtl.feeds.clear();
	jtl.feeds.options = { pageSize: 50, windowMs: 24 * 3_600_000 };
});

const ids = (items: IDataObject[] | null) => (items ?? []).map((item) => String(item.id ?? item.outboundId));

function listTrigger(list: string, parameters: INodeParameters = {}, client: { clientId: string; clientSecret: string } = DEMO_CLIENTS.jas): PollHarness {
	return pollHarness({
		node: new JasTrigger(),
		parameters: { source: 'list', authentication: 'jasOAuth2Api', path: `/api/lists/${list}`, pagination: { settings: { mode: 'nextUrl', nextUrlField: '_links.next' } }, ...parameters },
		credentials: { jasOAuth2Api: { baseUrl: jas.url, ...client } },
	});
}

function feedTrigger(parameters: INodeParameters = {}, tokenData: IDataObject = jtlToken): PollHarness {
	const { clientId, clientSecret } = DEMO_CLIENTS.jtl;
	return pollHarness({
		node: new JasTrigger(),
		parameters: { source: 'jtlFeed', role: 'merchant', watch: 'outbounds', ...parameters },
		credentials: { jtlFfnOAuth2Api: { environment: 'custom', customApiUrl: `${jtl.url}/api`, customOAuthUrl: jtl.url, clientId, clientSecret, oauthTokenData: tokenData } },
	});
}

describe('new records in a list', () => {
	it('first activation starts from now: what is listed already is remembered, not emitted; later records arrive once', async () => {
		jas.lists.upsert('bookings', [{ id: 'b1' }, { id: 'b2' }]);
		const trigger = listTrigger('bookings');
		expect((await trigger.poll()).items).toBeNull();
		jas.lists.upsert('bookings', [{ id: 'b3' }]);
		expect(ids((await trigger.poll()).items)).toEqual(['b3']);
		expect((await trigger.poll()).items).toBeNull();
	});

	it('with a change field, a changed record is emitted again; without one, it is not', async () => {
		jas.lists.upsert('changing', [{ id: 'c1', status: 'new' }]);
		const withField = listTrigger('changing', { changeField: 'updatedAt' });
		const withoutField = listTrigger('changing');
		await withField.poll();
		await withoutField.poll();
		await new Promise((resolve) => setTimeout(resolve, 5));
		jas.lists.upsert('changing', [{ id: 'c1', status: 'confirmed' }]);
		expect((await withField.poll()).items).toEqual([expect.objectContaining({ id: 'c1', status: 'confirmed' })]);
		expect((await withoutField.poll()).items).toBeNull();
	});

	it('"emit the latest N" on first activation emits the last N listed, then only new ones', async () => {
		jas.lists.upsert('latest', [{ id: 'l1' }, { id: 'l2' }, { id: 'l3' }]);
		const trigger = listTrigger('latest', { firstRun: 'latest', firstRunCount: 2 });
		expect(ids((await trigger.poll()).items)).toEqual(['l2', 'l3']);
		expect((await trigger.poll()).items).toBeNull();
	});

	it('a poll stopped at its page bound continues in the next poll without a gap or a repeat', async () => {
		const trigger = listTrigger('long', { pagination: { settings: { mode: 'offset', offsetParameter: '$skip', limitParameter: '$top', pageSize: 5, itemsField: 'items' } }, options: { maxPages: 2 } });
		expect((await trigger.poll()).items).toBeNull();
		jas.lists.upsert('long', Array.from({ length: 23 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}` })));
		const seen: string[] = [];
		const first = await trigger.poll();
		expect(first.warnings).toEqual([expect.stringContaining('stopped early at its bound (2 pages); the next poll continues where this one stopped')]);
		seen.push(...ids(first.items));
		for (let polls = 1; polls < 4; polls++) seen.push(...ids((await trigger.poll()).items));
		expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `r${String(i).padStart(2, '0')}`));
		expect((await trigger.poll()).items).toBeNull();
	});

	it('"Fetch Test Event" returns real records and leaves the cursor where it was', async () => {
		jas.lists.upsert('sample', [{ id: 's1' }, { id: 's2' }]);
		const trigger = listTrigger('sample');
		await trigger.poll();
		const before = trigger.saved();
		expect(ids((await trigger.poll('manual')).items)).toEqual(['s1', 's2']);
		expect(trigger.saved()).toEqual(before);
		jas.lists.upsert('sample', [{ id: 's3' }]);
		expect(ids((await trigger.poll()).items)).toEqual(['s3']);
	});

	it('"Fetch Test Event" on an empty list fails saying where it looked (an active poll returns null); the cursor stays', async () => {
		const trigger = listTrigger('still-empty');
		expect((await trigger.poll()).items).toBeNull();
		const before = trigger.saved();
		const fetched = await trigger.poll('manual');
		expect(fetched.error?.message).toBe('No records in /api/lists/still-empty at "items"');
		expect(fetched.error?.description).toContain('the active trigger is not affected');
		expect(trigger.saved()).toEqual(before);
		expect((await trigger.poll()).items).toBeNull();
	});
});

describe('failures leave the cursor', () => {
	it('a 429 beyond the poll\'s time fails the poll with n8n\'s error (reconnectRequired: false); the next poll emits what it missed, once', async () => {
		jas.lists.upsert('limited', [{ id: 'x0' }]); // seen at activation: must never come again
		const trigger = listTrigger('limited', { options: { maxSeconds: 5 } });
		await trigger.poll();
		const before = trigger.saved();
		jas.lists.upsert('limited', [{ id: 'x1' }]);
		jas.setApiRateLimit({ perSecond: 0.01, burst: 1 });
		await (await fetch(`${jas.url}/api/lists/limited`)).arrayBuffer(); // spends the burst: the trigger's call gets 429, Retry-After 100 s
		const failed = await trigger.poll();
		expect(failed.error?.constructor.name).toBe('NodeApiError');
		expect(failed.error?.message).toMatch(/429/);
		expect(failed.error?.reconnectRequired).toBe(false);
		expect(trigger.saved()).toEqual(before);
		jas.setApiRateLimit(null);
		expect(ids((await trigger.poll()).items)).toEqual(['x1']);
	});

	it('a token-endpoint outage fails the poll (reconnectRequired: false) and loses nothing', async () => {
		jas.lists.upsert('outage', [{ id: 'o1' }]);
		jas.setTokenFault({ kind: 'status', status: 503 });
		const trigger = listTrigger('outage', { firstRun: 'latest', firstRunCount: 5 }, OUTAGE_CLIENT);
		const failed = await trigger.poll();
		expect(failed.error?.constructor.name).toMatch(/^Node(Api|Operation)Error$/);
		expect(failed.error?.reconnectRequired).toBe(false);
		expect(trigger.saved()).toEqual({});
		jas.setTokenFault(null);
		expect(ids((await trigger.poll()).items)).toEqual(['o1']);
	});

	it('a rejected client fails the poll with a message saying what to do, and reconnectRequired: true', async () => {
		const failed = await listTrigger('rejected', {}, WRONG_CLIENT).poll();
		expect(failed.error?.constructor.name).toMatch(/^Node(Api|Operation)Error$/);
		expect(failed.error?.reconnectRequired).toBe(true);
		expect(`${failed.error?.message} ${failed.error?.description}`).toMatch(/credential/i);
	});

	it('a JTL-FFN credential that is not connected fails with reconnectRequired: true', async () => {
		const failed = await feedTrigger({}, {}).poll();
		expect(failed.error?.reconnectRequired).toBe(true);
		expect(failed.error?.message).toMatch(/Connect my account/);
	});
});

describe('JTL-FFN change feed', () => {
	const feed = 'merchant/outbounds' as const;

	it('emits each change once and in order, following nextChunkUrl; equal times at a window edge do not repeat', async () => {
		jtl.feeds.options = { pageSize: 4, windowMs: 24 * 3_600_000 };
		const trigger = feedTrigger();
		expect((await trigger.poll()).items).toBeNull(); // first activation: from the API's now
		const at = Date.now();
		jtl.feeds.record(feed, Array.from({ length: 10 }, (_, i) => ({ id: `ob${i}`, at: at + (i < 5 ? 0 : 1), fields: { status: 'Shipped' } })));
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(ids((await trigger.poll()).items)).toEqual(Array.from({ length: 10 }, (_, i) => `ob${i}`));
		// The next window starts at the last `to` less the overlap: the same ten come back, none is emitted.
		expect((await trigger.poll()).items).toBeNull();
		// Two changes of one record in the same millisecond are two events.
		const same = Date.now();
		jtl.feeds.record(feed, [{ id: 'ob3', at: same, fields: { status: 'Delivered' } }, { id: 'ob3', at: same, fields: { status: 'Invoiced' } }]);
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect((await trigger.poll()).items).toEqual([expect.objectContaining({ outboundId: 'ob3', status: 'Delivered' }), expect.objectContaining({ outboundId: 'ob3', status: 'Invoiced' })]);
	});

	it('a poll stopped at its record bound says so and resumes at the next chunk', async () => {
		jtl.feeds.options = { pageSize: 3, windowMs: 24 * 3_600_000 };
		const trigger = feedTrigger({ options: { maxRecords: 5 } });
		await trigger.poll();
		jtl.feeds.record(feed, Array.from({ length: 8 }, (_, i) => ({ id: `m${i}`, at: Date.now() + i })));
		await new Promise((resolve) => setTimeout(resolve, 20));
		const first = await trigger.poll();
		expect(ids(first.items)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
		expect(first.warnings).toEqual([expect.stringContaining('(5 records)')]);
		expect(ids((await trigger.poll()).items)).toEqual(['m6', 'm7']);
	});

	it('a poll stopped at its page bound resumes at the chunk it did not fetch; nothing repeats, nothing is skipped', async () => {
		jtl.feeds.options = { pageSize: 3, windowMs: 24 * 3_600_000 };
		const trigger = feedTrigger({ options: { maxPages: 2 } });
		await trigger.poll();
		jtl.feeds.record(feed, Array.from({ length: 14 }, (_, i) => ({ id: `p${String(i).padStart(2, '0')}`, at: Date.now() + i })));
		await new Promise((resolve) => setTimeout(resolve, 30));
		const seen: string[] = [];
		for (let polls = 0; polls < 4; polls++) seen.push(...ids((await trigger.poll()).items));
		expect(seen).toEqual(Array.from({ length: 14 }, (_, i) => `p${String(i).padStart(2, '0')}`));
		expect((await trigger.poll()).items).toBeNull();
	});

	it('a change the API commits late (stamped within the overlap) is still emitted', async () => {
		const trigger = feedTrigger({ options: { overlapSeconds: 60 } });
		await trigger.poll();
		const activatedAt = Date.now();
		await new Promise((resolve) => setTimeout(resolve, 20));
		jtl.feeds.record(feed, [{ id: 'on-time' }]);
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(ids((await trigger.poll()).items)).toEqual(['on-time']);
		// Stamped after activation but before the cursor: the window's overlap must still find it.
		jtl.feeds.record(feed, [{ id: 'late', at: activatedAt + 5 }]);
		expect(ids((await trigger.poll()).items)).toEqual(['late']);
	});

	it('"Fetch Test Event" shows recent real records and does not move the cursor', async () => {
		jtl.feeds.record(feed, [{ id: 'old1', at: Date.now() - 1_800_000 }, { id: 'old2', at: Date.now() - 60_000 }]);
		const trigger = feedTrigger();
		await trigger.poll();
		const before = trigger.saved();
		expect(ids((await trigger.poll('manual')).items)).toEqual(['old1', 'old2']);
		expect(trigger.saved()).toEqual(before);
	});

	it('"Fetch Test Event" with no change within Lookback fails saying so; an active poll then emits a new change once', async () => {
		jtl.feeds.record(feed, [{ id: 'ancient', at: Date.now() - 3 * 3_600_000 }]);
		const trigger = feedTrigger({ options: { lookbackHours: 2 } });
		await trigger.poll();
		const before = trigger.saved();
		const fetched = await trigger.poll('manual');
		expect(fetched.error?.message).toBe('No changes in /v1/merchant/outbounds/updates in the last 2 hours');
		expect(trigger.saved()).toEqual(before);
		jtl.feeds.record(feed, [{ id: 'fresh' }]);
		expect(ids((await trigger.poll()).items)).toEqual(['fresh']);
	});

	it('"start from a date" emits what changed since then', async () => {
		jtl.feeds.record(feed, [{ id: 'before', at: Date.parse('2026-01-01T00:00:00Z') }, { id: 'after', at: Date.now() - 10_000 }]);
		const trigger = feedTrigger({ firstRun: 'date', firstRunDate: new Date(Date.now() - 3_600_000).toISOString() });
		expect(ids((await trigger.poll()).items)).toEqual(['after']);
	});
});
