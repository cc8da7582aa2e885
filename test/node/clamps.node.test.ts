/** Every number option stays within its documented range, whatever an expression or an old workflow delivers. */
import { readSettings } from '../../nodes/JasRequest/settings';
import { type HostileServer, startHostileServer } from '../helpers/hostileServer';
import { run } from './hostile';
import { CATEGORY } from '../../nodes/JasRequest/routing';

describe('option values are clamped to their ranges', () => {
	let s: HostileServer;
	beforeAll(async () => (s = await startHostileServer()));
	// Hostile values through expressions; the two that read as tiny legal timeouts (5 ms, 16 ms) are judged apart.
	const weird = ['={{ NaN }}', '={{ Infinity }}', '={{ -Infinity }}', '={{ -1 }}', '={{ "1e999" }}', '={{ {a:1} }}', '={{ [5] }}', '={{ true }}', '={{ " 5 " }}', '={{ 1e308 }}', '={{ "0x10" }}', '={{ null }}'];
	const tinyTimeouts = new Set(['={{ " 5 " }}', '={{ "0x10" }}']);
	afterAll(async () => await s.close());

	test('N1 hostile option values through expressions: NaN, Infinity, -1, "1e999", objects, arrays, booleans, " 5 "', async () => {
		s.handle = (_req, res) => res.end('{"ok":1}');
		for (const v of weird) {
			const r = await run(s, [{ path: '/x' }, { path: '/y' }], { options: { concurrency: v, ...(tinyTimeouts.has(v) ? {} : { timeout: v }), maxRetries: v, maxRetryWait: v, maxResponseSizeMb: v, maxFileSizeMb: v, maxRequestsPerSecond: v }, paginationMode: 'nextUrl', nextUrlField: 'nope', maxPages: v });
			expect(r.outputs[CATEGORY.success]).toHaveLength(2);
		}
	});

	test('N1b tiny legal Timeout values through expressions (" 5 ", "0x10"): every item ends on one output, a failure only as that timeout', async () => {
		// " 5 " is 5 ms and "0x10" 16 ms: legal values a loaded machine may rightly exceed, so the rule is "no item is
		// lost and none crashes the run", and a failure may only be the timeout itself.
		s.handle = (_req, res) => res.end('{"ok":1}');
		for (const v of tinyTimeouts) {
			const r = await run(s, [{ path: '/x' }, { path: '/y' }], { options: { timeout: v, maxRetries: 0 } });
			const all = r.outputs.flat();
			expect(all).toHaveLength(2);
			// The Timeout bounds the token wait too: a timeout may end the item on Auth Error (no token in time) or on
			// Network Error (no answer in time), each saying so.
			for (const item of r.outputs[CATEGORY.networkError]) expect(JSON.stringify(item.json)).toMatch(/no complete response within (5|16) ms/);
			for (const item of r.outputs[CATEGORY.authError]) expect(JSON.stringify(item.json)).toMatch(/No token within this item's Timeout/);
			expect(r.outputs[CATEGORY.success].length + r.outputs[CATEGORY.networkError].length + r.outputs[CATEGORY.authError].length).toBe(2);
		}
	});

	test('N2 settings: every number within its documented range for hostile raw values (unit)', () => {
		const vals: unknown[] = [NaN, Infinity, -Infinity, -1, 1e308, '1e999', {}, [7], true, ' 5 ', '0x10', null, -0, 1e-9, '  ', 'abc'];
		for (const v of vals) {
			const st = readSettings({ concurrency: v, timeout: v, maxRetries: v, maxRetryWait: v, maxResponseSizeMb: v, maxFileSizeMb: v, maxRequestsPerSecond: v } as any);
			expect(st.concurrency).toBeGreaterThanOrEqual(1); expect(st.concurrency).toBeLessThanOrEqual(100);
			expect(st.maxResponseBytes).toBeGreaterThanOrEqual(1024 * 1024);
			expect(Number.isFinite(st.timeoutMs)).toBe(true);
		}
	});

	test('attack N3, now refused: Timeout 0.5 ms (a positive value) is floored to 0 = no timeout at all: a stalled server holds the item forever', async () => {
		s.handle = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{'); };
		const ctl = new AbortController();
		const t = setTimeout(() => ctl.abort(), 5000);
		const t0 = Date.now();
		await run(s, [{ path: '/stall' }], { options: { timeout: 0.5, maxRetries: 0 } }, { signal: ctl.signal }).catch((e) => e);
		clearTimeout(t);
		expect(Date.now() - t0).toBeLessThan(4000);
	});

	test('attack N4, now refused: Max File Size 0.0000001 MB (positive) rounds to 0 bytes = no limit: a 3 MB download is accepted', async () => {
		s.handle = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); res.end(Buffer.alloc(3 * 1024 * 1024, 1)); };
		const r = await run(s, [{ path: '/f.bin' }], { options: { responseFormat: 'file', maxFileSizeMb: 0.0000001 } });
		expect(r.outputs[CATEGORY.success]).toHaveLength(0);
	});
});
