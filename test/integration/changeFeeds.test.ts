/**
 * The simulators' change feeds and growing lists over real HTTP: the documented feed shape, windows and chunks,
 * changes injected through the admin endpoints, and a list that grows and changes.
 */
import { DEMO_CLIENTS, type JtlSimulator, type Simulator, startJasSimulator, startJtlSimulator } from '../../tools/simulators';

let jtl: JtlSimulator;
let jas: Simulator;
let jtlToken = '';
let jasToken = '';

beforeAll(async () => {
	jtl = await startJtlSimulator();
	jas = await startJasSimulator();
	jtlToken = (await jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: 'http://localhost:5678/cb', scope: 'ffn.merchant.read ffn.fulfiller.read' })).access_token;
	const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_CLIENTS.jas.clientId, client_secret: DEMO_CLIENTS.jas.clientSecret });
	const answer = await fetch(`${jas.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form });
	jasToken = ((await answer.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
	await jtl.close();
	await jas.close();
});

type FeedAnswer = { from: string; to: string; data: Array<Record<string, unknown>>; moreDataAvailable: boolean; nextChunkUrl: string | null };
const get = async (url: string, token: string) => await fetch(url, { headers: { authorization: `Bearer ${token}` } });
const admin = async (sim: Simulator, path: string, body: unknown) =>
	await fetch(`${sim.url}/__admin/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('JTL-FFN change feeds', () => {
	it('answer { from, to, data, moreDataAvailable, nextChunkUrl }, in chunks and windows; nextChunkUrl leads through all of it', async () => {
		expect((await admin(jtl, 'feeds', { pageSize: 2, windowSec: 60 })).status).toBe(200);
		const t0 = Date.now() - 150_000;
		const changes = [0, 1, 2, 100_000, 100_001].map((offset, i) => ({ id: `ob${i}`, at: new Date(t0 + offset).toISOString(), fields: { status: 'Shipped' } }));
		expect((await admin(jtl, 'feeds/merchant/outbounds', { changes })).status).toBe(200);
		let url: string | null = `${jtl.url}/api/v1/merchant/outbounds/updates?fromDate=${new Date(t0).toISOString()}`;
		const ids: string[] = [];
		const answers: FeedAnswer[] = [];
		while (url) {
			const answer = (await (await get(url, jtlToken)).json()) as FeedAnswer;
			answers.push(answer);
			ids.push(...answer.data.map((record) => String(record.outboundId)));
			url = answer.moreDataAvailable ? answer.nextChunkUrl : null;
		}
		expect(ids).toEqual(['ob0', 'ob1', 'ob2', 'ob3', 'ob4']);
		expect(answers[0]).toMatchObject({ from: new Date(t0).toISOString(), to: new Date(t0 + 60_000).toISOString(), moreDataAvailable: true });
		expect(answers[0].data[0]).toEqual({ outboundId: 'ob0', status: 'Shipped', modificationInfo: { updatedAt: new Date(t0).toISOString() } });
		expect(answers.at(-1)).toMatchObject({ moreDataAvailable: false, nextChunkUrl: null });
		expect(Date.parse(answers.at(-1)!.to)).toBeLessThanOrEqual(Date.now());
		await admin(jtl, 'feeds', { pageSize: 50, windowSec: 86_400 });
	});

	it('an event at a window\'s `to` is also in the next window (both ends inclusive)', async () => {
		const at = new Date(Date.now() - 10_000).toISOString();
		await admin(jtl, 'feeds/fulfiller/returns', { changes: [{ id: 'r1', at }] });
		const first = (await (await get(`${jtl.url}/api/v1/fulfiller/returns/updates?fromDate=${new Date(Date.now() - 60_000).toISOString()}&toDate=${at}`, jtlToken)).json()) as FeedAnswer;
		const next = (await (await get(`${jtl.url}/api/v1/fulfiller/returns/updates?fromDate=${first.to}`, jtlToken)).json()) as FeedAnswer;
		expect(first.data.map((r) => r.returnId)).toEqual(['r1']);
		expect(next.data.map((r) => r.returnId)).toEqual(['r1']);
	});

	it('refuses a request without fromDate, and a token without the role\'s scope', async () => {
		expect((await get(`${jtl.url}/api/v1/merchant/stocks/updates`, jtlToken)).status).toBe(400);
		const merchantOnly = (await jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: 'http://localhost:5678/cb', scope: 'ffn.merchant.read' })).access_token;
		expect((await get(`${jtl.url}/api/v1/fulfiller/stocks/updates?fromDate=2026-01-01T00:00:00Z`, merchantOnly)).status).toBe(403);
	});
});

describe('growing lists', () => {
	it('grow and change through the admin endpoint; updatedSince lists only what changed', async () => {
		await admin(jas, 'lists/bookings', { records: [{ id: 'b1', ref: 'A' }, { id: 'b2', ref: 'B' }] });
		// The mark must lie after b2's change time: in the same millisecond, "changed since" rightly includes it.
		await new Promise((resolve) => setTimeout(resolve, 5));
		const mark = new Date().toISOString();
		await new Promise((resolve) => setTimeout(resolve, 5));
		await admin(jas, 'lists/bookings', { records: [{ id: 'b1', ref: 'A2' }, { id: 'b3', ref: 'C' }] });
		const all = (await (await get(`${jas.url}/api/lists/bookings?$top=2`, jasToken)).json()) as { items: Array<Record<string, unknown>>; _links: { next?: string } };
		expect(all.items.map((r) => [r.id, r.ref])).toEqual([['b1', 'A2'], ['b2', 'B']]);
		expect(new URL(all._links.next!).searchParams.get('$skip')).toBe('2');
		const changed = (await (await get(`${jas.url}/api/lists/bookings?updatedSince=${mark}`, jasToken)).json()) as { items: Array<Record<string, unknown>> };
		expect(changed.items.map((r) => r.id)).toEqual(['b1', 'b3']);
	});

	it('a POST appends a new record each time (a record posted twice is there twice)', async () => {
		for (let i = 0; i < 2; i++) await fetch(`${jas.url}/api/lists/posted`, { method: 'POST', headers: { authorization: `Bearer ${jasToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ outboundId: 'ob1' }) });
		expect(jas.lists.records('posted').map((r) => [r.id, r.outboundId])).toEqual([['1', 'ob1'], ['2', 'ob1']]);
	});
});
