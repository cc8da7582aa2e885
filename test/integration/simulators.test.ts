/**
 * The provider simulators themselves: token endpoints as docs/providers.md describes them, the protected test API, token faults,
 * admin endpoints and stats. Client: Node's global fetch.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import {
	DEMO_CLIENTS,
	deterministicBytes,
	startAllSimulators,
	startJasSimulator,
	startJtlSimulator,
	startPartnerSimulator,
	type JtlSimulator,
	type Simulator,
	type TokenFault,
} from '../../tools/simulators';

const FORM = 'application/x-www-form-urlencoded';
const JTL_REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';
const ALL_SCOPES = 'ffn.merchant.read ffn.merchant.write ffn.fulfiller.read ffn.fulfiller.write';

let jas: Simulator;
let partner: Simulator;
let jtl: JtlSimulator;

beforeAll(async () => {
	[jas, partner, jtl] = await Promise.all([startJasSimulator(), startPartnerSimulator(), startJtlSimulator()]);
});

afterAll(async () => {
	await Promise.all([jas.close(), partner.close(), jtl.close()]);
});

afterEach(() => {
	for (const sim of [jas, partner, jtl]) {
		sim.setTokenFault(null);
		sim.setLatency(0);
	}
	jas.setTokenLifetime(600);
	partner.setTokenLifetime(3600);
	jtl.setTokenLifetime(1800);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function form(fields: Record<string, string>): string {
	return new URLSearchParams(fields).toString();
}

function jasTokenRequest(fields?: Record<string, string>, headers?: Record<string, string>): Promise<Response> {
	return fetch(`${jas.url}/oauth2/token`, {
		method: 'POST',
		headers: { 'Content-Type': FORM, ...headers },
		body: form(fields ?? { grant_type: 'client_credentials', ...clientFields(DEMO_CLIENTS.jas) }),
	});
}

function clientFields(c: { clientId: string; clientSecret: string }): Record<string, string> {
	return { client_id: c.clientId, client_secret: c.clientSecret };
}

async function jasToken(): Promise<string> {
	const res = await jasTokenRequest();
	expect(res.status).toBe(200);
	return ((await res.json()) as { access_token: string }).access_token;
}

function partnerTokenRequest(body: unknown, headers?: Record<string, string>): Promise<Response> {
	return fetch(`${partner.url}/api/oauth/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

const partnerCredentials = {
	grant_type: 'client_credentials',
	client_id: DEMO_CLIENTS.partner.clientId,
	client_secret: DEMO_CLIENTS.partner.clientSecret,
};

function basic(id: string, secret: string): string {
	return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

const jtlBasic = basic(DEMO_CLIENTS.jtl.clientId, DEMO_CLIENTS.jtl.clientSecret);

function jtlTokenRequest(fields: Record<string, string>, authorization: string | null = jtlBasic): Promise<Response> {
	return fetch(`${jtl.url}/token`, {
		method: 'POST',
		headers: { 'Content-Type': FORM, ...(authorization ? { Authorization: authorization } : {}) },
		body: form(fields),
	});
}

function authorizeUrl(params: Record<string, string>): string {
	return `${jtl.url}/authorize?${new URLSearchParams(params).toString()}`;
}

async function jtlCode(scope = ALL_SCOPES, redirectUri = JTL_REDIRECT): Promise<string> {
	const res = await fetch(
		authorizeUrl({ response_type: 'code', client_id: DEMO_CLIENTS.jtl.clientId, redirect_uri: redirectUri, scope }),
		{ redirect: 'manual' },
	);
	expect(res.status).toBe(302);
	return new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
}

function jtlTokens(scope = ALL_SCOPES): ReturnType<JtlSimulator['authorizeAndExchange']> {
	return jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: JTL_REDIRECT, scope });
}

function api(sim: Simulator, pathAndQuery: string, token?: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
	return fetch(`${sim.url}${pathAndQuery}`, { ...init, headers });
}

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
	return (await res.json()) as T;
}

describe('JAS token endpoint (docs/providers.md#jas)', () => {
	test('issues a 43-char base64url Bearer token for 600 s with no-store', async () => {
		jas.resetStats();
		const res = await jasTokenRequest();
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const body = await json(res);
		expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
		expect(body.token_type).toBe('Bearer');
		expect(body.expires_in).toBe(600);
		expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(jas.issuedSecrets()).toContain(body.access_token);
		expect(jas.stats).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
	});

	test('accepts a charset parameter on the form content type', async () => {
		const res = await jasTokenRequest(undefined, { 'Content-Type': `${FORM}; charset=UTF-8` });
		expect(res.status).toBe(200);
	});

	test('400 when Content-Type is missing', async () => {
		const res = await fetch(`${jas.url}/oauth2/token`, {
			method: 'POST',
			body: new TextEncoder().encode(form({ grant_type: 'client_credentials', ...clientFields(DEMO_CLIENTS.jas) })),
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Missing Content-Type header' });
	});

	test('415 for a JSON body', async () => {
		const res = await fetch(`${jas.url}/oauth2/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ grant_type: 'client_credentials', ...clientFields(DEMO_CLIENTS.jas) }),
		});
		expect(res.status).toBe(415);
		const body = await json(res);
		expect(body.error).toBe('unsupported_media_type');
		expect(body.error_description).toMatch(/^Unsupported Content-type/);
	});

	test('405 for GET, with Allow: POST', async () => {
		const res = await fetch(`${jas.url}/oauth2/token`);
		expect(res.status).toBe(405);
		expect(res.headers.get('allow')).toBe('POST');
		expect(await res.json()).toEqual({ error: 'method_not_allowed', error_description: 'Method not allowed' });
	});

	test('406 when Accept excludes JSON; a low-q */* still admits it', async () => {
		const refused = await jasTokenRequest(undefined, { Accept: 'text/html' });
		expect(refused.status).toBe(406);
		expect((await json(refused)).error_description).toMatch(/^Unsupported Accept Header/);
		const admitted = await jasTokenRequest(undefined, { Accept: 'text/html, */*;q=0.1' });
		expect(admitted.status).toBe(200);
	});

	test('401 invalid_client for a wrong secret or an unknown client', async () => {
		const wrong = await jasTokenRequest({ grant_type: 'client_credentials', client_id: DEMO_CLIENTS.jas.clientId, client_secret: 'nope' });
		expect(wrong.status).toBe(401);
		expect((await json(wrong)).error).toBe('invalid_client');
		const unknown = await jasTokenRequest({ grant_type: 'client_credentials', client_id: 'who', client_secret: 'x' });
		expect(unknown.status).toBe(401);
	});

	test('403 Access Denied for a client without subscription', async () => {
		const res = await jasTokenRequest({ grant_type: 'client_credentials', ...clientFields(DEMO_CLIENTS.jasNoSubscription) });
		expect(res.status).toBe(403);
		const body = await json(res);
		expect(body.error).toBe('access_denied');
		expect(body.error_description).toMatch(/^Access Denied/);
	});

	test('credentials in a Basic header instead of the body are refused (No Auth)', async () => {
		const res = await jasTokenRequest(
			{ grant_type: 'client_credentials' },
			{ Authorization: basic(DEMO_CLIENTS.jas.clientId, DEMO_CLIENTS.jas.clientSecret) },
		);
		expect(res.status).toBe(400);
		const body = await json(res);
		expect(body.error).toBe('invalid_request');
		expect(body.error_description).toMatch(/client_id/);
	});

	test('400 for another grant type or a missing client_secret', async () => {
		const grant = await jasTokenRequest({ grant_type: 'password', ...clientFields(DEMO_CLIENTS.jas) });
		expect(grant.status).toBe(400);
		expect((await json(grant)).error).toBe('unsupported_grant_type');
		const secret = await jasTokenRequest({ grant_type: 'client_credentials', client_id: DEMO_CLIENTS.jas.clientId });
		expect(secret.status).toBe(400);
		expect((await json(secret)).error).toBe('invalid_request');
	});
});

describe('Partner token endpoint (docs/providers.md#partner-api)', () => {
	test('issues a Bearer token for 3600 s from a JSON body, without refresh_token', async () => {
		const res = await partnerTokenRequest(partnerCredentials);
		expect(res.status).toBe(200);
		const body = await json(res);
		expect(body).toEqual({ token_type: 'Bearer', expires_in: 3600, access_token: expect.stringMatching(/^[\w-]{43}$/) });
		const echo = await api(partner, '/api/echo', body.access_token as string);
		expect(echo.status).toBe(200);
	});

	test('415 for a form body or no Content-Type', async () => {
		const formRes = await partnerTokenRequest(form(partnerCredentials), { 'Content-Type': FORM });
		expect(formRes.status).toBe(415);
		expect((await json(formRes)).error_description).toMatch(/application\/json/);
		const none = await fetch(`${partner.url}/api/oauth/token`, {
			method: 'POST',
			body: new TextEncoder().encode(JSON.stringify(partnerCredentials)),
		});
		expect(none.status).toBe(415);
	});

	test('406 when Accept excludes JSON, 400 for a body that is not JSON, 405 for GET', async () => {
		expect((await partnerTokenRequest(partnerCredentials, { Accept: 'text/plain' })).status).toBe(406);
		const bad = await partnerTokenRequest('{"grant_type": ');
		expect(bad.status).toBe(400);
		expect((await json(bad)).error).toBe('invalid_request');
		expect((await fetch(`${partner.url}/api/oauth/token`)).status).toBe(405);
	});

	test('tokens cannot be refreshed: grant_type=refresh_token → unsupported_grant_type', async () => {
		const res = await partnerTokenRequest({ ...partnerCredentials, grant_type: 'refresh_token', refresh_token: 'x' });
		expect(res.status).toBe(400);
		const body = await json(res);
		expect(body.error).toBe('unsupported_grant_type');
		expect(body.error_description).toMatch(/cannot be refreshed/);
	});

	test('401 invalid_client for a wrong secret', async () => {
		const res = await partnerTokenRequest({ ...partnerCredentials, client_secret: 'wrong' });
		expect(res.status).toBe(401);
		expect((await json(res)).error).toBe('invalid_client');
	});
});

interface ProductsPage {
	items: Array<{ id: string }>;
	_page: { total: number; top: number; skip: number };
	_links: { next?: string };
}

describe('JTL-FFN authorization code flow (docs/providers.md#jtl-ffn)', () => {
	test('authorize redirects to the callback with a code and the echoed state', async () => {
		const res = await fetch(
			authorizeUrl({ response_type: 'code', client_id: DEMO_CLIENTS.jtl.clientId, redirect_uri: JTL_REDIRECT, scope: 'ffn.merchant.read', state: 's-1' }),
			{ redirect: 'manual' },
		);
		expect(res.status).toBe(302);
		const location = new URL(res.headers.get('location') ?? '');
		expect(`${location.origin}${location.pathname}`).toBe(JTL_REDIRECT);
		expect(location.searchParams.get('state')).toBe('s-1');
		expect(location.searchParams.get('code')).toMatch(/^[\w-]{43}$/);
		const noState = new URL(
			(await fetch(authorizeUrl({ response_type: 'code', client_id: DEMO_CLIENTS.jtl.clientId, redirect_uri: JTL_REDIRECT, scope: 'ffn.merchant.read' }), { redirect: 'manual' })).headers.get('location') ?? '',
		);
		expect(noState.searchParams.has('state')).toBe(false);
	});

	test('unknown client or foreign redirect_uri: 400 page, never a redirect', async () => {
		const cases = [
			{ client_id: 'nobody', redirect_uri: JTL_REDIRECT },
			{ client_id: DEMO_CLIENTS.jtl.clientId, redirect_uri: 'https://evil.example/cb' },
			{ client_id: DEMO_CLIENTS.jtl.clientId, redirect_uri: 'http://localhost.evil.example/cb' },
		];
		for (const c of cases) {
			const res = await fetch(authorizeUrl({ response_type: 'code', scope: 'ffn.merchant.read', state: 'x', ...c }), { redirect: 'manual' });
			expect(res.status).toBe(400);
			expect(res.headers.get('location')).toBeNull();
			expect(res.headers.get('content-type')).toMatch(/text\/html/);
		}
	});

	test('bad response_type or scope: redirect with the error and state', async () => {
		const base = { client_id: DEMO_CLIENTS.jtl.clientId, redirect_uri: JTL_REDIRECT, state: 'st' };
		const rt = new URL((await fetch(authorizeUrl({ ...base, response_type: 'token', scope: 'ffn.merchant.read' }), { redirect: 'manual' })).headers.get('location') ?? '');
		expect(rt.searchParams.get('error')).toBe('unsupported_response_type');
		expect(rt.searchParams.get('state')).toBe('st');
		const sc = new URL((await fetch(authorizeUrl({ ...base, response_type: 'code', scope: 'ffn.merchant.read admin' }), { redirect: 'manual' })).headers.get('location') ?? '');
		expect(sc.searchParams.get('error')).toBe('invalid_scope');
		expect(sc.searchParams.has('code')).toBe(false);
	});

	test('code exchange returns access + refresh token; codes are single-use and bound to redirect_uri', async () => {
		const tokens = await jtlTokens('ffn.merchant.read ffn.merchant.write');
		expect(tokens).toEqual({
			token_type: 'Bearer',
			expires_in: 1800,
			access_token: expect.stringMatching(/^[\w-]{43}$/),
			refresh_token: expect.stringMatching(/^[\w-]{64}$/),
			scope: 'ffn.merchant.read ffn.merchant.write',
		});
		expect(jtl.issuedSecrets()).toEqual(expect.arrayContaining([tokens.access_token, tokens.refresh_token]));

		jtl.resetStats();
		const code = await jtlCode();
		const mismatch = await jtlTokenRequest({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:1/other' });
		expect(mismatch.status).toBe(400);
		expect((await json(mismatch)).error).toBe('invalid_grant');
		const first = await jtlTokenRequest({ grant_type: 'authorization_code', code, redirect_uri: JTL_REDIRECT });
		expect(first.status).toBe(200);
		const again = await jtlTokenRequest({ grant_type: 'authorization_code', code, redirect_uri: JTL_REDIRECT });
		expect(again.status).toBe(400);
		expect((await json(again)).error).toBe('invalid_grant');
		expect(jtl.stats.invalidGrant).toBe(2);
	});

	test('refresh tokens rotate and are single-use; a spent one is invalid_grant', async () => {
		const tokens = await jtlTokens();
		jtl.resetStats();
		const refreshed = await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
		expect(refreshed.status).toBe(200);
		const next = await json<{ access_token: string; refresh_token: string; scope: string }>(refreshed);
		expect(next.access_token).not.toBe(tokens.access_token);
		expect(next.refresh_token).not.toBe(tokens.refresh_token);
		expect(next.scope).toBe(ALL_SCOPES);

		const spent = await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
		expect(spent.status).toBe(400);
		expect(await spent.json()).toMatchObject({ error: 'invalid_grant' });
		const unknown = await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: 'never-issued' });
		expect(unknown.status).toBe(400);

		const newest = await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: next.refresh_token });
		expect(newest.status).toBe(200);
		expect(jtl.stats).toMatchObject({ refreshRequests: 4, invalidGrant: 2, tokensIssued: 2 });
	});

	test('client auth is HTTP Basic only', async () => {
		const tokens = await jtlTokens();
		const inBody = await jtlTokenRequest(
			{ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...clientFields(DEMO_CLIENTS.jtl) },
			null,
		);
		expect(inBody.status).toBe(401);
		expect(inBody.headers.get('www-authenticate')).toMatch(/^Basic /);
		expect((await json(inBody)).error).toBe('invalid_client');
		const wrong = await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, basic(DEMO_CLIENTS.jtl.clientId, 'nope'));
		expect(wrong.status).toBe(401);
		// neither attempt spent the refresh token
		expect((await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(200);
	});

	test('client_credentials is not supported: 400 unauthorized_client', async () => {
		const res = await jtlTokenRequest({ grant_type: 'client_credentials' });
		expect(res.status).toBe(400);
		expect((await json(res)).error).toBe('unauthorized_client');
	});

	test('users/current and scope checks on merchant / fulfiller paths', async () => {
		const { access_token } = await jtlTokens('ffn.merchant.read');
		const me = await api(jtl, '/api/v1/users/current', access_token);
		expect(await me.json()).toEqual({ userId: expect.any(String), scopes: ['ffn.merchant.read'] });
		expect((await api(jtl, '/api/v1/merchant/products', access_token)).status).toBe(200);
		const outbounds = await json(await api(jtl, '/api/v1/merchant/outbounds?$top=2', access_token));
		expect(outbounds).toMatchObject({ items: [{ outboundId: 'ob-00001', status: 'Pending' }, { outboundId: 'ob-00002', status: 'Acknowledged' }], _page: { total: 95 } });
		const write = await api(jtl, '/api/v1/merchant/outbounds', access_token, { method: 'POST', body: '{}' });
		expect(write.status).toBe(403);
		expect(write.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
		expect((await json(write)).error).toBe('insufficient_scope');
		expect((await api(jtl, '/api/v1/fulfiller/inbounds', access_token)).status).toBe(403);

		const writer = await jtlTokens('ffn.merchant.write');
		const posted = await api(jtl, '/api/v1/merchant/outbounds', writer.access_token, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: '{"a":1}',
		});
		expect(posted.status).toBe(200);
		expect((await json(posted)).bodyJson).toEqual({ a: 1 });
	});

	test('products list pages through _links.next (95 by default)', async () => {
		const { access_token } = await jtlTokens('ffn.merchant.read');
		const ids: string[] = [];
		let next: string | undefined = `${jtl.url}/api/v1/merchant/products?$top=40`;
		let pages = 0;
		while (next) {
			const res: Response = await fetch(next, { headers: { Authorization: `Bearer ${access_token}` } });
			const page = await json<ProductsPage>(res);
			expect(page._page).toEqual({ total: 95, top: 40, skip: pages * 40 });
			ids.push(...page.items.map((i) => i.id));
			next = page._links.next;
			pages += 1;
		}
		expect(pages).toBe(3);
		expect(new Set(ids).size).toBe(95);
		expect(ids[0]).toBe('prod-00001');
	});
});

describe('protected API', () => {
	test('401 for a missing, unknown or foreign token; counted', async () => {
		jas.resetStats();
		const missing = await api(jas, '/api/echo');
		expect(missing.status).toBe(401);
		expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
		const unknown = await api(jas, '/api/echo', 'made-up');
		expect(unknown.status).toBe(401);
		expect(unknown.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
		expect((await json(unknown)).error).toBe('invalid_token');
		const partnerToken = ((await json(await partnerTokenRequest(partnerCredentials))) as { access_token: string }).access_token;
		expect((await api(jas, '/api/echo', partnerToken)).status).toBe(401);
		expect(jas.stats).toMatchObject({ apiRequests: 3, unauthorized: 3, expiredTokenRejections: 0 });
	});

	test('401 for an expired token, counted as an expired-token rejection', async () => {
		jas.setTokenLifetime(1);
		const res = await jasTokenRequest();
		const { access_token, expires_in } = await json<{ access_token: string; expires_in: number }>(res);
		expect(expires_in).toBe(1);
		expect((await api(jas, '/api/echo', access_token)).status).toBe(200);
		jas.resetStats();
		await sleep(1100);
		const expired = await api(jas, '/api/echo', access_token);
		expect(expired.status).toBe(401);
		expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
		expect(jas.stats).toMatchObject({ unauthorized: 1, expiredTokenRejections: 1 });
	});

	test('echo reflects the request without authorization or cookie', async () => {
		const token = await jasToken();
		const res = await api(jas, '/api/echo/a/b?x=1&x=2&y=z', token, {
			method: 'PUT',
			headers: { 'Content-Type': 'application/json', Cookie: 'session=1', 'X-Custom': 'yes' },
			body: '{"hello":"world"}',
		});
		const body = await json(res);
		expect(body).toMatchObject({
			method: 'PUT',
			path: '/api/echo/a/b',
			query: { x: ['1', '2'], y: 'z' },
			contentType: 'application/json',
			bodyText: '{"hello":"world"}',
			bodyJson: { hello: 'world' },
		});
		const headers = body.headers as Record<string, string>;
		expect(headers['x-custom']).toBe('yes');
		expect(headers.authorization).toBeUndefined();
		expect(headers.cookie).toBeUndefined();
		expect(JSON.stringify(body)).not.toContain(token);

		const bin = await json(await api(jas, '/api/echo', token, { method: 'POST', body: new Uint8Array([0xff, 0xfe, 0x00]) }));
		expect(bin.bodyText).toBeNull();
		expect(bin.bodyBase64).toBe(Buffer.from([0xff, 0xfe, 0x00]).toString('base64'));
	});

	test('status/<code> answers that status, Retry-After on request, no body for 204', async () => {
		const token = await jasToken();
		const limited = await api(jas, '/api/status/429?retryAfter=7', token);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('7');
		expect(await limited.json()).toEqual({ status: 429, message: 'Rate Limit Exceeded' });
		const teapot = await api(jas, '/api/status/418', token, { method: 'DELETE' });
		expect(teapot.status).toBe(418);
		const empty = await api(jas, '/api/status/204', token);
		expect(empty.status).toBe(204);
		expect(await empty.text()).toBe('');
	});

	test('flaky/<key> fails N times then succeeds; /__admin/reset restarts the count', async () => {
		const token = await jasToken();
		const call = (): Promise<Response> => api(jas, '/api/flaky/k1?failures=2&status=503&retryAfter=1', token);
		const first = await call();
		expect(first.status).toBe(503);
		expect(first.headers.get('retry-after')).toBe('1');
		expect((await call()).status).toBe(503);
		const third = await call();
		expect(third.status).toBe(200);
		expect(await third.json()).toEqual({ key: 'k1', calls: 3 });
		expect((await fetch(`${jas.url}/__admin/reset`, { method: 'POST' })).status).toBe(200);
		expect((await call()).status).toBe(503);
	});

	test('slow waits, drop destroys the socket, redirect redirects', async () => {
		const token = await jasToken();
		jas.resetStats();
		const started = Date.now();
		const slow = await api(jas, '/api/slow?ms=200', token);
		expect(slow.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		expect(jas.stats.apiLatenciesMs[0]).toBeGreaterThanOrEqual(190);

		await expect(api(jas, '/api/drop', token)).rejects.toThrow();

		const manual = await api(jas, '/api/redirect?to=/api/echo&status=307', token, { redirect: 'manual' });
		expect(manual.status).toBe(307);
		expect(manual.headers.get('location')).toBe('/api/echo');
		const followed = await api(jas, `/api/redirect?to=${encodeURIComponent(`${jas.url}/api/echo?from=redirect`)}`, token);
		expect(followed.status).toBe(200);
		expect((await json(followed)).query).toEqual({ from: 'redirect' });
	});

	test('binary download and upload', async () => {
		const token = await jasToken();
		const bin = await api(jas, '/api/binary?bytes=1000', token);
		expect(bin.headers.get('content-type')).toBe('application/octet-stream');
		expect(bin.headers.get('content-disposition')).toBe('attachment; filename="data.bin"');
		const bytes = Buffer.from(await bin.arrayBuffer());
		expect(bytes.equals(deterministicBytes(1000))).toBe(true);

		const up = await api(jas, '/api/upload', token, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: bytes });
		expect(await up.json()).toEqual({
			bytes: 1000,
			sha256: createHash('sha256').update(bytes).digest('hex'),
			contentType: 'image/png',
		});
	});

	test('items: offset paging with an absolute _links.next, omitted on the last page', async () => {
		const token = await jasToken();
		const first = await json<{ items: Array<{ id: number }>; _page: object; _links: { next?: string } }>(
			await api(jas, '/api/items?total=45&$top=20', token),
		);
		expect(first._page).toEqual({ total: 45, top: 20, skip: 0 });
		expect(first.items).toHaveLength(20);
		expect(first._links.next).toBe(`${jas.url}/api/items?total=45&%24top=20&%24skip=20`);
		const last = await json<{ items: Array<{ id: number }>; _links: { next?: string } }>(
			await api(jas, '/api/items?total=45&$top=20&$skip=40', token),
		);
		expect(last.items.map((i) => i.id)).toEqual([41, 42, 43, 44, 45]);
		expect(last._links.next).toBeUndefined();
		expect((await api(jas, '/api/items?$top=-1', token)).status).toBe(400);
	});

	test('pages: JSON array with a Link rel="next" header until the last page', async () => {
		const token = await jasToken();
		const seen: number[] = [];
		let url: string | undefined = `${jas.url}/api/pages?total=25&pageSize=10`;
		let requests = 0;
		while (url) {
			const res: Response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
			const items = await json<Array<{ id: number }>>(res);
			expect(Array.isArray(items)).toBe(true);
			seen.push(...items.map((i) => i.id));
			url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
			requests += 1;
		}
		expect(requests).toBe(3);
		expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
	});

	test('unknown /api path: 404 with the JAS text', async () => {
		const res = await api(jas, '/api/nope', await jasToken());
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: 'not_found', message: 'Requested Resource not Found' });
	});

	test('tracks concurrent requests and injected latency', async () => {
		const token = await jasToken();
		jas.resetStats();
		await Promise.all(Array.from({ length: 5 }, () => api(jas, '/api/slow?ms=150', token)));
		expect(jas.stats.maxInFlight).toBe(5);
		expect(jas.stats.inFlight).toBe(0);
		expect(jas.stats.apiLatenciesMs).toHaveLength(5);

		jas.setLatency(150);
		let started = Date.now();
		expect((await jasTokenRequest()).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		started = Date.now();
		expect((await api(jas, '/api/echo', token)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(jas.stats.apiLatenciesMs[5]).toBeGreaterThanOrEqual(140);
	});
});

describe('token faults', () => {
	async function faulted(fault: TokenFault): Promise<Response> {
		jas.setTokenFault(fault);
		return jasTokenRequest();
	}

	test('status with Retry-After, cleared after `times`', async () => {
		const res = await faulted({ kind: 'status', status: 429, retryAfter: '2', times: 1 });
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('2');
		expect(await res.json()).toEqual({ error: 'rate_limit_exceeded', error_description: 'Rate Limit Exceeded' });
		expect((await jasTokenRequest()).status).toBe(200);
		const unlimited = await faulted({ kind: 'status', status: 503 });
		expect(unlimited.status).toBe(503);
		expect((await jasTokenRequest()).status).toBe(503);
	});

	test('html and notJson bodies', async () => {
		const html = await faulted({ kind: 'html' });
		expect(html.status).toBe(200);
		expect(html.headers.get('content-type')).toMatch(/^text\/html/);
		expect(await html.text()).toMatch(/^<!DOCTYPE html>/);
		const notJson = await faulted({ kind: 'notJson' });
		expect(notJson.headers.get('content-type')).toMatch(/^application\/json/);
		await expect(notJson.json()).rejects.toThrow();
	});

	test('corrupted success bodies', async () => {
		expect(await (await faulted({ kind: 'missingAccessToken' })).json()).not.toHaveProperty('access_token');
		expect((await json(await faulted({ kind: 'emptyAccessToken' }))).access_token).toBe('');
		expect((await json(await faulted({ kind: 'wrongTokenType' }))).token_type).toBe('mac');
		const bad = await json(await faulted({ kind: 'badExpiresIn' }));
		expect(typeof bad.expires_in).not.toBe('number');
		const noExpiry = await json(await faulted({ kind: 'noExpiresIn' }));
		expect(noExpiry).not.toHaveProperty('expires_in');
		// the token in an answer without expires_in is real
		expect((await api(jas, '/api/echo', noExpiry.access_token as string)).status).toBe(200);
	});

	test('drop and slow', async () => {
		jas.resetStats();
		await expect(faulted({ kind: 'drop', times: 1 })).rejects.toThrow();
		expect(jas.stats.tokenRequests).toBe(1);
		const started = Date.now();
		const slow = await faulted({ kind: 'slow', delayMs: 300 });
		expect(slow.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	test('a fault before the grant leaves a JTL refresh token unspent', async () => {
		const tokens = await jtlTokens();
		jtl.setTokenFault({ kind: 'status', status: 500, times: 1 });
		expect((await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(500);
		expect((await jtlTokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(200);
	});

	test('a fault on the Partner endpoint', async () => {
		partner.setTokenFault({ kind: 'wrongTokenType', times: 1 });
		expect((await json(await partnerTokenRequest(partnerCredentials))).token_type).toBe('mac');
		expect((await json(await partnerTokenRequest(partnerCredentials))).token_type).toBe('Bearer');
	});
});

describe('admin endpoints', () => {
	test('stats, config and reset over HTTP', async () => {
		await fetch(`${partner.url}/__admin/reset`, { method: 'POST' });
		const token = ((await json(await partnerTokenRequest(partnerCredentials))) as { access_token: string }).access_token;
		await api(partner, '/api/echo', token);
		await api(partner, '/api/echo');

		const stats = await json(await fetch(`${partner.url}/__admin/stats`));
		expect(stats).toMatchObject({ tokenRequests: 1, tokensIssued: 1, apiRequests: 2, unauthorized: 1 });
		expect(stats).not.toHaveProperty('apiLatenciesMs');
		const withLatencies = await json(await fetch(`${partner.url}/__admin/stats?latencies=1`));
		expect(withLatencies.apiLatenciesMs).toHaveLength(2);

		const config = await fetch(`${partner.url}/__admin/config`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ tokenFault: { kind: 'status', status: 500, times: 1 }, tokenLifetimeSec: 42, latencyMs: 0 }),
		});
		expect(config.status).toBe(200);
		expect((await partnerTokenRequest(partnerCredentials)).status).toBe(500);
		expect((await json(await partnerTokenRequest(partnerCredentials))).expires_in).toBe(42);

		const invalid = await fetch(`${partner.url}/__admin/config`, { method: 'POST', body: JSON.stringify({ tokenFault: { kind: 'bogus' } }) });
		expect(invalid.status).toBe(400);
		expect((await fetch(`${partner.url}/__admin/stats`, { method: 'DELETE' })).status).toBe(405);

		expect((await fetch(`${partner.url}/__admin/reset`, { method: 'POST' })).status).toBe(200);
		expect(await json(await fetch(`${partner.url}/__admin/stats`))).toMatchObject({ tokenRequests: 0, apiRequests: 0, unauthorized: 0 });
	});
});

describe('API rate limit (one bucket for every caller)', () => {
	test('refuses beyond the bucket for all callers alike, with or without Retry-After, and reports the busiest second', async () => {
		const sim = await startJasSimulator();
		try {
			const token = ((await json(await fetch(`${sim.url}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': FORM }, body: form({ grant_type: 'client_credentials', client_id: DEMO_CLIENTS.jas.clientId, client_secret: DEMO_CLIENTS.jas.clientSecret }) }))) as { access_token: string }).access_token;
			const config = await fetch(`${sim.url}/__admin/config`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ apiRateLimit: { perSecond: 2, burst: 3 } }) });
			expect((await json(config)).apiRateLimit).toEqual({ perSecond: 2, burst: 3, retryAfter: true });
			// Two callers (no keep-alive shared), one bucket: 3 pass, the rest is refused.
			const answers = await Promise.all(Array.from({ length: 6 }, () => api(sim, '/api/echo', token, { headers: { connection: 'close' } })));
			expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
			expect(answers.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('1');
			sim.setApiRateLimit({ perSecond: 2, burst: 1, retryAfter: false });
			await sleep(600);
			const [ok, refused] = [await api(sim, '/api/echo', token), await api(sim, '/api/echo', token)];
			expect([ok.status, refused.status]).toEqual([200, 429]);
			expect(refused.headers.get('retry-after')).toBeNull();
			expect(await json(await fetch(`${sim.url}/__admin/stats`))).toMatchObject({ rateLimited: 4, busiestSecond: 4 });
			const invalid = await fetch(`${sim.url}/__admin/config`, { method: 'POST', body: JSON.stringify({ apiRateLimit: { perSecond: -1 } }) });
			expect(invalid.status).toBe(400);
		} finally {
			await sim.close();
		}
	});
});

describe('lifecycle', () => {
	test('close() is prompt with a keep-alive socket and a request in progress', async () => {
		const sim = await startJasSimulator({ tokenLifetimeSec: 5, clients: [{ clientId: 'c', clientSecret: 's' }] });
		const res = await fetch(`${sim.url}/oauth2/token`, {
			method: 'POST',
			headers: { 'Content-Type': FORM },
			body: form({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's' }),
		});
		const { access_token, expires_in } = await json<{ access_token: string; expires_in: number }>(res);
		expect(expires_in).toBe(5);
		const pending = api(sim, '/api/slow?ms=20000', access_token).catch((err: unknown) => err);
		await sleep(50);
		const started = Date.now();
		await sim.close();
		expect(Date.now() - started).toBeLessThan(1000);
		// the in-progress request fails instead of hanging (TypeError from another realm, so no toBeInstanceOf)
		expect(await pending).toHaveProperty('message', 'fetch failed');
	});

	test('startAllSimulators starts three distinct servers', async () => {
		const all = await startAllSimulators({ latencyMs: 0 });
		try {
			expect(new Set([all.jas.url, all.partner.url, all.jtl.url]).size).toBe(3);
			expect([all.jas.name, all.partner.name, all.jtl.name]).toEqual(['jas', 'partner', 'jtl']);
			const tokens = await all.jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: 'http://127.0.0.1:9/cb', scope: 'ffn.fulfiller.read' });
			expect(tokens.scope).toBe('ffn.fulfiller.read');
		} finally {
			await all.close();
		}
	});

	test('cli prints the URLs as one JSON line and stops on SIGTERM', async () => {
		const root = path.resolve(__dirname, '../..');
		const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'tools/simulators/cli.ts')], {
			env: { ...process.env, SIM_TOKEN_LIFETIME: '77' },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		try {
			const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
			const urls = JSON.parse(line) as Record<string, string>;
			expect(Object.keys(urls)).toEqual(['jas', 'partner', 'jtl']);
			const res = await fetch(`${urls.jas}/oauth2/token`, {
				method: 'POST',
				headers: { 'Content-Type': FORM },
				body: form({ grant_type: 'client_credentials', ...clientFields(DEMO_CLIENTS.jas) }),
			});
			expect((await json(res)).expires_in).toBe(77);
		} finally {
			const exited = once(child, 'exit');
			child.kill('SIGTERM');
			const [code] = (await exited) as [number | null];
			expect(code).toBe(0);
		}
	});
});
