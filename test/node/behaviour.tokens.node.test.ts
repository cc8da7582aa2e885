/**
 * JAS Request through n8n: tokens renewed ahead of expiry during a long run, a failing token endpoint
 * costing one request for the whole execution, and secrets never reaching an output item.
 */
import { DEMO_CLIENTS, type Simulator, startJasSimulator } from '../../tools/simulators';
import { runNode } from '../helpers/runNode';
import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { errorOf, pairedIndexes, type ReflectingApi, runJas, startReflectingApi } from './behaviour.helpers';
import { registerSecrets } from '../../tools/simulators/secretRegistry';
import { bearerOf, hostileClient, startHostileServer } from '../helpers/hostileServer';
import { paired, run, sleep } from './hostile';
import { CATEGORY } from '../../nodes/JasRequest/routing';
import { clientCredentialsSettings, JAS_PROVIDER } from '../../nodes/shared/token/clientCredentials';
import { requestToken } from '../../nodes/shared/token/tokenRequest';

describe('a token expiring mid-run', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startJasSimulator({ tokenLifetimeSec: 2 })));
	afterAll(async () => await sim.close());

	it('is renewed before it expires: no request is ever rejected', async () => {
		const paths = Array.from({ length: 300 }, () => '/api/slow?ms=75');
		const started = Date.now();
		const result = await runJas(sim, paths, { options: { concurrency: 10, maxRetries: 0 } });
		const runSeconds = (Date.now() - started) / 1000;
		expect(runSeconds).toBeGreaterThan(2);
		expect(result.outputs[CATEGORY.success]).toHaveLength(300);
		expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual(paths.map((_, index) => index));
		expect(sim.stats.expiredTokenRejections).toBe(0);
		expect(sim.stats.unauthorized).toBe(0);
		// Renewed every 1.5 s (a quarter of the lifetime before expiry): at least once in a run over 2 s.
		expect(sim.stats.tokenRequests).toBeGreaterThanOrEqual(2);
		expect(sim.stats.tokenRequests).toBeLessThanOrEqual(Math.ceil(runSeconds / 1.5) + 1);
	});
});

describe('a failing token endpoint', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startJasSimulator()));
	afterAll(async () => await sim.close());

	it('puts every item on Auth Error after one token request, naming the credential as the user did, and the run does not throw', async () => {
		const result = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/api/echo' },
			items: Array.from({ length: 50 }, (_, index) => ({ json: { index } })),
			credentials: { jasOAuth2Api: { baseUrl: sim.url, clientId: DEMO_CLIENTS.jas.clientId, clientSecret: 'wrong-secret-123' } },
			credentialNames: { jasOAuth2Api: 'JAS production' },
		});
		expect(result.outputs[CATEGORY.authError]).toHaveLength(50);
		expect(result.outputs.filter((_, index) => index !== CATEGORY.authError).flat()).toHaveLength(0);
		expect(pairedIndexes(result.outputs[CATEGORY.authError])).toEqual(Array.from({ length: 50 }, (_, index) => index));
		for (const item of result.outputs[CATEGORY.authError]) {
			const error = errorOf(item);
			expect(error.source).toBe('token');
			expect(error.status).toBe(401);
			expect(error.message).toContain('credential "JAS production"');
			expect(error.message).toMatch(/Check the Client ID and Client Secret/);
		}
		expect(sim.stats.tokenRequests).toBe(1);
		expect(sim.stats.apiRequests).toBe(0);
	});
});

describe('secrets never leak', () => {
	let sim: Simulator;
	let api: ReflectingApi;
	beforeAll(async () => {
		sim = await startJasSimulator({ tokenLifetimeSec: 2 });
		api = await startReflectingApi();
	});
	afterAll(async () => {
		await sim.close();
		await api.close();
	});

	const everySecret = () => [DEMO_CLIENTS.jas.clientSecret, 'wrong-secret-123', ...sim.issuedSecrets()];
	const expectNoSecret = (text: string) => {
		for (const secret of everySecret()) expect(text).not.toContain(secret);
	};

	it('in any kind of outcome', async () => {
		const paths = [
			'/api/echo',
			'/api/status/400',
			'/api/status/401',
			'/api/status/403',
			'/api/status/404',
			'/api/status/429',
			'/api/status/500',
			'/api/drop',
			'/api/slow?ms=2000',
			`/api/redirect?to=${encodeURIComponent(`${sim.url.replace('127.0.0.1', 'localhost')}/api/echo`)}`,
			'/api/binary?bytes=64',
		];
		const outputs: unknown[] = [];
		for (const fullResponse of [false, true]) {
			const result = await runJas(sim, paths, { options: { maxRetries: 0, timeout: 500, fullResponse } });
			outputs.push(result.outputs);
			expect(result.outputs[CATEGORY.networkError].length).toBeGreaterThanOrEqual(2); // drop and timeout
			const echo = result.outputs[CATEGORY.success][0].json;
			expect(JSON.stringify(echo)).toMatch(/"path":"\/api\/echo"/);
			// The echo endpoint reflects the request headers: the token must not be among them.
			expect(JSON.stringify(echo).toLowerCase()).not.toContain('bearer');
		}
		// Posting the secret itself as a body: whatever the API echoes back is scrubbed.
		const posted = await runJas(sim, ['/api/echo'], { method: 'POST', bodyType: 'raw', rawBody: `secret=${DEMO_CLIENTS.jas.clientSecret}` });
		outputs.push(posted.outputs);
		expect(posted.outputs[CATEGORY.success]).toHaveLength(1);
		// Token endpoint failure (network: nothing listens there), and a wrong secret.
		const refused = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/api/echo' },
			items: [{ json: {} }],
			credentials: { jasOAuth2Api: { baseUrl: sim.url, tokenUrl: 'http://127.0.0.1:1/oauth2/token', ...DEMO_CLIENTS.jas } },
		});
		expect(errorOf(refused.outputs[CATEGORY.authError][0]).source).toBe('token');
		const rejected = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/api/echo' },
			items: [{ json: {} }],
			credentials: { jasOAuth2Api: { baseUrl: sim.url, clientId: DEMO_CLIENTS.jas.clientId, clientSecret: 'wrong-secret-123' } },
		});
		expect(errorOf(rejected.outputs[CATEGORY.authError][0]).source).toBe('token');
		outputs.push(refused.outputs, rejected.outputs);

		expect(sim.issuedSecrets().length).toBeGreaterThan(0);
		expectNoSecret(JSON.stringify(outputs));
	});

	it('even when the API reflects the token in its body and headers', async () => {
		const credentials = { jasOAuth2Api: { baseUrl: api.url, tokenUrl: `${sim.url}/oauth2/token`, ...DEMO_CLIENTS.jas } };
		const run = async (paths: string[], options: Record<string, unknown>) =>
			await runNode({
				node: new JasRequest(),
				parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', options: { maxRetries: 0, ...options } },
				items: paths.map((path) => ({ json: { path } })),
				credentials,
			});
		const results = [await run(['/ok', '/bad?status=400', '/gone?status=503'], { fullResponse: true }), await run(['/ok'], { responseFormat: 'text' })];
		expect(results[0].outputs[CATEGORY.success]).toHaveLength(1);
		expect(results[0].outputs[CATEGORY.clientError]).toHaveLength(1);
		expect(results[0].outputs[CATEGORY.serverError]).toHaveLength(1);
		const reflected = results[0].outputs[CATEGORY.success][0].json as { body: { youSent: { authorization: string } } };
		expect(reflected.body.youSent.authorization).toBe('Bearer [redacted]');
		expectNoSecret(JSON.stringify(results.map((result) => result.outputs)));
	});

	it('even URL-encoded, as an API echoing a form body sends it back', async () => {
		const client = { clientId: 'special-client', clientSecret: 'p@ss/w0rd+x;y=z&' };
		const special = await startJasSimulator({ clients: [client] });
		try {
			const result = await runNode({
				node: new JasRequest(),
				parameters: {
					authentication: 'jasOAuth2Api',
					method: 'POST',
					url: '/api/echo',
					bodyType: 'form',
					formBody: { parameters: [{ name: 'note', value: client.clientSecret }] },
				},
				items: [{ json: {} }],
				credentials: { jasOAuth2Api: { baseUrl: special.url, ...client } },
			});
			expect(result.outputs[CATEGORY.success]).toHaveLength(1);
			const text = JSON.stringify(result.outputs);
			for (const form of [client.clientSecret, encodeURIComponent(client.clientSecret), new URLSearchParams({ s: client.clientSecret }).toString().slice(2)]) {
				expect(text).not.toContain(form);
			}
		} finally {
			await special.close();
		}
	});

	it('even for a token that went stale while its request was running', async () => {
		// A fresh token URL (query string) so this run starts with a new 2 s token: renewal is due after 1.5 s,
		// and the answer arrives after 1.8 s, when that token is no longer the current one.
		const credentials = { jasOAuth2Api: { baseUrl: api.url, tokenUrl: `${sim.url}/oauth2/token?stale=1`, ...DEMO_CLIENTS.jas } };
		const result = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/slow?delay=1800', options: { maxRetries: 0, fullResponse: true } },
			items: [{ json: {} }],
			credentials,
		});
		expect(result.outputs[CATEGORY.success]).toHaveLength(1);
		expectNoSecret(JSON.stringify(result.outputs));
	});
});

describe("a token endpoint that never answers: each item waits within its own Timeout", () => {
	/** A token endpoint that takes the request and never answers (the API itself is never reached). */
	async function startSilentTokenEndpoint(): Promise<{ url: string; tokenRequests: number; close(): Promise<void> }> {
		const { createServer } = await import('node:http');
		const state = { url: '', tokenRequests: 0, close: async () => {} };
		const server = createServer((req) => {
			if (req.url?.startsWith('/oauth2/token')) state.tokenRequests++;
			req.resume();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
		state.close = async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		return state;
	}

	const runWithTimeout = async (url: string, timeout: number, secret: string) =>
		await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/api/echo', options: { timeout, maxRetries: 0 } },
			items: [{ json: {} }, { json: {} }],
			credentials: { jasOAuth2Api: { baseUrl: url, clientId: 'silent-client', clientSecret: secret, renewalMarginSec: 60 } },
		});

	it('Timeout 500 ms ends the wait at about 500 ms with a message naming the Timeout; an execution with a longer Timeout still waits on the same request', async () => {
		const silent = await startSilentTokenEndpoint();
		try {
			const started = Date.now();
			const long = runWithTimeout(silent.url, 3_000, 'silent-secret-shared-1');
			const short = await runWithTimeout(silent.url, 500, 'silent-secret-shared-1');
			const shortMs = Date.now() - started;
			expect(short.outputs[CATEGORY.authError]).toHaveLength(2);
			const error = errorOf(short.outputs[CATEGORY.authError][0]);
			expect(error.source).toBe('token');
			expect(error.message).toMatch(/Timeout/);
			expect(shortMs).toBeLessThan(2_500);
			const longResult = await long;
			expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
			expect(longResult.outputs[CATEGORY.authError]).toHaveLength(2);
			// One shared request for both executions.
			expect(silent.tokenRequests).toBe(1);
		} finally {
			await silent.close();
		}
	});
});

describe('a failed renewal while the token is valid', () => {
	test('R1 renewal fails (500) while the old token is still valid: items keep working; after expiry: Auth Error, routed', async () => {
		const s = await startHostileServer();
		let fail = false;
		s.tokenHandle = (req, res) => { req.resume(); if (fail) { res.writeHead(500); return void res.end('{"error":"down"}'); } const t = `r1-tok-${Math.random()}`; registerSecrets(t); s.tokens.push(t); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ access_token: t, expires_in: 8 })); };
		s.handle = (req, res) => res.end(JSON.stringify({ ok: s.tokens.includes(bearerOf(req)) }));
		const creds = { baseUrl: s.url, ...hostileClient(), renewalMarginSec: 60 };
		try {
			await run(s, [{ path: '/a' }], {}, { credentials: creds });
			fail = true;
			await sleep(6200); // renewal due (margin = lifetime/4 = 2 s), token valid until 8 s: room for the token request's retries
			const r = await run(s, [{ path: '/b' }], { options: { maxRetries: 0 } }, { credentials: creds });
			expect(paired(r.outputs[CATEGORY.success])).toEqual([0]);
			await sleep(2500); // now expired
			const r2 = await run(s, [{ path: '/c' }, { path: '/d' }], {}, { credentials: creds });
			expect(paired(r2.outputs[CATEGORY.authError])).toEqual([0, 1]);
		} finally { await s.close(); }
	}, 40000);
});

describe('messages fit the context', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startJasSimulator()));
	afterAll(async () => await sim.close());
	it('a Base URL without http(s):// (Token URL empty) says the Base URL needs http(s)://, never "invalid Token URL"; nothing is sent', async () => {
		const host = new URL(sim.url).host;
		const credentials = { jasOAuth2Api: { baseUrl: host, clientId: DEMO_CLIENTS.jas.clientId, clientSecret: DEMO_CLIENTS.jas.clientSecret } };
		const parameters = { authentication: 'jasOAuth2Api', method: 'GET', url: '/api/echo' };
		// The item's URL is resolved first: the workflow stops on it, as on any input error.
		const thrown = (await runNode({ node: new JasRequest(), parameters, items: [{ json: {} }], credentials }).catch((error: unknown) => error)) as Error;
		expect(thrown.message).toBe(`The credential's API URL "${host}" needs http(s)://, e.g. https://${host}. Fix it in the credential (Base URL).`);
		// The token request (n8n's credential test runs it too) names the Base URL and the credential as the user named it.
		const settings = clientCredentialsSettings(JAS_PROVIDER, credentials.jasOAuth2Api, 'My JAS');
		const token = (await requestToken(settings, { http: jest.fn() }).catch((error: unknown) => error)) as Error;
		expect(token.message).toMatch(new RegExp(`^Credential "My JAS": its Base URL "${host}/?" needs http\\(s\\)://, e\\.g\\. https://${host}\\.`));
		expect(`${thrown.message} ${token.message}`).not.toMatch(/invalid Token URL/);
		expect(sim.stats.tokenRequests).toBe(0);
	});

	it('a 404 with a JAS credential gives no JTL-FFN tip', async () => {
		const result = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/api/status/404', options: { maxRetries: 0 } },
			items: [{ json: {} }],
			credentials: { jasOAuth2Api: { baseUrl: sim.url, ...DEMO_CLIENTS.jas } },
		});
		const error = errorOf(result.outputs[CATEGORY.notFound][0]);
		expect(error.message).toMatch(/Check the URL path\.$/);
		expect(error.message).not.toMatch(/JTL|FFN/);
	});
});
