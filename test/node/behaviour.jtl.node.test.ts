/**
 * JAS Request through n8n with a JTL-FFN credential against the JTL simulator: the stored token, one
 * refresh ahead of expiry or after a 401 however many items are in flight, scopes, and old tokens scrubbed.
 *
 * n8n's real `refreshOAuth2Token` needs n8n's lock service and is tested end-to-end; here a small stand-in
 * performs the same refresh_token grant (HTTP Basic client authentication) against the simulator.
 */
import { CATEGORY } from '../../nodes/JasRequest/routing';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { runNode, type RunNodeResult } from '../helpers/runNode';
import { DEMO_CLIENTS, JTL_DEMO_USER_ID, type JtlSimulator, startJtlSimulator } from '../../tools/simulators';
import { errorOf, pairedIndexes, type ReflectingApi, sleep, startReflectingApi } from './behaviour.helpers';

const { clientId, clientSecret } = DEMO_CLIENTS.jtl;
const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';
const ALL_SCOPES = ['ffn.merchant.read', 'ffn.merchant.write', 'ffn.fulfiller.read', 'ffn.fulfiller.write'];

let jtl: JtlSimulator;
let api: ReflectingApi;
beforeAll(async () => {
	jtl = await startJtlSimulator();
	api = await startReflectingApi();
});
afterAll(async () => {
	await jtl.close();
	await api.close();
});
beforeEach(() => {
	jtl.resetStats();
	jtl.setTokenLifetime(1800);
});

/** The token data n8n stores after "Connect my account". */
async function connect(scopes: string[] = ALL_SCOPES, expiresAt: 'recorded' | 'unknown' | number = 'recorded'): Promise<IDataObject> {
	const token = await jtl.authorizeAndExchange({ clientId, clientSecret, redirectUri: REDIRECT_URI, scope: scopes.join(' ') });
	jtl.resetStats();
	if (expiresAt === 'unknown') return { ...token };
	return { ...token, n8n_expires_at: String(expiresAt === 'recorded' ? Date.now() + token.expires_in * 1000 : expiresAt) };
}

/** A stand-in for n8n's refreshOAuth2Token: the refresh_token grant, result with n8n_expires_at, like n8n's. */
function refresher(initial: IDataObject, secret: string = clientSecret) {
	const state = { tokenData: initial, calls: 0 };
	const refreshOAuth2Token = async function (this: IExecuteFunctions, credentialsType: string): Promise<IDataObject> {
		expect(credentialsType).toBe('jtlFfnOAuth2Api');
		state.calls++;
		const response = await fetch(`${jtl.url}/token`, {
			method: 'POST',
			headers: {
				Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(state.tokenData.refresh_token) }).toString(),
		});
		const body = (await response.json()) as IDataObject;
		if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status} ${String(body.error)}`);
		state.tokenData = { ...state.tokenData, ...body, n8n_expires_at: String(Date.now() + Number(body.expires_in) * 1000) };
		return state.tokenData;
	};
	return { state, refreshOAuth2Token };
}

async function runJtl(
	paths: string[],
	tokenData: IDataObject,
	options: {
		scopes?: string[];
		apiUrl?: string;
		concurrency?: number;
		parameters?: IDataObject;
		/** Instead of the stand-in: what n8n's refresh does in the test (hang, fail, answer oddly). */
		refresh?: (this: IExecuteFunctions, credentialsType: string) => Promise<IDataObject>;
		signal?: AbortSignal;
	} = {},
): Promise<RunNodeResult & { refreshes: number }> {
	const standIn = refresher(tokenData);
	const state = standIn.state;
	const refreshOAuth2Token = options.refresh ?? standIn.refreshOAuth2Token;
	const result = await runNode({
		node: new JasRequest(),
		parameters: {
			authentication: 'jtlFfnOAuth2Api',
			method: 'GET',
			url: '={{ $json.path }}',
			options: { concurrency: options.concurrency ?? 10, maxRetries: 0 },
			...options.parameters,
		},
		items: paths.map((path) => ({ json: { path } })),
		credentials: {
			jtlFfnOAuth2Api: {
				environment: 'custom',
				customApiUrl: options.apiUrl ?? `${jtl.url}/api`,
				customOAuthUrl: jtl.url,
				clientId,
				clientSecret,
				scopes: options.scopes ?? ALL_SCOPES,
				oauthTokenData: tokenData,
			},
		},
		helpersOverride: { refreshOAuth2Token } as unknown as Partial<IExecuteFunctions['helpers']>,
		signal: options.signal,
	});
	return { ...result, refreshes: state.calls };
}

const expectNoSecret = (outputs: unknown) => {
	const text = JSON.stringify(outputs);
	for (const secret of [clientSecret, ...jtl.issuedSecrets()]) expect(text).not.toContain(secret);
};

it('calls the API with the stored token', async () => {
	const result = await runJtl(['/v1/users/current'], await connect());
	expect(result.outputs[CATEGORY.success][0].json).toEqual({ userId: JTL_DEMO_USER_ID, scopes: ALL_SCOPES });
	expect(result.refreshes).toBe(0);
	expect(jtl.stats.refreshRequests).toBe(0);
});

it('refreshes once, before any request, when the stored token is about to expire', async () => {
	const tokenData = await connect(ALL_SCOPES, Date.now() + 30_000); // within the 60 s margin
	const paths = Array.from({ length: 20 }, () => '/v1/users/current');
	const result = await runJtl(paths, tokenData, { concurrency: 20 });
	expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual(paths.map((_, index) => index));
	expect(jtl.stats.refreshRequests).toBe(1);
	expect(jtl.stats.invalidGrant).toBe(0);
	expect(jtl.stats.unauthorized).toBe(0);
	expect(result.refreshes).toBe(1);
	expectNoSecret(result.outputs);
});

it('after a 401, one refresh serves every item in flight', async () => {
	jtl.setTokenLifetime(1);
	const tokenData = await connect(ALL_SCOPES, 'unknown'); // no recorded expiry: only the 401 tells
	jtl.setTokenLifetime(1800);
	await sleep(1100);
	const paths = Array.from({ length: 20 }, () => '/v1/users/current');
	const result = await runJtl(paths, tokenData, { concurrency: 20 });
	expect(result.outputs[CATEGORY.success]).toHaveLength(20);
	expect(jtl.stats.expiredTokenRejections).toBeGreaterThan(0);
	expect(jtl.stats.refreshRequests).toBe(1);
	expect(jtl.stats.invalidGrant).toBe(0);
	expect(result.refreshes).toBe(1);
	expectNoSecret(result.outputs);
});

it('a failed refresh puts every item on Auth Error after one attempt', async () => {
	const tokenData = await connect(ALL_SCOPES, Date.now() - 1000);
	// Another process already spent the single-use refresh token.
	await refresher({ ...tokenData }).refreshOAuth2Token.call({} as IExecuteFunctions, 'jtlFfnOAuth2Api');
	jtl.resetStats();
	const result = await runJtl(Array.from({ length: 10 }, () => '/v1/users/current'), tokenData, { concurrency: 5 });
	expect(result.outputs[CATEGORY.authError]).toHaveLength(10);
	for (const item of result.outputs[CATEGORY.authError]) {
		const error = errorOf(item);
		expect(error.source).toBe('token');
		expect(error.message).toMatch(/credential "jtlFfnOAuth2Api"/); // the name the credential has on the node
		expect(error.message).toMatch(/reconnect/);
	}
	expect(jtl.stats.refreshRequests).toBe(1);
	expect(jtl.stats.invalidGrant).toBe(1);
	expect(jtl.stats.apiRequests).toBe(0);
	expectNoSecret(result.outputs);
});

describe('Auth Error items say whether a person must reconnect the credential (reconnectRequired)', () => {
	const authErrors = async (tokenData: IDataObject, refresh?: (this: IExecuteFunctions, credentialsType: string) => Promise<IDataObject>) => {
		const result = await runJtl(['/v1/users/current', '/v1/users/current'], tokenData, { refresh });
		expect(result.outputs[CATEGORY.authError]).toHaveLength(2);
		return result.outputs[CATEGORY.authError].map((item) => errorOf(item));
	};

	it('a spent (or revoked) refresh token: true', async () => {
		const tokenData = await connect(ALL_SCOPES, Date.now() - 1000);
		await refresher({ ...tokenData }).refreshOAuth2Token.call({} as IExecuteFunctions, 'jtlFfnOAuth2Api');
		jtl.resetStats();
		for (const error of await authErrors(tokenData)) expect(error).toMatchObject({ source: 'token', reconnectRequired: true });
		expect(jtl.stats.invalidGrant).toBe(1);
	});

	it('a client the token endpoint refuses (invalid_client): true', async () => {
		const tokenData = await connect(ALL_SCOPES, Date.now() - 1000);
		const wrongSecret = refresher(tokenData, 'not-the-secret').refreshOAuth2Token;
		for (const error of await authErrors(tokenData, wrongSecret)) {
			expect(error).toMatchObject({ source: 'token', reconnectRequired: true });
			expect(error.message).toMatch(/invalid_client/);
		}
	});

	it('a token endpoint answering 5xx: false (it may heal by itself)', async () => {
		const tokenData = await connect(ALL_SCOPES, Date.now() - 1000);
		jtl.setTokenFault({ kind: 'status', status: 503 });
		try {
			for (const error of await authErrors(tokenData)) expect(error).toMatchObject({ source: 'token', reconnectRequired: false });
		} finally {
			jtl.setTokenFault(null);
		}
	});
});

it('a failed refresh after a 401 is not repeated for every later item', async () => {
	jtl.setTokenLifetime(1);
	const tokenData = await connect(ALL_SCOPES, 'unknown');
	jtl.setTokenLifetime(1800);
	await refresher({ ...tokenData }).refreshOAuth2Token.call({} as IExecuteFunctions, 'jtlFfnOAuth2Api');
	await sleep(1100);
	jtl.resetStats();
	const result = await runJtl(Array.from({ length: 20 }, () => '/v1/users/current'), tokenData, { concurrency: 5 });
	expect(result.outputs[CATEGORY.authError]).toHaveLength(20);
	expect(result.outputs[CATEGORY.authError].every((item) => errorOf(item).source === 'token')).toBe(true);
	expect(jtl.stats.refreshRequests).toBe(1);
	expect(jtl.stats.apiRequests).toBeLessThanOrEqual(5);
});

it('a token without the scope gets 403 on Auth Error; what it may read still works', async () => {
	const tokenData = await connect(['ffn.merchant.read']);
	const result = await runJtl(['/v1/fulfiller/inbounds', '/v1/merchant/products'], tokenData, {
		scopes: ['ffn.merchant.read'],
		parameters: { paginationMode: 'offset', pageSize: 50, options: { maxRetries: 0, splitField: 'items' } },
	});
	const error = errorOf(result.outputs[CATEGORY.authError][0]);
	expect(error).toMatchObject({ status: 403, source: 'api', attempts: 1 });
	expect(error.message).toMatch(/scope/);
	expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual(new Array(95).fill(1));
	expect(jtl.stats.refreshRequests).toBe(0);
});

it('scrubs a token that a refresh replaced while its request was running', async () => {
	const tokenData = await connect();
	api.revoked.add(String(tokenData.access_token));
	// Item 0 is answered late, echoing the first token; item 1's 401 meanwhile makes the node refresh.
	const result = await runJtl(['/reflect?delay=600&acceptAny=1', '/check'], tokenData, { apiUrl: api.url, concurrency: 2 });
	expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual([0, 1]);
	expect(result.refreshes).toBe(1);
	expectNoSecret(result.outputs);
});

describe('a JTL refresh that never answers: the wait ends by the item\'s own limits', () => {
	const never = async (): Promise<IDataObject> => await new Promise<IDataObject>(() => undefined);

	it('Stop ends the execution at once, though n8n\'s refresh cannot be cancelled', async () => {
		const tokenData = await connect(ALL_SCOPES, Date.now() + 30_000); // within the margin: refreshed first
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 300);
		const started = Date.now();
		const result = await runJtl(['/v1/users/current', '/v1/users/current'], tokenData, { refresh: never, signal: controller.signal, parameters: { options: { timeout: 60_000 } } }).catch(
			(error: unknown) => error,
		);
		expect(Date.now() - started).toBeLessThan(3_000);
		expect(result).toBeDefined();
	});

	it('Timeout ends each item\'s wait, on Auth Error with a message naming the Timeout', async () => {
		const tokenData = await connect(ALL_SCOPES, Date.now() + 30_000);
		const started = Date.now();
		const result = await runJtl(['/v1/users/current', '/v1/users/current'], tokenData, { refresh: never, parameters: { options: { timeout: 400 } } });
		expect(Date.now() - started).toBeLessThan(3_000);
		expect(result.outputs[CATEGORY.authError]).toHaveLength(2);
		expect(errorOf(result.outputs[CATEGORY.authError][0]).message).toMatch(/Timeout/);
		expect(jtl.stats.apiRequests).toBe(0);
	});
});

it("a refresh answered 200 with a page echoing the request: n8n's 100-character preview leaves no piece of the refresh token", async () => {
	const tokenData = await connect(ALL_SCOPES, Date.now() + 30_000);
	const refreshToken = String(tokenData.refresh_token);
	// As n8n's OAuth client words it (@n8n/client-oauth2 parseResponseBody): the body cut at 100 characters.
	const echoed = `<html><body>You sent: grant_type=refresh_token&amp;refresh_token=${refreshToken}</body></html>`;
	const cut = 100 - echoed.indexOf(refreshToken);
	expect(cut).toBeGreaterThan(8);
	const refresh = async (): Promise<IDataObject> => {
		throw new Error(`Expected JSON response from OAuth2 token endpoint (content-type: text/html) but received: ${echoed.slice(0, 100)}...`);
	};
	const result = await runJtl(['/v1/users/current'], tokenData, { refresh });
	const message = errorOf(result.outputs[CATEGORY.authError][0]).message;
	expect(message).toMatch(/Expected JSON response/);
	for (let i = 0; i + 8 <= refreshToken.length; i++) expect(message).not.toContain(refreshToken.slice(i, i + 8));
});

describe('token requests never follow redirects: a JTL refresh', () => {
	it('is refused before anything is sent when the token endpoint redirects (n8n\'s refresh would re-post the refresh token)', async () => {
		const { createServer } = await import('node:http');
		let attackerRequests = 0;
		const attacker = createServer((req, res) => {
			attackerRequests++;
			req.resume();
			res.end('{}');
		});
		const redirecting = createServer((req, res) => {
			req.resume();
			res.writeHead(307, { Location: `http://127.0.0.1:${(attacker.address() as { port: number }).port}/token` });
			res.end();
		});
		await Promise.all([attacker, redirecting].map(async (server) => await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
		try {
			const tokenData = await connect(ALL_SCOPES, Date.now() + 30_000);
			let refreshCalls = 0;
			const refresh = async (): Promise<IDataObject> => {
				refreshCalls++;
				return { ...tokenData, access_token: 'never-used-token' };
			};
			const result = await runNode({
				node: new JasRequest(),
				parameters: { authentication: 'jtlFfnOAuth2Api', method: 'GET', url: '/v1/users/current', options: { maxRetries: 0 } },
				items: [{ json: {} }, { json: {} }, { json: {} }],
				credentials: {
					jtlFfnOAuth2Api: {
						environment: 'custom',
						customApiUrl: `${jtl.url}/api`,
						customOAuthUrl: `http://127.0.0.1:${(redirecting.address() as { port: number }).port}`,
						...DEMO_CLIENTS.jtl,
						scopes: ALL_SCOPES,
						oauthTokenData: tokenData,
					},
				},
				helpersOverride: { refreshOAuth2Token: refresh } as unknown as Partial<IExecuteFunctions['helpers']>,
			});
			expect(result.outputs[CATEGORY.authError]).toHaveLength(3);
			const message = errorOf(result.outputs[CATEGORY.authError][0]).message;
			expect(message).toMatch(/answered 307, a redirect to http:\/\/127\.0\.0\.1:\d+/);
			expect(message).toMatch(/refused before anything was sent/);
			expect(refreshCalls).toBe(0);
			expect(attackerRequests).toBe(0);
		} finally {
			for (const server of [attacker, redirecting]) server.closeAllConnections();
			await Promise.all([attacker, redirecting].map(async (server) => await new Promise<void>((resolve) => server.close(() => resolve()))));
		}
	});

	it('answered 200 {} (no new access token) spends at most 2 refresh tokens for 30 items, then Auth Error saying to reconnect', async () => {
		const tokenData = await connect();
		api.revoked.add(String(tokenData.access_token));
		let refreshCalls = 0;
		// What n8n's refresh returns for `200 {}`: the old token data merged with nothing.
		const refresh = async (): Promise<IDataObject> => {
			refreshCalls++;
			return { ...tokenData, n8n_expires_at: String(Date.now() + 1_800_000) };
		};
		const result = await runJtl(Array.from({ length: 30 }, () => '/check'), tokenData, { apiUrl: api.url, concurrency: 10, refresh });
		expect(refreshCalls).toBeLessThanOrEqual(2);
		expect(result.outputs[CATEGORY.authError]).toHaveLength(30);
		for (const item of result.outputs[CATEGORY.authError]) expect(errorOf(item).message).toMatch(/reconnect/);
	});
});
