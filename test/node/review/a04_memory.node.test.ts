/** Claim 2: bounded memory. */
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startSrv, run, OUT, paired, type Srv } from './hostile';

let s: Srv;
beforeAll(async () => (s = await startSrv()));
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
	expect(paired(r.outputs[OUT.success])).toEqual([0]);
	expect(paired(r.outputs[OUT.client])).toContain(1);
	// where does a 503 with a body over the limit go? README: 5xx -> Server Error
	expect(paired(r.outputs[OUT.server])).toEqual([2]);
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
	await run(s, [{ path: '/ok' }], { options: { responseFormat: 'file' } });
	const okFiles = filesUnder(dir).filter((x) => x.size >= 8 * MB);
	expect(okFiles.length).toBe(1);
	const before = new Set(filesUnder(dir).map((x) => x.f));
	const r = await run(s, [{ path: '/broken' }, { path: '/big' }], { options: { responseFormat: 'file', maxFileSizeMb: 2, maxRetries: 0 } });
	expect(r.outputs.flat()).toHaveLength(2);
	expect(paired(r.outputs[OUT.network])).toEqual([0]);
	const left = filesUnder(dir).filter((x) => !before.has(x.f));
	expect(left).toEqual([]);
});

test('M4 a server that stalls mid-body (JSON) with a 1.5 s timeout: routed to Network Error in time', async () => {
	s.handle = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{"a":'); };
	const t0 = Date.now();
	const r = await run(s, [{ path: '/stall' }], { options: { timeout: 1500, maxRetries: 0 } });
	expect(Date.now() - t0).toBeLessThan(6000);
	expect(paired(r.outputs[OUT.network])).toEqual([0]);
});

test('M5 file stall mid-body with 1.5 s timeout: routed', async () => {
	s.handle = (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); res.write('abc'); };
	const t0 = Date.now();
	const r = await run(s, [{ path: '/stallfile' }], { options: { timeout: 1500, maxRetries: 0, responseFormat: 'file' } });
	expect(Date.now() - t0).toBeLessThan(6000);
	expect(r.outputs.flat()).toHaveLength(1);
	expect(paired(r.outputs[OUT.network])).toEqual([0]);
});
