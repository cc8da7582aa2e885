/**
 * No secret (token, client secret) in any output, in any spelling: downloaded files (bytes, name, type), text and JSON
 * answers, messages, error items. Hostile servers on 127.0.0.1 echo the token back every way they can.
 */
import { binaryBuffer } from '../helpers/runNode';
import { bearerOf, type HostileServer, startHostileServer } from '../helpers/hostileServer';
import { dump, errorOf, run } from './hostile';
import { CATEGORY } from '../../nodes/JasRequest/routing';
import { registerSecrets } from '../../tools/simulators/secretRegistry';

describe('no secret in a downloaded file: bytes, name, type, headers', () => {
	let s: HostileServer;
	// b64token-grammar token with + / = (and & like the project's own hostile tokens)
	const mk = () => `Zb64+tok/${Math.random().toString(36).slice(2)}+Q&r=/${Date.now()}==`;
	beforeAll(async () => (s = await startHostileServer(mk)));
	afterAll(async () => await s.close());

	const fileOpts = { options: { responseFormat: 'file' } };

	test('attack F1, now refused: Content-Type carrying the token -> binary.mimeType', async () => {
		s.handle = (req, res) => {
			res.writeHead(200, { 'Content-Type': `application/x.${bearerOf(req)}; charset=utf-8` });
			res.end('hello');
		};
		// the harness leak guard (raw token registered) throws "LEAK: ... at .binary.data.mimeType" if it leaks
		const r = await run(s, [{ path: '/f' }], fileOpts);
		expect(JSON.stringify(r.outputs[CATEGORY.success][0].binary)).not.toContain(s.tokens[s.tokens.length - 1]);
	});

	test('attack F2, now refused: token percent-encoded as Python quote() does (/ kept) inside file bytes', async () => {
		s.handle = (req, res) => {
			const t = bearerOf(req);
			const q = t.replace(/[^A-Za-z0-9_.~/-]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
			res.writeHead(200, { 'Content-Type': 'text/csv' });
			res.end(`id,link\n1,https://api/x?access_token=${q}\n`);
		};
		const r = await run(s, [{ path: '/export.csv' }], fileOpts);
		const bytes = (await binaryBuffer(r.outputs[CATEGORY.success][0], 'data')).toString();
		expect(decodeURIComponent(bytes)).not.toContain(s.tokens[s.tokens.length - 1]);
	});

	test('attack F3, now refused: token JSON-escaped the Go way (& -> \\u0026) inside a downloaded JSON file', async () => {
		s.handle = (req, res) => {
			const t = bearerOf(req);
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(`{"echo":"${t.replace(/&/g, '\\u0026').replace(/</g, '\\u003c')}"}`);
		};
		const r = await run(s, [{ path: '/dump.json' }], fileOpts);
		const bytes = (await binaryBuffer(r.outputs[CATEGORY.success][0], 'data')).toString();
		expect(JSON.parse(bytes).echo).not.toBe(s.tokens[s.tokens.length - 1]);
	});

	test('attack F4, now refused: Latin-1 token echoed UTF-8 encoded by a plain Node JSON echo, in a file', async () => {
		const latin = await startHostileServer(() => `t\u00f6ken-\u00e9-${Math.random().toString(36).slice(2)}-abcdef`);
		try {
			latin.handle = (req, res) => {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ auth: req.headers.authorization })); // Node decodes latin1 header, writes UTF-8
			};
			const r = await run(latin, [{ path: '/echo.json' }], fileOpts);
			expect(latin.lastAuth[0]).toContain('\u00f6'); // the token really went out
			const bytes = (await binaryBuffer(r.outputs[CATEGORY.success][0], 'data')).toString('utf8');
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
		const bytes = (await binaryBuffer(r.outputs[CATEGORY.success][0], 'data')).toString('latin1');
		const t = s.tokens[s.tokens.length - 1];
		expect(bytes).not.toContain(t);
	});

	test('attack F7, now refused: fullResponse in file mode: Set-Cookie (a credential header) reaches the item', async () => {
		s.handle = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': 'session=abc123-api-session; HttpOnly' });
			res.end('x');
		};
		const r = await run(s, [{ path: '/f.txt' }], { options: { responseFormat: 'file', fullResponse: true } });
		expect(JSON.stringify(r.outputs[CATEGORY.success][0].json)).not.toContain('set-cookie');
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
		const names = r.outputs[CATEGORY.success].map((i) => i.binary?.data.fileName);
		for (const n of names) expect(n).toContain('[redacted]');
	});
});

describe('no secret in a text or JSON answer, or a message', () => {
	test('attack T1, now refused: token with a space, echoed form-style (+ for space, / kept) in JSON', async () => {
		const s = await startHostileServer(() => `Sp ace/${Math.random().toString(36).slice(2)}/tok-abcdef`);
		try {
			s.handle = (req, res) => {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ next: `/items?cursor=2&access_token=${bearerOf(req).replace(/ /g, '+')}` }));
			};
			const r = await run(s, [{ path: '/x' }]);
			expect(s.lastAuth[0]).toContain(' ');
			const out = String(r.outputs[CATEGORY.success][0].json.next);
			expect(out.replace(/\+/g, ' ')).not.toContain(s.tokens[0]);
		} finally { await s.close(); }
	});

	test('attack T5, now refused: token endpoint echoes the client secret in token_type / expires_in: the message cut (slice 40) happens before scrubbing', async () => {
		const secret = `cs-${'k'.repeat(10)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
		registerSecrets(secret);
		const s = await startHostileServer();
		s.tokenHandle = (req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				const posted = new URLSearchParams(body).get('client_secret');
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ access_token: 'whatever-token-xyz-123', token_type: `${posted}` }));
			});
		};
		try {
			const r = await run(s, [{ path: '/x' }], {}, { credentials: { baseUrl: s.url, tokenUrl: `${s.url}/oauth2/token`, clientId: 'cid', clientSecret: secret } });
			const msg = errorOf(r.outputs[CATEGORY.authError][0]).message as string;
			expect(msg).not.toContain(secret.slice(0, 35));
		} finally { await s.close(); }
	});

	test('T6 control: raw, %-mixed-case, \\/, \\u-mixed, base64 offsets 0-2, base64url, keys, Link & Location & custom header names', async () => {
		const s = await startHostileServer(() => `Zb64+tok/${Math.random().toString(36).slice(2)}+Q&r=/x==`);
		try {
			s.handle = (req, res) => {
				const t = bearerOf(req);
				const mixed = Array.from(t, (c, i) => (/[A-Za-z0-9]/.test(c) ? c : i % 2 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}` : `%${c.charCodeAt(0).toString(16)}`)).join('');
				const body: Record<string, string> = { raw: t, mixed, php: t.replace(/\//g, '\\/') };
				['', 'a', 'ab'].forEach((p, i) => { body[`b${i}`] = Buffer.from(p + t + 'zz').toString('base64'); body[`u${i}`] = Buffer.from(p + t).toString('base64url'); });
				body[t] = 'key';
				const json = JSON.stringify(body).replace('"php":"' + JSON.stringify(t.replace(/\//g, '\\/')).slice(1, -1) + '"', `"php":"${t.replace(/\//g, '\\/')}"`);
				res.writeHead(302, { 'Content-Type': 'application/json', Location: `/next?t=${encodeURIComponent(t)}`, Link: `</p2?access_token=${t}>; rel="next"`, 'X-Echo': req.headers.authorization ?? '' });
				res.end(json);
			};
			const r = await run(s, [{ path: '/x' }], { options: { followRedirects: false, fullResponse: true } });
			const out = dump(r);
			const t = s.tokens[0];
			for (const f of [t, encodeURIComponent(t), Buffer.from(t).toString('base64')]) expect(out).not.toContain(f);
			const b = r.outputs[CATEGORY.success][0].json.body as Record<string, string>;
			expect(Object.values(b).filter((v) => v !== 'key').every((v) => /\[redacted\]/.test(v))).toBe(true);
		} finally { await s.close(); }
	});

	test('T7 control: a JSON body served as text/plain with the token double-escaped (\\\\u002B) and the reason phrase', async () => {
		const s = await startHostileServer(() => `Zb64+tok/${Math.random().toString(36).slice(2)}+Q=x`);
		try {
			s.handle = (req, res) => {
				const t = bearerOf(req);
				res.statusMessage = `Bad ${t}`;
				res.writeHead(422, { 'Content-Type': 'text/plain' });
				res.end(JSON.stringify({ e: JSON.stringify({ t }) }));
			};
			const r = await run(s, [{ path: '/x' }]);
			expect(dump(r)).not.toContain(s.tokens[0].slice(0, 20));
		} finally { await s.close(); }
	});
});

describe('no secret in an error item', () => {
	test('R4 error items: echoed Authorization in headers and body, Set-Cookie, WWW-Authenticate with token (control)', async () => {
		const s = await startHostileServer();
		s.handle = (req, res) => { res.writeHead(400, { 'Content-Type': 'application/json', 'Set-Cookie': 'sid=1', 'X-Echo': req.headers.authorization!, 'WWW-Authenticate': `Bearer error="invalid_token", token="${bearerOf(req)}"` }); res.end(JSON.stringify({ got: req.headers.authorization })); };
		try {
			const r = await run(s, [{ path: '/x' }]);
			const e = errorOf(r.outputs[CATEGORY.clientError][0]);
			expect(e.headers).toBeDefined();
			expect(e.headers?.['set-cookie']).toBeUndefined();
			expect(dump(r)).not.toContain(s.tokens[0]);
		} finally { await s.close(); }
	});
});
