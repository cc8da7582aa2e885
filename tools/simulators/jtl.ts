/**
 * JTL-FFN (docs/providers.md#jtl-ffn): authorization-code grant. GET /authorize auto-approves as the demo user and redirects with a
 * single-use code (or, with requireConsent(true), first shows a login/consent page whose Approve / Deny links come
 * back with decision=approve|deny, as a user in a browser would see it); POST /token authenticates the client by HTTP Basic only and issues an access token plus a
 * single-use, rotating refresh token. The API under /api/v1 checks the ffn.{merchant,fulfiller}.{read,write} scopes.
 */
import { echoReply, offsetPage } from './apiRoutes';
import { ChangeFeeds, feedAdmin } from './changeFeeds';
import { startSimulator, type ApiRequest, type ProviderSpec, type SimContext, type SimRequest } from './common';
import { apiError, headerValue, httpError, jsonReply, mediaType, oauthError, parseForm, randomSecret, type Reply } from './http';
import type { ClientConfig, JtlSimulator, JtlTokenResponse, SimulatorOptions } from './types';

export const JTL_DEMO_CLIENT = { clientId: 'jtl-demo-client', clientSecret: 'jtl-demo-secret-9b26fa' } as const;
export const FFN_SCOPES = ['ffn.fulfiller.read', 'ffn.fulfiller.write', 'ffn.merchant.read', 'ffn.merchant.write'] as const;
export const JTL_DEMO_USER_ID = 'jtl-demo-user-46209';

const CODE_TTL_MS = 60_000;
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="jtl-ffn", charset="UTF-8"' };

interface CodeGrant {
	clientId: string;
	redirectUri: string;
	scopes: string[];
	expiresAt: number;
}

interface RefreshGrant {
	clientId: string;
	scopes: string[];
}

function allowedScopes(client: ClientConfig): readonly string[] {
	return client.scopes ?? FFN_SCOPES;
}

/** Exact match against registered URIs; otherwise only http://localhost or http://127.0.0.1 (any port/path). */
function redirectAllowed(client: ClientConfig, uri: string): boolean {
	if (client.redirectUris) return client.redirectUris.includes(uri);
	try {
		const url = new URL(uri);
		return (
			url.protocol === 'http:' &&
			(url.hostname === 'localhost' || url.hostname === '127.0.0.1') &&
			!url.username &&
			!url.password &&
			!url.hash
		);
	} catch {
		return false;
	}
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function errorPage(status: number, message: string, headers?: Record<string, string>): Reply {
	return {
		status,
		headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers },
		raw: `<!DOCTYPE html><html><head><title>Authorization error</title></head><body><h1>Authorization error</h1><p>${escapeHtml(message)}</p></body></html>`,
	};
}

/** The page a user sees before approving: who is logged in, what the client asks for, Approve / Deny. */
function consentPage(clientId: string, scopes: string[], url: URL): Reply {
	const choice = (decision: string): string => {
		const next = new URL(url);
		next.searchParams.set('decision', decision);
		return escapeHtml(next.pathname + next.search);
	};
	const items = scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
	return {
		status: 200,
		headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
		raw:
			`<!DOCTYPE html><html><head><title>JTL-FFN: authorize access</title></head>` +
			`<body style="font-family:sans-serif;max-width:32em;margin:3em auto"><h1>JTL-FFN (simulator)</h1>` +
			`<p>Logged in as <b>${escapeHtml(JTL_DEMO_USER_ID)}</b>.</p>` +
			`<p>The application <b>${escapeHtml(clientId)}</b> asks for access to:</p><ul>${items}</ul>` +
			`<p><a id="approve" href="${choice('approve')}">Approve</a> &nbsp; <a id="deny" href="${choice('deny')}">Deny</a></p></body></html>`,
	};
}

function redirectTo(uri: string, params: Record<string, string | null>): Reply {
	const url = new URL(uri);
	for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
	return { status: 302, headers: { Location: url.toString() } };
}

/** Decodes `Basic base64(id:secret)`; id and secret may be form-urlencoded (RFC 6749 §2.3.1) or raw. */
function basicCredentials(header: string | undefined): Array<{ id: string; secret: string }> | undefined {
	const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header ?? '');
	if (!match?.[1]) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	const raw = { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
	const formDecode = (s: string): string => {
		try {
			return decodeURIComponent(s.replace(/\+/g, ' '));
		} catch {
			return s;
		}
	};
	return [raw, { id: formDecode(raw.id), secret: formDecode(raw.secret) }];
}

/** Per-instance JTL state and handlers. */
function jtlSpec(): ProviderSpec & { requireConsent(on: boolean): void; feeds: ChangeFeeds } {
	let consentRequired = false;
	const feeds = new ChangeFeeds();
	const codes = new Map<string, CodeGrant>();
	const refreshTokens = new Map<string, RefreshGrant>();

	function authorize(ctx: SimContext, url: URL): Reply {
		const q = url.searchParams;
		const client = ctx.clients.get(q.get('client_id') ?? '');
		if (!client) return errorPage(400, 'Unknown or missing client_id.');
		const redirectUri = q.get('redirect_uri');
		if (!redirectUri || !redirectAllowed(client, redirectUri)) {
			return errorPage(400, 'The redirect_uri is missing or does not match the callback URI registered for this client.');
		}
		const state = q.get('state');
		const fail = (error: string, description: string): Reply =>
			redirectTo(redirectUri, { error, error_description: description, state });
		const responseType = q.get('response_type');
		if (!responseType) return fail('invalid_request', 'response_type is required');
		if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
		const scopes = [...new Set((q.get('scope') ?? '').split(' ').filter(Boolean))];
		if (scopes.length === 0) return fail('invalid_scope', 'scope is required');
		const notAllowed = scopes.filter((s) => !allowedScopes(client).includes(s));
		if (notAllowed.length > 0) return fail('invalid_scope', `Scope not allowed for this client: ${notAllowed.join(' ')}`);
		// The demo user is always logged in; without consent required, they approve every allowed scope at once.
		const decision = q.get('decision');
		if (decision === 'deny') return fail('access_denied', 'The user denied the request');
		if (decision !== 'approve' && consentRequired) return consentPage(client.clientId, scopes, url);
		const code = randomSecret(32);
		codes.set(code, { clientId: client.clientId, redirectUri, scopes, expiresAt: Date.now() + CODE_TTL_MS });
		return redirectTo(redirectUri, { code, state });
	}

	function issue(ctx: SimContext, clientId: string, scopes: string[]): Reply {
		const { accessToken, expiresIn } = ctx.issueAccessToken(clientId, scopes, JTL_DEMO_USER_ID);
		const refreshToken = ctx.newSecret(48);
		refreshTokens.set(refreshToken, { clientId, scopes });
		return jsonReply(200, {
			token_type: 'Bearer',
			expires_in: expiresIn,
			access_token: accessToken,
			refresh_token: refreshToken,
			scope: scopes.join(' '),
		});
	}

	function invalidGrant(ctx: SimContext, description: string): Reply {
		ctx.stats.invalidGrant += 1;
		return oauthError(400, 'invalid_grant', description);
	}

	function codeGrant(ctx: SimContext, clientId: string, params: Map<string, string>): Reply {
		const code = params.get('code');
		if (!code) return oauthError(400, 'invalid_request', 'code is required');
		const grant = codes.get(code);
		if (grant && grant.expiresAt <= Date.now()) codes.delete(code);
		if (!grant || grant.expiresAt <= Date.now() || grant.clientId !== clientId) {
			return invalidGrant(ctx, 'The authorization code is invalid, expired, already used or was issued to another client');
		}
		if (params.get('redirect_uri') !== grant.redirectUri) {
			return invalidGrant(ctx, 'redirect_uri does not match the one used in the authorization request');
		}
		codes.delete(code);
		return issue(ctx, clientId, grant.scopes);
	}

	function refreshGrant(ctx: SimContext, clientId: string, params: Map<string, string>): Reply {
		const refreshToken = params.get('refresh_token');
		if (!refreshToken) return oauthError(400, 'invalid_request', 'refresh_token is required');
		const grant = refreshTokens.get(refreshToken);
		if (!grant || grant.clientId !== clientId) {
			return invalidGrant(ctx, 'The refresh token is invalid, already used or was issued to another client');
		}
		const requested = params.get('scope');
		const scopes = requested ? [...new Set(requested.split(' ').filter(Boolean))] : grant.scopes;
		if (scopes.some((s) => !grant.scopes.includes(s))) {
			return oauthError(400, 'invalid_scope', 'The requested scope exceeds the scope originally granted');
		}
		refreshTokens.delete(refreshToken); // single use: rotate
		return issue(ctx, clientId, scopes);
	}

	function token(ctx: SimContext, req: SimRequest): Reply {
		if (req.method !== 'POST') return httpError(405, undefined, { Allow: 'POST' });
		if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
			return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
		}
		const form = parseForm(req.body);
		if ('repeated' in form) return oauthError(400, 'invalid_request', `${form.repeated} must not be repeated`);
		const { params } = form;
		const grantType = params.get('grant_type');
		if (grantType === 'refresh_token') ctx.stats.refreshRequests += 1;

		const candidates = basicCredentials(headerValue(req.headers.authorization));
		if (!candidates) {
			const inBody = params.has('client_id') || params.has('client_secret');
			return oauthError(
				401,
				'invalid_client',
				inBody
					? 'Client credentials in the request body are not accepted; use HTTP Basic authentication'
					: 'Client authentication required (HTTP Basic)',
				BASIC_CHALLENGE,
			);
		}
		const client = candidates.map((c) => ctx.authenticateClient(c.id, c.secret)).find((c) => c !== undefined);
		if (!client) return oauthError(401, 'invalid_client', 'Unknown client or wrong client secret', BASIC_CHALLENGE);
		if (params.has('client_secret')) {
			return oauthError(400, 'invalid_request', 'Use only one client authentication method (HTTP Basic)');
		}
		if (params.has('client_id') && params.get('client_id') !== client.clientId) {
			return oauthError(400, 'invalid_request', 'client_id does not match the authenticated client');
		}

		switch (grantType) {
			case 'authorization_code':
				return codeGrant(ctx, client.clientId, params);
			case 'refresh_token':
				return refreshGrant(ctx, client.clientId, params);
			case 'client_credentials':
				return oauthError(
					400,
					'unauthorized_client',
					'The client_credentials grant is not supported; use the authorization code grant',
				);
			case undefined:
			case '':
				return oauthError(400, 'invalid_request', 'grant_type is required');
			default:
				return oauthError(400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported`);
		}
	}

	function api(req: ApiRequest): Reply | undefined {
		const path = req.url.pathname;
		if (path === '/api/v1/users/current') return jsonReply(200, { userId: req.token.userId, scopes: req.token.scopes });
		const area = /^\/api\/v1\/(merchant|fulfiller)(?:\/|$)/.exec(path)?.[1];
		if (!area) return undefined;
		const readOnly = req.method === 'GET' || req.method === 'HEAD';
		const needed = `ffn.${area}.${readOnly ? 'read' : 'write'}`;
		if (!req.token.scopes.includes(needed)) {
			return apiError(403, 'insufficient_scope', `Access Denied: the token lacks scope ${needed}`, {
				'WWW-Authenticate': `Bearer realm="jtl", error="insufficient_scope", scope="${needed}"`,
			});
		}
		const feed = feeds.reply(req);
		if (feed) return feed;
		if (path === '/api/v1/merchant/products' && readOnly) {
			return offsetPage(req, (i) => ({
				id: `prod-${String(i + 1).padStart(5, '0')}`,
				sku: `SKU-${String(i + 1).padStart(5, '0')}`,
				name: `Product ${i + 1}`,
			}));
		}
		if (path === '/api/v1/merchant/outbounds' && readOnly) {
			const statuses = ['Pending', 'Acknowledged', 'Shipped'];
			return offsetPage(req, (i) => ({ outboundId: `ob-${String(i + 1).padStart(5, '0')}`, merchantOutboundNumber: `ORDER-${String(i + 1).padStart(5, '0')}`, status: statuses[i % 3] }));
		}
		return echoReply(req); // any other merchant/fulfiller path: the scope passed, show what arrived
	}

	return {
		name: 'jtl',
		tokenPath: '/token',
		defaultLifetimeSec: 1800,
		defaultClients: [{ ...JTL_DEMO_CLIENT }],
		handleToken: token,
		publicRoute: (ctx, req) => {
			if (req.url.pathname !== '/authorize') return undefined;
			if (req.method !== 'GET') return errorPage(405, 'Method not allowed', { Allow: 'GET' });
			return authorize(ctx, req.url);
		},
		apiRoute: (_ctx, req) => api(req),
		adminRoute: (_ctx, req) => feedAdmin(feeds, req),
		requireConsent: (on) => (consentRequired = on),
		feeds,
	};
}

/** What a user's browser and the client app do: authorize (auto-approved), follow the redirect, exchange the code. */
async function authorizeAndExchange(
	baseUrl: string,
	p: { clientId: string; clientSecret: string; redirectUri: string; scope: string },
): Promise<JtlTokenResponse> {
	const state = randomSecret(12);
	const authorizeUrl = new URL('/authorize', baseUrl);
	authorizeUrl.search = new URLSearchParams({
		response_type: 'code',
		client_id: p.clientId,
		redirect_uri: p.redirectUri,
		scope: p.scope,
		state,
	}).toString();
	const authorized = await fetch(authorizeUrl, { redirect: 'manual' });
	await authorized.arrayBuffer();
	const location = authorized.headers.get('location');
	if (authorized.status !== 302 || !location) throw new Error(`authorize answered ${authorized.status} without a redirect`);
	const callback = new URL(location);
	const error = callback.searchParams.get('error');
	if (error) throw new Error(`authorize redirected with error=${error}`);
	if (callback.searchParams.get('state') !== state) throw new Error('authorize did not echo state');
	const code = callback.searchParams.get('code') ?? '';

	const basic = Buffer.from(`${encodeURIComponent(p.clientId)}:${encodeURIComponent(p.clientSecret)}`).toString('base64');
	const res = await fetch(new URL('/token', baseUrl), {
		method: 'POST',
		headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
		body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: p.redirectUri }).toString(),
	});
	const body = (await res.json()) as Record<string, unknown>;
	if (res.status !== 200) throw new Error(`token endpoint answered ${res.status} ${String(body.error)}`);
	return body as unknown as JtlTokenResponse;
}

export async function startJtlSimulator(options?: SimulatorOptions): Promise<JtlSimulator> {
	const spec = jtlSpec();
	const { simulator } = await startSimulator(spec, options);
	return { ...simulator, authorizeAndExchange: (p) => authorizeAndExchange(simulator.url, p), requireConsent: spec.requireConsent, feeds: spec.feeds };
}
