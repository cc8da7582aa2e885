/**
 * The adversarial review's defect classes (issue 9), each attacked through n8n's engine (runNode) with hostile
 * servers on 127.0.0.1. Every run also passes the suite-wide leak check (leakGuard.ts): no registered secret in
 * any field of any output item, file or thrown error.
 */
import { CATEGORY } from '../../nodes/JasRequest/routing';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { JasOAuth2Api } from '../../credentials/JasOAuth2Api.credentials';
import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { registerSecrets } from '../../tools/simulators/secretRegistry';
import { binaryBuffer, runNode, type RunNodeResult } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator, startJasSimulator, startJtlSimulator } from '../../tools/simulators';
import { errorOf, pairedIndexes } from './behaviour.helpers';
import { bearerOf, type HostileServer, startHostileServer } from '../helpers/hostileServer';

let tokenCounter = 0;
/** A token with the characters JSON and URL encoders escape, as real ones sometimes have. */
const nextToken = () => `tok/${++tokenCounter}+${process.pid}~q=a&b/${Math.random().toString(36).slice(2)}+Z`;

/** The hostile server (a token endpoint and a scripted API) with tokens containing / + ~ = &, so every escaping of them is exercised. */
const startScripted = async (): Promise<HostileServer> => await startHostileServer(nextToken);

const CLIENT = { clientId: 'hardening-client', clientSecret: 'hardening-client-secret-0f3e9a' };
registerSecrets(CLIENT.clientSecret);

async function run(
	server: HostileServer,
	items: IDataObject[],
	parameters: IDataObject = {},
	extra: { credentials?: ICredentialDataDecryptedObject; signal?: AbortSignal; helpersOverride?: Partial<IExecuteFunctions['helpers']> } = {},
): Promise<RunNodeResult> {
	return await runNode({
		node: new JasRequest(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', ...parameters },
		items: items.map((json) => ({ json })),
		credentials: { jasOAuth2Api: extra.credentials ?? { baseUrl: server.url, ...CLIENT, renewalMarginSec: 60 } },
		signal: extra.signal,
		helpersOverride: extra.helpersOverride,
	});
}

let api: HostileServer;
beforeAll(async () => (api = await startScripted()));
afterAll(async () => await api.close());

describe('1. response size', () => {
	it('a JSON answer over Max Response Size goes to Client Error naming the option; the other items are unharmed', async () => {
		api.handle = (_req, res, url) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			if (url.pathname === '/big') res.end(JSON.stringify({ blob: 'x'.repeat(3 * 1024 * 1024) }));
			else res.end('{"ok":true}');
		};
		const result = await run(api, [{ path: '/small' }, { path: '/big' }, { path: '/small' }], { options: { maxResponseSizeMb: 1 } });
		expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual([0, 2]);
		expect(pairedIndexes(result.outputs[CATEGORY.clientError])).toEqual([1]);
		const error = errorOf(result.outputs[CATEGORY.clientError][0]);
		expect(error.source).toBe('response');
		expect(error.message).toMatch(/larger than 1 MB/);
		expect(error.message).toMatch(/Max Response Size/);
	});

	it('a declared Content-Length over the limit is refused before the body arrives', async () => {
		let bodyWritten = false;
		api.handle = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(300 * 1024 * 1024) });
			res.write('{"a":"');
			// Never finishes: without the header check the item would wait for the timeout.
			setTimeout(() => (bodyWritten = true), 10_000).unref();
		};
		const result = await run(api, [{ path: '/declared' }], { options: { timeout: 20_000 } });
		expect(errorOf(result.outputs[CATEGORY.clientError][0]).message).toMatch(/larger than 100 MB/);
		expect(bodyWritten).toBe(false);
	});

	it('a file download is streamed into binary data; past Max File Size it goes to Client Error naming the option', async () => {
		const size = 5 * 1024 * 1024 + 17;
		api.handle = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) });
			res.end(Buffer.alloc(size, 7));
		};
		const ok = await run(api, [{ path: '/file.bin' }], { options: { responseFormat: 'file' } });
		const file = ok.outputs[CATEGORY.success][0];
		expect((await binaryBuffer(file, 'data')).length).toBe(size);
		expect(file.binary?.data.fileName).toBe('file.bin');

		const limited = await run(api, [{ path: '/file.bin' }], { options: { responseFormat: 'file', maxFileSizeMb: 2 } });
		const error = errorOf(limited.outputs[CATEGORY.clientError][0]);
		expect(error.message).toMatch(/Max File Size/);
		expect(error.source).toBe('response');
	});
});

describe('2. secrets in JSON escapes and base64', () => {
	it('a token echoed \\/-escaped, \\u002B-escaped, fully \\u-escaped or base64 never reaches json or error.body', async () => {
		api.handle = (req, res, url) => {
			const token = bearerOf(req);
			const full = Array.from(token, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
			const raw = `{"php":"${token.replace(/\//g, '\\/')}","dotnet":"${token.replace(/\+/g, '\\u002B')}","full":"${full}","b64":"${Buffer.from(token).toString('base64')}","basic":"${Buffer.from(`id:${token}`).toString('base64')}","${full}":"as a key"}`;
			res.writeHead(url.pathname === '/error' ? 400 : 200, { 'Content-Type': 'application/json' });
			res.end(raw);
		};
		const result = await run(api, [{ path: '/ok' }, { path: '/error' }]);
		const success = result.outputs[CATEGORY.success][0].json;
		const errorBody = errorOf(result.outputs[CATEGORY.clientError][0]).body as IDataObject;
		for (const json of [success, errorBody]) {
			expect(json).toMatchObject({ php: '[redacted]', dotnet: '[redacted]', full: '[redacted]', b64: '[redacted]' });
			expect(json['[redacted]']).toBe('as a key');
			expect(String(json.basic)).toContain('[redacted]');
		}
	});
});

describe('3. secrets in URLs and file names the API chose', () => {
	it('a same-host next link carrying the token is scrubbed from error.request.url', async () => {
		api.handle = (req, res, url) => {
			res.writeHead(url.searchParams.has('access_token') ? 500 : 200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ next: `/page2?access_token=${encodeURIComponent(bearerOf(req))}&x=1` }));
		};
		const result = await run(api, [{ path: '/page1' }], { paginationMode: 'nextUrl', nextUrlField: 'next', maxPages: 5, options: { maxRetries: 0 } });
		const error = errorOf(result.outputs[CATEGORY.serverError][0]);
		expect(error.request.url).toContain('access_token=[redacted]');
	});

	it('a redirect to /files/<token> and a fully percent-encoded filename* give scrubbed file names', async () => {
		api.handle = (req, res, url) => {
			const token = bearerOf(req) || api.tokens[api.tokens.length - 1];
			if (url.pathname === '/download') {
				res.writeHead(302, { Location: `/files/${encodeURIComponent(token)}` });
				res.end();
				return;
			}
			const encoded = Array.from(Buffer.from(`${token}.pdf`), (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
			const headers: Record<string, string> = { 'Content-Type': 'application/pdf' };
			if (url.searchParams.has('disposition')) headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encoded}`;
			res.writeHead(200, headers);
			res.end('%PDF-1.4');
		};
		const result = await run(api, [{ path: '/download' }, { path: '/report?disposition=1' }], { options: { responseFormat: 'file' } });
		const names = result.outputs[CATEGORY.success].map((item) => item.binary?.data.fileName);
		expect(names).toEqual(['[redacted]', '[redacted].pdf']);
	});
	it('no fragment of the token names a file: a redirect to /files/<token> with the token\'s "/" kept', async () => {
		api.handle = (req, res, url) => {
			if (url.pathname === '/download') {
				res.writeHead(302, { Location: `/files/${encodeURI(bearerOf(req))}` });
				res.end();
				return;
			}
			res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
			res.end('bytes');
		};
		const result = await run(api, [{ path: '/download' }], { options: { responseFormat: 'file' } });
		const name = String(result.outputs[CATEGORY.success][0].binary?.data.fileName);
		const token = api.tokens[api.tokens.length - 1];
		for (let i = 0; i + 8 <= token.length; i++) expect(name).not.toContain(token.slice(i, i + 8));
		expect(name).toContain('[redacted]');
	});
});

/**
 * A node that asks n8n for an authenticated request per item (its `target`, else the API's /probe), as n8n's HTTP
 * Request node does with a predefined credential: runs the credential's preAuthentication and authenticate.
 */
class ProbeNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'jasOAuth2Api', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const item of this.getInputData()) {
			const url = typeof item.json.target === 'string' ? item.json.target : `${api.url}/probe`;
			out.push({ json: (await this.helpers.httpRequestWithAuthentication.call(this, 'jasOAuth2Api', { url, json: true })) as IDataObject });
		}
		return [out];
	}
}

describe('4. token endpoint redirects', () => {
	it('the credential (preAuthentication through n8n) never re-posts the secret to the Location host', async () => {
		const attacker = await startScripted();
		let secretsPosted = 0;
		attacker.handle = (req, res) => {
			req.on('data', (chunk: Buffer) => (secretsPosted += chunk.includes(CLIENT.clientSecret) ? 1 : 0));
			req.on('end', () => res.end('{}'));
		};
		const redirecting = await startScripted();
		redirecting.handle = (req, res) => {
			req.resume();
			res.writeHead(307, { Location: `${attacker.url}/oauth2/token` });
			res.end();
		};
		try {
			api.handle = (_req, res) => res.end('{"probe":true}');
			const error = (await runNode({
				node: new ProbeNode(),
				parameters: {},
				items: [{ json: {} }],
				credentials: { jasOAuth2Api: { baseUrl: api.url, tokenUrl: `${redirecting.url}/token`, ...CLIENT, renewalMarginSec: 60 } },
				credentialTypes: [new JasOAuth2Api()],
			}).catch((e: unknown) => e)) as Error & { description?: string };
			expect(`${error.message} ${error.description ?? ''}`).toMatch(/never follow redirects/);
			expect(attacker.tokenRequests + attacker.apiRequests).toBe(0);
			expect(secretsPosted).toBe(0);
		} finally {
			await attacker.close();
			await redirecting.close();
		}
	});
});

describe("4b. the credential in n8n's own nodes (HTTP Request node, Predefined Credential Type)", () => {
	it('adds the Bearer token for the API host only: a request to another host goes out without it', async () => {
		const other = await startScripted();
		const seen: string[] = [];
		const record = (req: IncomingMessage, res: ServerResponse) => {
			seen.push(`${req.headers.host} ${req.headers.authorization ? 'with' : 'without'} Authorization`);
			res.end('{}');
		};
		other.handle = record;
		api.handle = record;
		try {
			await runNode({
				node: new ProbeNode(),
				parameters: {},
				items: [{ json: { target: `${api.url}/mine` } }, { json: { target: `${other.url}/collect` } }],
				credentials: { jasOAuth2Api: { baseUrl: api.url, ...CLIENT, renewalMarginSec: 60 } },
				credentialTypes: [new JasOAuth2Api()],
			});
			expect(seen).toEqual([`${new URL(api.url).host} with Authorization`, `${new URL(other.url).host} without Authorization`]);
		} finally {
			await other.close();
		}
	});
});

describe('5. a credential without an API host', () => {
	it('JAS with an empty Base URL sends no token anywhere: every item goes to Auth Error saying to set the API URL', async () => {
		const other = await startScripted();
		try {
			const result = await run(api, [{ path: `${other.url}/steal` }, { path: '/relative' }], {}, { credentials: { baseUrl: '', tokenUrl: `${api.url}/oauth2/token`, ...CLIENT } });
			expect(pairedIndexes(result.outputs[CATEGORY.authError])).toEqual([0, 1]);
			expect(errorOf(result.outputs[CATEGORY.authError][0]).message).toMatch(/has no API URL/);
			expect(other.apiRequests).toBe(0);
		} finally {
			await other.close();
		}
	});

	it('JTL Custom with an empty API URL sends no token anywhere', async () => {
		const jtl = await startJtlSimulator();
		const other = await startScripted();
		try {
			const token = await jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: 'http://localhost:5678/cb', scope: 'ffn.merchant.read' });
			const result = await runNode({
				node: new JasRequest(),
				parameters: { authentication: 'jtlFfnOAuth2Api', method: 'GET', url: `${other.url}/steal` },
				items: [{ json: {} }],
				credentials: { jtlFfnOAuth2Api: { environment: 'custom', customApiUrl: '', customOAuthUrl: jtl.url, ...DEMO_CLIENTS.jtl, oauthTokenData: { ...token } } },
			});
			expect(errorOf(result.outputs[CATEGORY.authError][0]).message).toMatch(/has no API URL/);
			expect(other.apiRequests).toBe(0);
		} finally {
			await jtl.close();
			await other.close();
		}
	});
});

describe('6. one token request shared across executions', () => {
	let jas: Simulator;
	beforeAll(async () => (jas = await startJasSimulator()));
	afterAll(async () => await jas.close());

	it("cancelling execution A ends only A's wait: B, waiting on the same token request, still gets the token", async () => {
		jas.setTokenFault({ kind: 'slow', delayMs: 1_500 });
		const client = { clientId: DEMO_CLIENTS.jas.clientId, clientSecret: DEMO_CLIENTS.jas.clientSecret };
		const credentials = { baseUrl: jas.url, ...client, renewalMarginSec: 60 };
		const controller = new AbortController();
		try {
			// A fresh identity (renewal margin is part of nothing; a distinct secret-free key needs a distinct URL).
			const items = [{ path: '/api/echo?n=1' }];
			const a = run(api, items, {}, { credentials: { ...credentials, tokenUrl: `${jas.url}/oauth2/token?shared=1` }, signal: controller.signal });
			await new Promise((resolve) => setTimeout(resolve, 300));
			const b = run(api, items, {}, { credentials: { ...credentials, tokenUrl: `${jas.url}/oauth2/token?shared=1` } });
			await new Promise((resolve) => setTimeout(resolve, 200));
			controller.abort();
			await a.catch(() => undefined);
			const resultB = await b;
			expect(resultB.outputs[CATEGORY.success]).toHaveLength(1);
		} finally {
			jas.setTokenFault(null);
		}
	});
});

describe('7. renewal failures', () => {
	it('a transient token failure is not remembered for the run: later items get a token once the endpoint recovers', async () => {
		const flaky = await startScripted();
		let failures = 2;
		const tokenServer = await startHostileServer();
		tokenServer.tokenHandle = (req, res) => {
			req.resume();
			req.on('end', () => {
				if (failures-- > 0) {
					res.writeHead(503, { 'Content-Type': 'application/json' });
					res.end('{"error":"temporarily_unavailable"}');
					return;
				}
				const token = nextToken();
				registerSecrets(token);
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 600 }));
			});
		};
		const tokenUrl = `${tokenServer.url}/oauth2/token`;
		try {
			flaky.handle = (_req, res) => res.end('{"ok":true}');
			// The token request's own retries (2) would absorb 2 failures: 3 are needed to fail item 0 once.
			failures = 3;
			const result = await run(flaky, [{ path: '/a' }, { path: '/b' }, { path: '/c' }], { options: { concurrency: 1 } }, { credentials: { baseUrl: flaky.url, tokenUrl, ...CLIENT } });
			expect(pairedIndexes(result.outputs[CATEGORY.authError])).toEqual([0]);
			expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual([1, 2]);
		} finally {
			await flaky.close();
			await tokenServer.close();
		}
	});

	it('a 401 after a cross-origin redirect hop (even back to the API) does not invalidate the token', async () => {
		const elsewhere = await startScripted();
		elsewhere.handle = (_req, res) => {
			res.writeHead(302, { Location: `${api.url}/after-hop` });
			res.end();
		};
		api.handle = (req, res, url) => {
			if (url.pathname === '/hop') {
				res.writeHead(302, { Location: `${elsewhere.url}/bounce` });
				res.end();
			} else if (url.pathname === '/after-hop') {
				res.writeHead(req.headers.authorization ? 200 : 401, { 'Content-Type': 'application/json' });
				res.end('{}');
			} else res.end('{"ok":true}');
		};
		try {
			await run(api, [{ path: '/ok' }]); // the credential's token is cached from here on
			const before = api.tokenRequests;
			const result = await run(api, [{ path: '/hop' }, { path: '/ok' }], { options: { concurrency: 1 } });
			expect(pairedIndexes(result.outputs[CATEGORY.authError])).toEqual([0]);
			expect(pairedIndexes(result.outputs[CATEGORY.success])).toEqual([1]);
			// No renewal: the 401 was not an answer to our token.
			expect(api.tokenRequests - before).toBe(0);
		} finally {
			await elsewhere.close();
		}
	});
});

describe('8. pathological inputs', () => {
	it('a Retry-After beyond any timer goes to Rate Limited at once instead of retrying after 1 ms', async () => {
		api.handle = (_req, res) => {
			res.writeHead(429, { 'Retry-After': '99999999999' });
			res.end();
		};
		const before = api.apiRequests;
		// Even with a wait budget no timer can hold (both clamped in code).
		const result = await run(api, [{ path: '/limited' }], { options: { maxRetries: 3, maxRetryWait: 1e12 } });
		expect(errorOf(result.outputs[CATEGORY.rateLimited][0]).attempts).toBe(1);
		expect(api.apiRequests - before).toBe(1);
	});

	it('Retries above the documented maximum are clamped to 10 (11 requests, not 1,001)', async () => {
		api.handle = (_req, res) => {
			res.writeHead(503, { 'Retry-After': '0' });
			res.end();
		};
		const before = api.apiRequests;
		const result = await run(api, [{ path: '/down' }], { options: { maxRetries: 1000 } });
		expect(errorOf(result.outputs[CATEGORY.serverError][0]).attempts).toBe(11);
		expect(api.apiRequests - before).toBe(11);
	});

	it('a JTL refresh answering expires_in <= 0 causes one refresh, not one per wave of items', async () => {
		const jtl = await startJtlSimulator();
		try {
			const token = await jtl.authorizeAndExchange({ ...DEMO_CLIENTS.jtl, redirectUri: 'http://localhost:5678/cb', scope: 'ffn.merchant.read' });
			let refreshes = 0;
			const refreshOAuth2Token = async (): Promise<IDataObject> => {
				refreshes++;
				const response = await fetch(`${jtl.url}/token`, {
					method: 'POST',
					headers: { Authorization: `Basic ${Buffer.from(`${DEMO_CLIENTS.jtl.clientId}:${DEMO_CLIENTS.jtl.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token.refresh_token }).toString(),
				});
				const body = (await response.json()) as IDataObject;
				// The hostile part: a fresh token whose expiry is useless, and n8n keeps the stale recorded expiry.
				return { ...body, expires_in: 0 };
			};
			const result = await runNode({
				node: new JasRequest(),
				parameters: { authentication: 'jtlFfnOAuth2Api', method: 'GET', url: '/v1/merchant/products?$top=1', options: { concurrency: 2 } },
				items: Array.from({ length: 12 }, () => ({ json: {} })),
				credentials: {
					jtlFfnOAuth2Api: {
						environment: 'custom',
						customApiUrl: `${jtl.url}/api`,
						customOAuthUrl: jtl.url,
						...DEMO_CLIENTS.jtl,
						oauthTokenData: { ...token, n8n_expires_at: String(Date.now() - 1_000) },
					},
				},
				helpersOverride: { refreshOAuth2Token } as never,
			});
			expect(result.outputs[CATEGORY.success]).toHaveLength(12);
			expect(refreshes).toBe(1);
		} finally {
			await jtl.close();
		}
	});
});

describe('9. time-outs that are not the server', () => {
	it('two executions with Concurrency 100 each against a 400 ms API, timeout 1.5 s: no item times out waiting for a connection', async () => {
		api.handle = (_req, res) => setTimeout(() => res.end('{"ok":true}'), 400);
		const items = Array.from({ length: 150 }, (_, i) => ({ path: `/slow?i=${i}` }));
		const [a, b] = await Promise.all([
			run(api, items, { options: { concurrency: 100, timeout: 1_500, maxRetries: 0 } }),
			run(api, items, { options: { concurrency: 100, timeout: 1_500, maxRetries: 0 } }),
		]);
		expect(a.outputs[CATEGORY.success]).toHaveLength(150);
		expect(b.outputs[CATEGORY.success]).toHaveLength(150);
	});
});

describe('10. small correctness gaps', () => {
	it('decodes the declared charset (ISO-8859-1, UTF-16) and JSON with a UTF-8 BOM', async () => {
		api.handle = (_req, res, url) => {
			if (url.pathname === '/latin1') {
				res.writeHead(200, { 'Content-Type': 'application/json; charset=ISO-8859-1' });
				res.end(Buffer.from('{"name":"M\u00fcller"}', 'latin1'));
			} else if (url.pathname === '/utf16') {
				res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-16le' });
				res.end(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"name":"M\u00fcller"}', 'utf16le')]));
			} else {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"M\u00fcller"}')]));
			}
		};
		const result = await run(api, [{ path: '/latin1' }, { path: '/utf16' }, { path: '/bom' }]);
		expect(result.outputs[CATEGORY.success].map((item) => item.json.name)).toEqual(['M\u00fcller', 'M\u00fcller', 'M\u00fcller']);
	});

	it('a lower-case method from an expression ("post") still sends the body', async () => {
		let received = '';
		api.handle = (req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				received = `${req.method} ${body}`;
				res.end('{}');
			});
		};
		await run(api, [{ path: '/create', m: 'post' }], { method: '={{ $json.m }}', bodyType: 'json', jsonBody: '{"a":1}' });
		expect(received).toBe('POST {"a":1}');
	});

	it('Timeout 0 means none, and Concurrency "5" as a string is 5, not the default', async () => {
		let inFlight = 0;
		let maxInFlight = 0;
		api.handle = (_req, res) => {
			maxInFlight = Math.max(maxInFlight, ++inFlight);
			setTimeout(() => {
				inFlight--;
				res.end('{}');
			}, 150);
		};
		const result = await run(api, Array.from({ length: 12 }, () => ({ path: '/x' })), { options: { timeout: '={{ 0 }}', concurrency: '={{ "5" }}' } });
		expect(result.outputs[CATEGORY.success]).toHaveLength(12);
		expect(maxInFlight).toBe(5);
	});
});

describe('11. scrub, then cut: nested encodings, cuts and the Token URL', () => {
	/** Every 8-character piece of `token`, in every spelling a reader could decode from `text`. */
	const expectNoFragment = (text: string, token: string) => {
		let decoded = text;
		for (let i = 0; i < 3; i++) decoded = decodeURIComponent(decoded.replace(/%(?![0-9a-f]{2})/gi, ''));
		for (let i = 0; i + 8 <= token.length; i++) expect(decoded).not.toContain(token.slice(i, i + 8));
	};

	it('a token percent-encoded twice (a callback URL in a query parameter) is scrubbed from error.body and from text files', async () => {
		api.handle = (req, res, url) => {
			const nested = encodeURIComponent(`https://app.example/cb?token=${encodeURIComponent(bearerOf(req))}`);
			res.writeHead(url.pathname === '/error' ? 400 : 200, { 'Content-Type': url.pathname === '/error' ? 'application/json' : 'text/plain' });
			res.end(url.pathname === '/error' ? JSON.stringify({ message: `go to /login?return=${nested}` }) : `return=${nested}\n`);
		};
		const failed = await run(api, [{ path: '/error' }]);
		const token = api.tokens[api.tokens.length - 1];
		expectNoFragment(JSON.stringify(errorOf(failed.outputs[CATEGORY.clientError][0]).body), token);
		const file = await run(api, [{ path: '/file.txt' }], { options: { responseFormat: 'file' } });
		const text = (await binaryBuffer(file.outputs[CATEGORY.success][0], 'data')).toString('utf8');
		expect(text).toContain('[redacted]');
		expectNoFragment(text, token);
	});

	it('an error body over 1 MB is scrubbed before it is cut: a token straddling the cut leaves nothing', async () => {
		let straddle = 0;
		api.handle = (req, res) => {
			res.writeHead(400, { 'Content-Type': 'text/plain' });
			res.end(`${'a'.repeat(1024 * 1024 - straddle)}${bearerOf(req)}${'b'.repeat(1000)}`);
		};
		for (straddle of [10, 20]) {
			const result = await run(api, [{ path: '/huge-error' }]);
			const body = String(errorOf(result.outputs[CATEGORY.clientError][0]).body);
			expect(body.length).toBeLessThanOrEqual(1024 * 1024);
			expectNoFragment(body, api.tokens[api.tokens.length - 1]);
		}
	});

	it('a password in the Token URL is never printed', async () => {
		const tokenUrl = `http://client:pa55-w0rd-in-url@127.0.0.1:${new URL(api.url).port}/oauth2/token`;
		api.handle = (_req, res) => res.end('{}');
		const result = await run(api, [{ path: '/x' }], {}, { credentials: { baseUrl: api.url, tokenUrl, ...CLIENT } });
		expect(JSON.stringify(result.outputs)).not.toContain('pa55-w0rd');
		expect(errorOf(result.outputs[CATEGORY.authError][0]).source).toBe('token');
	});
});

describe("12. tool mode: the API's own host never reaches the model", () => {
	/** n8n offers the node to agents as a copy whose type name ends in "Tool". */
	class JasRequestTool extends JasRequest {
		description: INodeTypeDescription = { ...new JasRequest().description, name: 'jasRequestTool' };
	}

	it('not when the API names it bare (a 404 text, an Apache "Server at … Port …" page), nor percent-encoded in a return URL', async () => {
		const port = new URL(api.url).port;
		const apiUrl = `http://localhost:${port}`;
		api.handle = (_req, res, url) => {
			if (url.pathname === '/apache') {
				res.writeHead(404, { 'Content-Type': 'text/html' });
				res.end(`<html><body><h1>Not Found</h1><address>Apache/2.4.57 (Debian) Server at localhost Port ${port}</address></body></html>`);
				return;
			}
			res.writeHead(url.pathname === '/route' ? 404 : 200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ message: url.pathname === '/route' ? 'No route GET /route on localhost' : 'ok', next: `/login?return=${encodeURIComponent(`${apiUrl}/back`)}` }));
		};
		const result = await runNode({
			node: new JasRequestTool(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', options: { maxRetries: 0 } },
			items: [{ json: { path: '/route' } }, { json: { path: '/apache' } }, { json: { path: '/ok' } }],
			credentials: { jasOAuth2Api: { baseUrl: apiUrl, ...CLIENT, tokenUrl: `${api.url}/oauth2/token`, renewalMarginSec: 60 } },
		});
		expect(result.outputs[0]).toHaveLength(3);
		const told = JSON.stringify(result.outputs[0]);
		expect(told).not.toMatch(/localhost/i);
		expect(told).toContain('[host]');
	});
});
