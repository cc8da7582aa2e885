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
function refresher(initial: IDataObject) {
	const state = { tokenData: initial, calls: 0 };
	const refreshOAuth2Token = async function (this: IExecuteFunctions, credentialsType: string): Promise<IDataObject> {
		expect(credentialsType).toBe('jtlFfnOAuth2Api');
		state.calls++;
		const response = await fetch(`${jtl.url}/token`, {
			method: 'POST',
			headers: {
				Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
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
	options: { scopes?: string[]; apiUrl?: string; concurrency?: number; parameters?: IDataObject } = {},
): Promise<RunNodeResult & { refreshes: number }> {
	const { state, refreshOAuth2Token } = refresher(tokenData);
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
		expect(error.message).toMatch(/JTL-FFN OAuth2 API/);
		expect(error.message).toMatch(/reconnect/);
	}
	expect(jtl.stats.refreshRequests).toBe(1);
	expect(jtl.stats.invalidGrant).toBe(1);
	expect(jtl.stats.apiRequests).toBe(0);
	expectNoSecret(result.outputs);
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
		parameters: { options: { maxRetries: 0, splitField: 'items', pagination: { settings: { mode: 'offset', pageSize: 50 } } } },
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
