/**
 * JAS and Partner credentials against the provider simulators: the documented token requests, every
 * documented error, malformed answers, single-flight under load, and no secret in any error.
 */
import { type ICredentialDataDecryptedObject, type IHttpRequestHelper, type IHttpRequestOptions, type INode, type INodeTypes, type JsonObject, NodeApiError, Workflow } from 'n8n-workflow';

import { JasOAuth2Api } from '../../credentials/JasOAuth2Api.credentials';
import { PartnerOAuth2Api } from '../../credentials/PartnerOAuth2Api.credentials';
import { type ClientCredentialsProvider, clientCredentialsSettings, getClientCredentialsToken, JAS_PROVIDER, PARTNER_PROVIDER } from '../../nodes/shared/token/clientCredentials';
import { ClientCredentialsAuthorizer } from '../../nodes/JasRequest/authorizers';
import { TokenError } from '../../nodes/shared/token/tokenErrors';
import { TokenEngine } from '../../nodes/shared/token/tokenEngine';
import { transportTokenHttp } from '../../nodes/shared/token/tokenHttp';
import { DEMO_CLIENTS, type Simulator, startJasSimulator, startPartnerSimulator, type TokenFault } from '../../tools/simulators';

const http = transportTokenHttp({ timeoutMs: 5_000 });

interface Case {
	name: string;
	provider: ClientCredentialsProvider;
	start: () => Promise<Simulator>;
	client: { clientId: string; clientSecret: string };
}

const cases: Case[] = [
	{ name: 'JAS', provider: JAS_PROVIDER, start: startJasSimulator, client: DEMO_CLIENTS.jas },
	{ name: 'Partner', provider: PARTNER_PROVIDER, start: startPartnerSimulator, client: DEMO_CLIENTS.partner },
];

describe.each(cases)('$name credential against its simulator', ({ provider, start, client }) => {
	let sim: Simulator;
	const creds = (extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject => ({
		baseUrl: sim.url,
		clientId: client.clientId,
		clientSecret: client.clientSecret,
		...extra,
	});
	const fetchWith = async (engine: TokenEngine, extra: ICredentialDataDecryptedObject = {}) =>
		await getClientCredentialsToken(clientCredentialsSettings(provider, creds(extra)), http, engine);

	async function tokenError(extra: ICredentialDataDecryptedObject = {}): Promise<TokenError> {
		const error = await fetchWith(new TokenEngine(), extra).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TokenError);
		const message = (error as TokenError).message;
		expect(message).not.toContain(client.clientSecret);
		for (const secret of sim.issuedSecrets()) expect(message).not.toContain(secret);
		return error as TokenError;
	}

	beforeAll(async () => (sim = await start()));
	afterAll(async () => await sim.close());
	beforeEach(() => {
		sim.resetStats();
		sim.setTokenFault(null);
	});

	it('gets a token the protected API accepts, from the default Token URL', async () => {
		const token = await fetchWith(new TokenEngine());
		expect(sim.stats.tokenRequests).toBe(1);
		const answer = await fetch(`${sim.url}/api/echo`, { headers: { Authorization: `Bearer ${token.accessToken}` } });
		expect(answer.status).toBe(200);
		expect(token.expiresAtMs - Date.now()).toBeGreaterThan((provider.defaultLifetimeSec - 5) * 1000);
	});

	it('100 concurrent callers cause exactly 1 token request', async () => {
		const engine = new TokenEngine();
		sim.setLatency(50);
		try {
			const tokens = await Promise.all(Array.from({ length: 100 }, async () => await fetchWith(engine)));
			expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
			expect(sim.stats.tokenRequests).toBe(1);
		} finally {
			sim.setLatency(0);
		}
	});

	it('a changed secret or URL yields a new identity, so a new token', async () => {
		const engine = new TokenEngine();
		await fetchWith(engine);
		await fetchWith(engine);
		expect(sim.stats.tokenRequests).toBe(1);
		await fetchWith(engine, { clientSecret: 'edited-secret-1234' }).catch(() => undefined);
		expect(sim.stats.tokenRequests).toBe(2);
	});

	it('renews a short-lived token ahead of expiry', async () => {
		sim.setTokenLifetime(2);
		try {
			const engine = new TokenEngine();
			const first = await fetchWith(engine);
			await new Promise((resolve) => setTimeout(resolve, 1_600)); // past 2 s - 2 s/4 = 1.5 s
			const second = await fetchWith(engine);
			expect(second.accessToken).not.toBe(first.accessToken);
			const answer = await fetch(`${sim.url}/api/echo`, { headers: { Authorization: `Bearer ${second.accessToken}` } });
			expect(answer.status).toBe(200);
		} finally {
			sim.setTokenLifetime(provider.defaultLifetimeSec);
		}
	});

	it('wrong secret: 401 says to check the client id and secret', async () => {
		const error = await tokenError({ clientSecret: 'wrong-secret-value' });
		expect(error.kind).toBe('rejected');
		expect(error.status).toBe(401);
		expect(error.message).toMatch(/Check the Client ID and Client Secret/);
		expect(error.message).not.toContain('wrong-secret-value');
	});

	it('wrong Token URL: 404 says to check the Token URL', async () => {
		const error = await tokenError({ tokenUrl: `${sim.url}/nope/token` });
		expect(error.kind).toBe('config');
		expect(error.message).toMatch(/Check the Token URL/);
	});

	it('unreachable token endpoint: network error after retries', async () => {
		const error = await tokenError({ tokenUrl: 'http://127.0.0.1:1/oauth2/token' });
		expect(error.kind).toBe('network');
		expect(error.message).toMatch(/Could not reach the token endpoint/);
	});

	it.each<[TokenFault, RegExp]>([
		[{ kind: 'html' }, /HTML page/],
		[{ kind: 'notJson' }, /not JSON/],
		[{ kind: 'missingAccessToken' }, /without an access_token/],
		[{ kind: 'emptyAccessToken' }, /without an access_token/],
		[{ kind: 'wrongTokenType' }, /only Bearer is supported/],
		[{ kind: 'badExpiresIn' }, /unusable expires_in/],
	])('malformed answer %o is refused with a clear message', async (fault, message) => {
		sim.setTokenFault(fault);
		const error = await tokenError();
		expect(error.kind).toBe('invalidResponse');
		expect(error.message).toMatch(message);
	});

	it('no expires_in: the documented lifetime is assumed', async () => {
		sim.setTokenFault({ kind: 'noExpiresIn' });
		const token = await fetchWith(new TokenEngine());
		expect(Math.round((token.expiresAtMs - Date.now()) / 1000)).toBeGreaterThan(provider.defaultLifetimeSec - 5);
	});

	it('503 twice, then a token: retried transparently', async () => {
		sim.setTokenFault({ kind: 'status', status: 503, times: 2 });
		await fetchWith(new TokenEngine());
		expect(sim.stats.tokenRequests).toBe(3);
	});

	it('429 with Retry-After beyond the budget: a rate-limit error, not a hang', async () => {
		sim.setTokenFault({ kind: 'status', status: 429, retryAfter: '3600' });
		const started = Date.now();
		const error = await tokenError();
		expect(error.kind).toBe('rateLimited');
		expect(error.retryAfterMs).toBe(3_600_000);
		expect(Date.now() - started).toBeLessThan(2_000);
	});

	it('dropped connections: a network error', async () => {
		sim.setTokenFault({ kind: 'drop' });
		const error = await tokenError();
		expect(error.kind).toBe('network');
	});
});

describe('JAS-specific errors', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startJasSimulator()));
	afterAll(async () => await sim.close());

	it('403 for a client without subscription says to check the subscription', async () => {
		const settings = clientCredentialsSettings(JAS_PROVIDER, { baseUrl: sim.url, ...DEMO_CLIENTS.jasNoSubscription });
		const error = (await getClientCredentialsToken(settings, http, new TokenEngine()).catch((e: unknown) => e)) as TokenError;
		expect(error.kind).toBe('rejected');
		expect(error.status).toBe(403);
		expect(error.message).toMatch(/subscribed to the API/);
	});

	it('a JSON body (the Partner style) is refused by JAS with a message about the form body', async () => {
		const settings = { ...clientCredentialsSettings(JAS_PROVIDER, { baseUrl: sim.url, ...DEMO_CLIENTS.jas }), bodyStyle: 'json' as const };
		const error = (await getClientCredentialsToken(settings, http, new TokenEngine()).catch((e: unknown) => e)) as TokenError;
		expect(error.kind).toBe('badRequest');
		expect(error.status).toBe(415);
	});
});

describe('credential classes: preAuthentication', () => {
	// Stand-in for n8n's helpers.httpRequest (the real one is exercised in the end-to-end tests).
	const helper = {
		helpers: {
			httpRequest: async (options: { url: string; method: string; headers: Record<string, string>; body: string }) => {
				const answer = await fetch(options.url, { method: options.method, headers: options.headers, body: options.body });
				return { statusCode: answer.status, headers: Object.fromEntries(answer.headers), body: await answer.text() };
			},
		},
	} as unknown as IHttpRequestHelper;

	it.each([
		['JAS', new JasOAuth2Api(), startJasSimulator, DEMO_CLIENTS.jas],
		['Partner', new PartnerOAuth2Api(), startPartnerSimulator, DEMO_CLIENTS.partner],
	] as const)('%s: returns a working token, and a new one once n8n reports the stored one rejected', async (_name, type, start, client) => {
		const sim = await start();
		try {
			const creds = { baseUrl: sim.url, ...client, renewalMarginSec: 60 };
			const first = await type.preAuthentication!.call(helper, { ...creds, accessToken: '' });
			expect(typeof first.accessToken).toBe('string');
			const again = await type.preAuthentication!.call(helper, { ...creds, accessToken: '' });
			expect(again.accessToken).toBe(first.accessToken); // cached: no second request
			const renewed = await type.preAuthentication!.call(helper, { ...creds, accessToken: String(first.accessToken) });
			expect(renewed.accessToken).not.toBe(first.accessToken);
			expect(sim.stats.tokenRequests).toBe(2);
		} finally {
			await sim.close();
		}
	});

	// n8n wraps the hook's error in NodeApiError; the message must survive that wrapping (the Test button shows it).
	it.each([
		['JAS', new JasOAuth2Api(), startJasSimulator, DEMO_CLIENTS.jas, 'rejected the client (401)'],
		['Partner', new PartnerOAuth2Api(), startPartnerSimulator, DEMO_CLIENTS.partner, 'rejected the client (401)'],
		['JAS without subscription', new JasOAuth2Api(), startJasSimulator, DEMO_CLIENTS.jasNoSubscription, 'denied access (403)'],
	] as const)('%s: a refused secret fails with the precise message, also inside n8n NodeApiError', async (_name, type, start, client, expected) => {
		const sim = await start();
		try {
			const wrong = client === DEMO_CLIENTS.jasNoSubscription ? client.clientSecret : 'wrong-secret-4c1f9e';
			const failure = await type.preAuthentication!.call(helper, { baseUrl: sim.url, clientId: client.clientId, clientSecret: wrong, accessToken: '' }).then(
				() => undefined,
				(error: unknown) => error as Error,
			);
			expect(failure?.message).toContain(expected);
			const shown = new NodeApiError({ id: '1', name: 'Temp-Node', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} }, failure as unknown as JsonObject);
			expect(shown.message).toBe(failure?.message);
			expect(shown.message).not.toContain(wrong);
		} finally {
			await sim.close();
		}
	});

	it('describes itself to n8n: hidden expirable token, Bearer header, a test request', () => {
		const type = new JasOAuth2Api();
		const hidden = type.properties.find((p) => p.name === 'accessToken');
		expect(hidden?.type).toBe('hidden');
		expect(hidden?.typeOptions?.expirable).toBe(true);
		expect(typeof type.authenticate).toBe('function');
		expect(type.test.request.method).toBe('POST');
	});
});

describe("the credential in n8n's own nodes: the Bearer token goes only to the API origin", () => {
	const type = new JasOAuth2Api();
	const authenticate = type.authenticate as (c: ICredentialDataDecryptedObject, r: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
	const credentials = { baseUrl: 'https://api.jas.example/v1', clientId: 'id', clientSecret: 's', accessToken: 'tok-123' };
	const authorization = async (request: Record<string, unknown>) =>
		((await authenticate(credentials, { method: 'GET', ...request } as IHttpRequestOptions)).headers ?? {}).Authorization;

	it.each([
		['the API origin', { url: 'https://api.jas.example/v1/orders' }, 'Bearer tok-123'],
		['a relative URL on the API base (legacy uri/baseUrl)', { uri: '/v1/orders', baseUrl: 'https://api.jas.example' }, 'Bearer tok-123'],
		['another host', { url: 'https://evil.example/collect' }, undefined],
		['the API host on another port', { url: 'https://api.jas.example:8443/v1' }, undefined],
		['the API host over http://', { url: 'http://api.jas.example/v1' }, undefined],
		['a look-alike host', { url: 'https://api.jas.example.evil.example/v1' }, undefined],
		['an unreadable URL', { url: 'not a url' }, undefined],
	])('%s', async (_name, request, expected) => {
		expect(await authorization(request)).toBe(expected);
	});
});

describe('pasted whitespace: the Test request asks for exactly what preAuthentication will', () => {
	/** Evaluates an n8n expression over `$credentials` the way n8n resolves a credential's Test request. */
	function evaluate(expression: string, credentials: ICredentialDataDecryptedObject): unknown {
		const node: INode = { id: 'n', name: 'Test', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} };
		const nodeType = { description: { properties: [] } };
		const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(node, expression, 'internal', { $credentials: credentials });
	}

	it.each([
		['a Token URL of only a space', { baseUrl: 'https://api.jas.example', tokenUrl: ' ', clientId: 'id', clientSecret: 'secret' }],
		['a Client ID with a trailing space', { baseUrl: 'https://api.jas.example', clientId: 'id ', clientSecret: 'secret' }],
		['a Base URL with spaces and trailing slashes', { baseUrl: ' https://api.jas.example// ', clientId: ' id', clientSecret: 'secret ' }],
		['a Token URL with spaces', { baseUrl: 'https://api.jas.example', tokenUrl: ' https://auth.example/token ', clientId: 'id', clientSecret: 'secret' }],
	])('%s', (_name, credentials) => {
		for (const provider of [JAS_PROVIDER, PARTNER_PROVIDER]) {
			const settings = clientCredentialsSettings(provider, credentials);
			const test = new (provider === JAS_PROVIDER ? JasOAuth2Api : PartnerOAuth2Api)().test.request;
			const body = test.body as Record<string, string>;
			expect(evaluate(String(test.url), credentials)).toBe(settings.tokenUrl);
			expect(evaluate(body.client_id, credentials)).toBe(settings.clientId);
			expect(evaluate(body.client_secret, credentials)).toBe(settings.clientSecret);
		}
	});
});

describe("the node's authorizer: a fresh cached token is handed out without waiting, by the same rules", () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startJasSimulator()));
	afterAll(async () => await sim.close());
	const authorizer = (engine: TokenEngine, extra: ICredentialDataDecryptedObject = {}) =>
		new ClientCredentialsAuthorizer(JAS_PROVIDER, { baseUrl: sim.url, ...DEMO_CLIENTS.jas, ...extra }, http, undefined, engine);

	it('none in hand before the first fetch; after it, the same token, counted among the secrets to scrub', async () => {
		const engine = new TokenEngine();
		const first = authorizer(engine);
		expect(first.freshToken()).toBeUndefined();
		const token = await first.getToken();
		expect(first.freshToken()).toBe(token);
		// Another execution's authorizer on the same credential: the token came from the shared cache, and is scrubbed there too.
		const second = authorizer(engine);
		expect(second.secrets()).not.toContain(token);
		expect(second.freshToken()).toBe(token);
		expect(second.secrets()).toContain(token);
	});

	it('none in hand once the token was rejected, or when it is due for renewal', async () => {
		let now = Date.now();
		const engine = new TokenEngine({ now: () => now });
		const auth = authorizer(engine);
		const token = await auth.getToken();
		await auth.rejected(token);
		expect(auth.freshToken()).toBeUndefined();
		expect(await auth.getToken()).not.toBe(token);
		now += 10 * 60 * 60 * 1000;
		expect(auth.freshToken()).toBeUndefined();
	});

	it('none in hand while a lasting failure is remembered, or without an API URL', async () => {
		const engine = new TokenEngine();
		await authorizer(engine).getToken();
		const wrongSecret = authorizer(engine, { clientSecret: 'wrong-secret-value' });
		await expect(wrongSecret.getToken()).rejects.toBeInstanceOf(TokenError);
		expect(wrongSecret.freshToken()).toBeUndefined();
		expect(authorizer(engine, { baseUrl: '' }).freshToken()).toBeUndefined();
	});
});
