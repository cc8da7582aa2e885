/**
 * Memory stays flat under big answers (issue 9, class 1): a 1 GB file download streams into n8n's binary data
 * store, and a 300 MB JSON answer is refused at the Max Response Size limit (100 MB) without being held whole.
 * The bound asserted is the issue's: peak RSS under 300 MB above the baseline. The figures are printed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { runNode } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator, startJasSimulator } from '../../tools/simulators';
import { errorOf } from './behaviour.helpers';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type HostileServer, startHostileServer } from '../helpers/hostileServer';
import { paired, run } from './hostile';
import { CATEGORY } from '../../nodes/JasRequest/routing';

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(MB, 'a');

let server: Server;
let url: string;
let jas: Simulator;
beforeAll(async () => {
	jas = await startJasSimulator();
	server = createServer((req, res) => {
		const total = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('mb')) * MB;
		const json = req.url?.startsWith('/json');
		// Chunked, no Content-Length: the limit must be enforced while reading, not from a header.
		res.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/octet-stream' });
		let sent = 0;
		if (json) {
			res.write('{"blob":"');
			sent = 9;
		}
		const pump = () => {
			while (sent < total) {
				sent += CHUNK.length;
				if (!res.write(CHUNK)) return void res.once('drain', pump);
			}
			res.end(json ? '"}' : undefined);
		};
		res.on('close', () => (sent = total));
		pump();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await jas.close();
});

async function peakRssAbove(run: () => Promise<void>): Promise<{ baselineMb: number; peakAboveMb: number }> {
	(global as { gc?: () => void }).gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
	try {
		await run();
	} finally {
		clearInterval(timer);
	}
	peak = Math.max(peak, process.memoryUsage().rss);
	return { baselineMb: Math.round(baseline / MB), peakAboveMb: Math.round((peak - baseline) / MB) };
}

const credentials = () => ({
	jasOAuth2Api: { baseUrl: url, tokenUrl: `${jas.url}/oauth2/token`, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 },
});

it('a 1 GB file download keeps peak RSS under 300 MB above the baseline', async () => {
	let bytes = 0;
	const started = Date.now();
	const memory = await peakRssAbove(async () => {
		const result = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/file.bin?mb=1024', options: { responseFormat: 'file', timeout: 60_000 } },
			items: [{ json: {} }],
			credentials: credentials(),
		});
		bytes = result.outputs[CATEGORY.success][0].binary?.data.bytes ?? 0;
	});
	process.stdout.write(`1 GB download: ${bytes} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s, baseline RSS ${memory.baselineMb} MB, peak +${memory.peakAboveMb} MB\n`);
	expect(bytes).toBe(1024 * MB);
	expect(memory.peakAboveMb).toBeLessThan(300);
}, 180_000);

it('a 300 MB JSON answer is refused at 100 MB, and peak RSS stays under 300 MB above the baseline', async () => {
	let message = '';
	const memory = await peakRssAbove(async () => {
		const result = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/json?mb=300' },
			items: [{ json: {} }],
			credentials: credentials(),
		});
		message = errorOf(result.outputs[CATEGORY.clientError][0]).message;
	});
	process.stdout.write(`300 MB JSON refused: baseline RSS ${memory.baselineMb} MB, peak +${memory.peakAboveMb} MB\n`);
	expect(message).toMatch(/larger than 100 MB.*Max Response Size/);
	expect(memory.peakAboveMb).toBeLessThan(300);
}, 120_000);

describe('bodies never grow past their limits, and a broken download leaves nothing behind', () => {
	let s: HostileServer;
	beforeAll(async () => (s = await startHostileServer()));
	afterAll(async () => await s.close());
	const MB = 1024 * 1024;

	test('M1 gzip / deflate / br bombs (1 MB limit, 200 MB decompressed): nothing inflates', async () => {
		const plain = Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(200 * MB, 0x61), Buffer.from('"}')]);
		const enc: Record<string, Buffer> = { gzip: gzipSync(plain), deflate: deflateSync(plain), br: brotliCompressSync(Buffer.alloc(20 * MB, 0x61)) };
		s.handle = (_req, res, url) => { const e = url.pathname.slice(1); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': e }); res.end(enc[e]); };
		const r = await run(s, [{ path: '/gzip' }, { path: '/deflate' }, { path: '/br' }], { options: { maxResponseSizeMb: 1 } });
		expect(r.outputs.flat()).toHaveLength(3);
		for (const item of r.outputs.flat()) expect(JSON.stringify(item.json).length).toBeLessThan(3 * MB);
	});

	test('M2 chunked body limit exactly, +1 byte; huge 503 error body; huge error body declared', async () => {
		s.handle = (_req, res, url) => {
			const n = url.pathname === '/exact' ? MB : url.pathname === '/plus1' ? MB + 1 : 50 * MB;
			res.writeHead(url.pathname === '/err' ? 503 : 200, { 'Content-Type': 'text/plain' });
			const buf = Buffer.alloc(n, 0x62);
			for (let i = 0; i < n; i += 16384) res.write(buf.subarray(i, i + 16384));
			res.end();
		};
		const r = await run(s, [{ path: '/exact' }, { path: '/plus1' }, { path: '/err' }], { options: { maxResponseSizeMb: 1, maxRetries: 0 } });
		expect(paired(r.outputs[CATEGORY.success])).toEqual([0]);
		expect(paired(r.outputs[CATEGORY.clientError])).toContain(1);
		// where does a 503 with a body over the limit go? README: 5xx -> Server Error
		expect(paired(r.outputs[CATEGORY.serverError])).toEqual([2]);
	});

	function filesUnder(dir: string): Array<{ f: string; size: number }> {
		const out: Array<{ f: string; size: number }> = [];
		const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else out.push({ f: p, size: statSync(p).size }); } };
		walk(dir); return out;
	}

	test('M3 file download breaking off mid-stream / over Max File Size: item routed, and no partial file left behind', async () => {
		s.handle = (_req, res, url) => {
			res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(8 * MB) });
			if (url.pathname === '/ok') return void res.end(Buffer.alloc(8 * MB, 3));
			const first = Buffer.alloc(url.pathname === '/broken' ? 1 * MB : 4 * MB, 1);
			res.write(first, () => { if (url.pathname === '/broken') setTimeout(() => res.destroy(), 50); else res.end(Buffer.alloc(4 * MB, 2)); });
		};
		const dir = process.env.N8N_USER_FOLDER!;
		// The file's other tests store downloads in the same folder: count this one's.
		const bigFiles = () => filesUnder(dir).filter((x) => x.size >= 8 * MB).length;
		const stored = bigFiles();
		await run(s, [{ path: '/ok' }], { options: { responseFormat: 'file' } });
		expect(bigFiles()).toBe(stored + 1);
		const before = new Set(filesUnder(dir).map((x) => x.f));
		const r = await run(s, [{ path: '/broken' }, { path: '/big' }], { options: { responseFormat: 'file', maxFileSizeMb: 2, maxRetries: 0 } });
		expect(r.outputs.flat()).toHaveLength(2);
		expect(paired(r.outputs[CATEGORY.networkError])).toEqual([0]);
		const left = filesUnder(dir).filter((x) => !before.has(x.f));
		expect(left).toEqual([]);
	});

	test('M4 a server that stalls mid-body (JSON) with a 1.5 s timeout: routed to Network Error in time', async () => {
		s.handle = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{"a":'); };
		const t0 = Date.now();
		const r = await run(s, [{ path: '/stall' }], { options: { timeout: 1500, maxRetries: 0 } });
		expect(Date.now() - t0).toBeLessThan(6000);
		expect(paired(r.outputs[CATEGORY.networkError])).toEqual([0]);
	});

	test('M5 file stall mid-body with 1.5 s timeout: routed', async () => {
		s.handle = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); res.write('abc'); };
		const t0 = Date.now();
		const r = await run(s, [{ path: '/stallfile' }], { options: { timeout: 1500, maxRetries: 0, responseFormat: 'file' } });
		expect(Date.now() - t0).toBeLessThan(6000);
		expect(r.outputs.flat()).toHaveLength(1);
		expect(paired(r.outputs[CATEGORY.networkError])).toEqual([0]);
	});
});
