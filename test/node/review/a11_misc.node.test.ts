import { registerSecrets } from '../../../tools/simulators/secretRegistry';
import { startSrv, run, OUT, bearerOf, errorOf, paired, dump, client, sleep } from './hostile';

test('R1 renewal fails (500) while the old token is still valid: items keep working; after expiry: Auth Error, routed', async () => {
	const s = await startSrv();
	let fail = false;
	s.tokenHandle = (req, res) => { req.resume(); if (fail) { res.writeHead(500); return void res.end('{"error":"down"}'); } const t = `r1-tok-${Math.random()}`; registerSecrets(t); s.tokens.push(t); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ access_token: t, expires_in: 8 })); };
	s.handle = (req, res) => res.end(JSON.stringify({ ok: s.tokens.includes(bearerOf(req)) }));
	const creds = { baseUrl: s.url, ...client(), renewalMarginSec: 60 };
	try {
		await run(s, [{ path: '/a' }], {}, { credentials: creds });
		fail = true;
		await sleep(6200); // renewal due (margin = lifetime/4 = 2 s), token valid until 8 s: room for the token request's retries
		const r = await run(s, [{ path: '/b' }], { options: { maxRetries: 0 } }, { credentials: creds });
		expect(paired(r.outputs[OUT.success])).toEqual([0]);
		await sleep(2500); // now expired
		const r2 = await run(s, [{ path: '/c' }, { path: '/d' }], {}, { credentials: creds });
		expect(paired(r2.outputs[OUT.auth])).toEqual([0, 1]);
	} finally { await s.close(); }
}, 40000);

test('R2 egress policy: a redirect hop to a blocked host is refused, the blocked host never contacted, message scrubbed', async () => {
	const s = await startSrv(); const evil = await startSrv();
	s.handle = (req, res) => { res.writeHead(302, { Location: `${evil.url}/x?t=${encodeURIComponent(bearerOf(req))}` }); res.end(); };
	const egress = {
		validateUrl: async (u: string) => (u.startsWith(evil.url) ? { ok: false, error: Object.assign(new Error(`blocked ${u}`), { name: 'SsrfBlockedIpError' }) } : { ok: true }),
		validateRedirectSync: (u: string) => { if (u.startsWith(evil.url)) throw Object.assign(new Error(`redirect blocked ${u}`), { name: 'SsrfBlockedIpError' }); },
	};
	try {
		const r = await run(s, [{ path: '/go' }], { options: { maxRetries: 0 } }, { helpersOverride: { getSecureEgressFilter: () => egress } as never });
		expect(evil.apiRequests).toBe(0);
		expect(r.outputs.flat()).toHaveLength(1);
		expect(dump(r)).not.toContain(encodeURIComponent(s.tokens[0]));
	} finally { await s.close(); await evil.close(); }
});

test('R4 error items: echoed Authorization in headers and body, Set-Cookie, WWW-Authenticate with token (control)', async () => {
	const s = await startSrv();
	s.handle = (req, res) => { res.writeHead(400, { 'Content-Type': 'application/json', 'Set-Cookie': 'sid=1', 'X-Echo': req.headers.authorization!, 'WWW-Authenticate': `Bearer error="invalid_token", token="${bearerOf(req)}"` }); res.end(JSON.stringify({ got: req.headers.authorization })); };
	try {
		const r = await run(s, [{ path: '/x' }]);
		const e = errorOf(r.outputs[OUT.client][0]);
		expect(e.headers['set-cookie']).toBeUndefined();
		expect(dump(r)).not.toContain(s.tokens[0]);
	} finally { await s.close(); }
});
