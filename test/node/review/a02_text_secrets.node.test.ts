/** Claim 1, JSON/text mode and messages. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecrets } from '../../../tools/simulators/secretRegistry';
import { startSrv, run, OUT, bearerOf, errorOf, dump } from './hostile';

test('attack T1, now refused: token with a space, echoed form-style (+ for space, / kept) in JSON', async () => {
	const s = await startSrv(() => `Sp ace/${Math.random().toString(36).slice(2)}/tok-abcdef`);
	try {
		s.handle = (req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ next: `/items?cursor=2&access_token=${bearerOf(req).replace(/ /g, '+')}` }));
		};
		const r = await run(s, [{ path: '/x' }]);
		expect(s.lastAuth[0]).toContain(' ');
		const out = String(r.outputs[OUT.success][0].json.next);
		expect(out.replace(/\+/g, ' ')).not.toContain(s.tokens[0]);
	} finally { await s.close(); }
});

test('attack T5, now refused: token endpoint echoes the client secret in token_type / expires_in: the message cut (slice 40) happens before scrubbing', async () => {
	const secret = `cs-${'k'.repeat(10)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
	registerSecrets(secret);
	const tokenServer = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const posted = new URLSearchParams(body).get('client_secret');
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ access_token: 'whatever-token-xyz-123', token_type: `${posted}` }));
		});
	});
	await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
	const s = await startSrv();
	try {
		const url = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
		const r = await run(s, [{ path: '/x' }], {}, { credentials: { baseUrl: s.url, tokenUrl: url, clientId: 'cid', clientSecret: secret } });
		const msg = errorOf(r.outputs[OUT.auth][0]).message as string;
		expect(msg).not.toContain(secret.slice(0, 35));
	} finally { await s.close(); await new Promise<void>((r) => tokenServer.close(() => r())); }
});

test('T6 control: raw, %-mixed-case, \\/, \\u-mixed, base64 offsets 0-2, base64url, keys, Link & Location & custom header names', async () => {
	const s = await startSrv(() => `Zb64+tok/${Math.random().toString(36).slice(2)}+Q&r=/x==`);
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
		const b = r.outputs[OUT.success][0].json.body as Record<string, string>;
		expect(Object.values(b).filter((v) => v !== 'key').every((v) => /\[redacted\]/.test(v))).toBe(true);
	} finally { await s.close(); }
});

test('T7 control: a JSON body served as text/plain with the token double-escaped (\\\\u002B) and the reason phrase', async () => {
	const s = await startSrv(() => `Zb64+tok/${Math.random().toString(36).slice(2)}+Q=x`);
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
