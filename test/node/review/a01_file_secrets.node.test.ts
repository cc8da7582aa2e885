/** Claim 1, file mode: the byte scrubber and the binary metadata. */
import { binaryBuffer } from '../../helpers/runNode';
import { startSrv, run, OUT, bearerOf, type Srv } from './hostile';

let s: Srv;
// b64token-grammar token with + / = (and & like the project's own hostile tokens)
const mk = () => `Zb64+tok/${Math.random().toString(36).slice(2)}+Q&r=/${Date.now()}==`;
beforeAll(async () => (s = await startSrv(mk)));
afterAll(async () => await s.close());

const fileOpts = { options: { responseFormat: 'file' } };

test('attack F1, now refused: Content-Type carrying the token -> binary.mimeType', async () => {
	s.handle = (req, res) => {
		res.writeHead(200, { 'Content-Type': `application/x.${bearerOf(req)}; charset=utf-8` });
		res.end('hello');
	};
	// the harness leak guard (raw token registered) throws "LEAK: ... at .binary.data.mimeType" if it leaks
	const r = await run(s, [{ path: '/f' }], fileOpts);
	expect(JSON.stringify(r.outputs[OUT.success][0].binary)).not.toContain(s.tokens[s.tokens.length - 1]);
});

test('attack F2, now refused: token percent-encoded as Python quote() does (/ kept) inside file bytes', async () => {
	s.handle = (req, res) => {
		const t = bearerOf(req);
		const q = t.replace(/[^A-Za-z0-9_.~/-]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
		res.writeHead(200, { 'Content-Type': 'text/csv' });
		res.end(`id,link\n1,https://api/x?access_token=${q}\n`);
	};
	const r = await run(s, [{ path: '/export.csv' }], fileOpts);
	const bytes = (await binaryBuffer(r.outputs[OUT.success][0], 'data')).toString();
	expect(decodeURIComponent(bytes)).not.toContain(s.tokens[s.tokens.length - 1]);
});

test('attack F3, now refused: token JSON-escaped the Go way (& -> \\u0026) inside a downloaded JSON file', async () => {
	s.handle = (req, res) => {
		const t = bearerOf(req);
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(`{"echo":"${t.replace(/&/g, '\\u0026').replace(/</g, '\\u003c')}"}`);
	};
	const r = await run(s, [{ path: '/dump.json' }], fileOpts);
	const bytes = (await binaryBuffer(r.outputs[OUT.success][0], 'data')).toString();
	expect(JSON.parse(bytes).echo).not.toBe(s.tokens[s.tokens.length - 1]);
});

test('attack F4, now refused: Latin-1 token echoed UTF-8 encoded by a plain Node JSON echo, in a file', async () => {
	const latin = await startSrv(() => `t\u00f6ken-\u00e9-${Math.random().toString(36).slice(2)}-abcdef`);
	try {
		latin.handle = (req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ auth: req.headers.authorization })); // Node decodes latin1 header, writes UTF-8
		};
		const r = await run(latin, [{ path: '/echo.json' }], fileOpts);
		expect(latin.lastAuth[0]).toContain('\u00f6'); // the token really went out
		const bytes = (await binaryBuffer(r.outputs[OUT.success][0], 'data')).toString('utf8');
		expect(bytes).not.toContain(latin.tokens[0]);
	} finally { await latin.close(); }
});

test('F6 raw token split across many tiny delayed chunks, and base64 at offsets 0/1/2 (control: should hold)', async () => {
	s.handle = (req, res) => {
		const t = bearerOf(req);
		const payload = `a${t}b` + ['', 'x', 'xy'].map((p) => ' ' + Buffer.from(p + t).toString('base64') + ' ' + Buffer.from(p + t).toString('base64url')).join('') + ' ' + encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
		res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
		let i = 0;
		const step = () => { if (i >= payload.length) return void res.end(); res.write(payload.slice(i, i + 3)); i += 3; setTimeout(step, 1); };
		step();
	};
	const r = await run(s, [{ path: '/blob' }], fileOpts);
	const bytes = (await binaryBuffer(r.outputs[OUT.success][0], 'data')).toString('latin1');
	const t = s.tokens[s.tokens.length - 1];
	expect(bytes).not.toContain(t);
});

test('attack F7, now refused: fullResponse in file mode: Set-Cookie (a credential header) reaches the item', async () => {
	s.handle = (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': 'session=abc123-api-session; HttpOnly' });
		res.end('x');
	};
	const r = await run(s, [{ path: '/f.txt' }], { options: { responseFormat: 'file', fullResponse: true } });
	expect(JSON.stringify(r.outputs[OUT.success][0].json)).not.toContain('set-cookie');
});

test('F8 file name from odd Content-Disposition syntaxes (control)', async () => {
	s.handle = (req, res, url) => {
		const t = bearerOf(req);
		const v = url.searchParams.get('v');
		const cd = v === '1' ? `attachment; filename="${t}.pdf"` : v === '2' ? `attachment; filename*=utf-8'en'${encodeURIComponent(t)}%ZZ.pdf` : v === '3' ? `attachment;filename=${encodeURIComponent(t)}` : `attachment; filename*="UTF-8''${encodeURIComponent(t)}"`;
		res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': cd });
		res.end('%PDF');
	};
	const r = await run(s, [1, 2, 3, 4].map((v) => ({ path: `/d?v=${v}` })), fileOpts);
	const names = r.outputs[OUT.success].map((i) => i.binary?.data.fileName);
	for (const n of names) expect(n).toContain('[redacted]');
});
