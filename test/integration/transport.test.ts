/**
 * The transport against real local servers (node:http / node:https on 127.0.0.1): pooling, timeouts,
 * cancellation, error mapping, redirects, TLS, n8n's egress filter and HTTP_PROXY.
 */
import { execFileSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { lookup as dnsLookup } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeEgressFilter } from 'n8n-workflow';
import { Agent, EnvHttpProxyAgent } from 'undici';
import { dispatcherFor, resetDispatchersForTests } from '../../nodes/shared/http/pools';
import { sendHttp, type HttpRequest } from '../../nodes/shared/http/send';
import { TransportError, type TransportErrorCode } from '../../nodes/shared/http/errors';
import { transportTokenHttp } from '../../nodes/shared/token/tokenHttp';
import { validateHeaders } from '../../nodes/shared/http/validation';
import { type EgressFilter } from '../../nodes/shared/http/egress';

// Compile-time check: the filter n8n 2.41 hands out fits our structural interface.
const fromN8n = (filter: NodeEgressFilter): EgressFilter => filter;

interface Seen {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

interface TestServer {
	server: http.Server | https.Server;
	port: number;
	seen: Seen[];
	connections: number;
}

const open: TestServer[] = [];

async function listen(handler: Handler, server: http.Server | https.Server = http.createServer()): Promise<TestServer> {
	const state: TestServer = { server, port: 0, seen: [], connections: 0 };
	const sockets = new Set<Socket>();
	server.on('connection', (socket: Socket) => {
		state.connections++;
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	// Tests leave hanging requests behind; closing must not wait for them.
	server.on('close', () => sockets.forEach((socket) => socket.destroy()));
	server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			state.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			handler(req, res, body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.port = (server.address() as AddressInfo).port;
	open.push(state);
	return state;
}

function json(res: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(JSON.stringify(value));
}

/** The main test server's routes. */
const routes: Handler = (req, res, body) => {
	const url = new URL(req.url ?? '/', 'http://x');
	switch (url.pathname) {
		case '/echo':
			return json(res, 200, { method: req.method, headers: req.headers, body }, { 'x-reply': 'yes', 'set-cookie': ['a=1', 'b=2'] });
		case '/hang':
			return; // never answers
		case '/dribble': {
			res.writeHead(200, { 'content-type': 'text/plain' });
			const timer = setInterval(() => res.write('.'), 100);
			res.on('close', () => clearInterval(timer));
			return;
		}
		case '/destroy':
			return req.socket.destroy();
		case '/redirect': {
			res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/echo' });
			return res.end('moved');
		}
		case '/loop':
			res.writeHead(302, { location: '/loop' });
			return res.end();
		default:
			return json(res, 404, { error: 'not found' });
	}
};

async function close(state: TestServer) {
	await new Promise<void>((resolve) => state.server.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof TransportError) return error;
		throw error;
	}
	throw new Error('expected a TransportError, but the request succeeded');
}

async function expectCode(promise: Promise<unknown>, code: TransportErrorCode): Promise<TransportError> {
	const error = await failure(promise);
	expect({ code: error.code, message: error.message }).toEqual({ code, message: expect.any(String) });
	return error;
}

const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
const savedEnv: Record<string, string | undefined> = {};
let main: TestServer;
let base: string;

const req = (path: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
	method: 'GET',
	url: `${base}${path}`,
	headers: {},
	timeoutMs: 5_000,
	followRedirects: true,
	maxRedirects: 5,
	...extra,
});

beforeAll(async () => {
	// A proxy configured on the machine would swallow our loopback requests.
	for (const name of PROXY_VARS) {
		savedEnv[name] = process.env[name];
		delete process.env[name];
	}
	await resetDispatchersForTests();
	main = await listen(routes);
	base = `http://127.0.0.1:${main.port}`;
});

afterAll(async () => {
	await resetDispatchersForTests();
	await Promise.all(open.map(close));
	for (const name of PROXY_VARS) {
		if (savedEnv[name] === undefined) delete process.env[name];
		else process.env[name] = savedEnv[name];
	}
});

describe('round trips', () => {
	it('GETs with headers and returns status, lower-case headers, body and final URL', async () => {
		const response = await sendHttp(req('/echo', { headers: { 'X-Custom': 'hello', Accept: 'application/json' } }));
		expect(response.status).toBe(200);
		expect(response.statusText).toBe('OK');
		expect(response.headers['x-reply']).toBe('yes');
		expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
		expect(response.url).toBe(`${base}/echo`);
		const echoed = JSON.parse(response.body.toString('utf8'));
		expect(echoed.method).toBe('GET');
		expect(echoed.headers['x-custom']).toBe('hello');
	});

	it('POSTs a string body and a Buffer body', async () => {
		const text = await sendHttp(req('/echo', { method: 'post', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' }));
		expect(JSON.parse(text.body.toString())).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
		const binary = await sendHttp(req('/echo', { method: 'PUT', body: Buffer.from('bytes') }));
		expect(JSON.parse(binary.body.toString())).toMatchObject({ method: 'PUT', body: 'bytes' });
	});

	it('fills statusText from STATUS_CODES when needed and returns error statuses as responses', async () => {
		const response = await sendHttp(req('/nothing-here'));
		expect(response.status).toBe(404);
		expect(response.statusText).toBe('Not Found');
	});

	// undici hands a socket back to the pool one event-loop turn after a response completes (pipelining 1), so
	// strictly back-to-back requests alternate between two sockets; with any pause between them it is one.
	it('reuses one keep-alive connection for sequential requests', async () => {
		const server = await listen((_req, res) => json(res, 200, { ok: true }));
		const url = `http://127.0.0.1:${server.port}/`;
		for (let i = 0; i < 5; i++) {
			expect((await sendHttp(req('/', { url }))).status).toBe(200);
			await new Promise((resolve) => setImmediate(resolve));
		}
		expect(server.seen).toHaveLength(5);
		expect(server.connections).toBe(1);
		for (let i = 0; i < 10; i++) expect((await sendHttp(req('/', { url }))).status).toBe(200);
		expect(server.seen).toHaveLength(15);
		expect(server.connections).toBeLessThanOrEqual(2);
	});
});

describe('timeouts and cancellation', () => {
	it('times out a server that never answers', async () => {
		const started = Date.now();
		const error = await expectCode(sendHttp(req('/hang', { timeoutMs: 300 })), 'timeout');
		const elapsed = Date.now() - started;
		expect(elapsed).toBeGreaterThanOrEqual(280);
		expect(elapsed).toBeLessThan(1_300);
		expect(error.message).toContain(`GET ${base}/hang`);
		expect(error.message).toContain('300 ms');
	});

	it('times out a body that keeps dribbling past the timeout', async () => {
		const started = Date.now();
		await expectCode(sendHttp(req('/dribble', { timeoutMs: 500 })), 'timeout');
		expect(Date.now() - started).toBeLessThan(1_500);
	});

	// Attempts that start close together share one deadline timer: none may time out before its own timeout.
	it('attempts sharing a deadline timer each time out at their own timeout or a little later, never earlier', async () => {
		const timed = async (delayMs: number) => {
			await new Promise((resolve) => setTimeout(resolve, delayMs));
			const started = Date.now();
			await expectCode(sendHttp(req('/dribble', { timeoutMs: 400 })), 'timeout');
			return Date.now() - started;
		};
		const elapsed = await Promise.all([timed(0), timed(10), timed(18)]);
		for (const ms of elapsed) {
			expect(ms).toBeGreaterThanOrEqual(398);
			expect(ms).toBeLessThan(1_400);
		}
	});

	it('stops promptly when the caller aborts, and reports it as aborted (not timeout)', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const started = Date.now();
		const error = await expectCode(sendHttp(req('/hang', { timeoutMs: 10_000, signal: controller.signal })), 'aborted');
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(error.message).toMatch(/stopped/);
	});

	it('does not even start when the signal is already aborted', async () => {
		const before = main.seen.length;
		await expectCode(sendHttp(req('/echo', { signal: AbortSignal.abort() })), 'aborted');
		expect(main.seen.length).toBe(before);
	});

	// The execution's signal lives as long as the execution: it must not collect a listener per request.
	it("holds one listener on the caller's signal however many requests it covers, and that one stops them all", async () => {
		const controller = new AbortController();
		for (let i = 0; i < 5; i++) expect((await sendHttp(req('/echo', { signal: controller.signal }))).status).toBe(200);
		const hanging = Array.from({ length: 3 }, async () => await failure(sendHttp(req('/hang', { timeoutMs: 10_000, signal: controller.signal }))));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
		controller.abort();
		expect((await Promise.all(hanging)).map((error) => error.code)).toEqual(['aborted', 'aborted', 'aborted']);
	});

	it('an egress check that never answers ends at the timeout, not later', async () => {
		const filter: EgressFilter = { validateUrl: async () => await new Promise<never>(() => undefined) };
		const started = Date.now();
		await expectCode(sendHttp(req('/echo', { timeoutMs: 200, egress: filter })), 'timeout');
		expect(Date.now() - started).toBeLessThan(2_000);
	});
});

describe('body size limits', () => {
	const sized = (chunked: boolean) => async (_req: http.IncomingMessage, res: http.ServerResponse) => {
		const status = Number(new URL(_req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
		const part = Buffer.alloc(1000, 'a');
		res.writeHead(status, chunked ? { 'content-type': 'text/plain' } : { 'content-type': 'text/plain', 'content-length': String(part.length * 3) });
		for (let i = 0; i < 3; i++) res.write(part);
		res.end();
	};

	it.each([
		['declared by Content-Length', false],
		['chunked, counted as it arrives', true],
	])('a success body over maxBodyBytes fails as tooLarge (%s); within it, it is read whole', async (_name, chunked) => {
		const server = await listen(sized(chunked));
		const url = `http://127.0.0.1:${server.port}/`;
		const error = await expectCode(sendHttp(req('/', { url, maxBodyBytes: 2_500 })), 'tooLarge');
		expect(error.message).toContain('2.4 KB');
		expect((await sendHttp(req('/', { url, maxBodyBytes: 3_000 }))).body).toEqual(Buffer.alloc(3_000, 'a'));
	});

	it('an error body is cut at the limit (plus the scrub margin) instead of failing, so its status stays', async () => {
		const server = await listen(sized(true));
		const response = await sendHttp(req('/?status=503', { url: `http://127.0.0.1:${server.port}/?status=503`, maxBodyBytes: 10 }));
		expect(response.status).toBe(503);
		expect(response.body.length).toBe(3_000); // 10 bytes + 64 KB margin: all of it
	});
});

describe('network errors', () => {
	it('maps a closed port to refused', async () => {
		const server = await listen(() => undefined);
		const port = server.port;
		await close(server);
		const error = await expectCode(sendHttp(req('/', { url: `http://127.0.0.1:${port}/x` })), 'refused');
		expect(error.message).toContain(`127.0.0.1:${port}`);
	});

	it('maps a socket destroyed by the server to reset', async () => {
		await expectCode(sendHttp(req('/destroy')), 'reset');
	});

	it('maps an unresolvable host to dns', async () => {
		const error = await expectCode(sendHttp(req('/', { url: 'http://nonexistent.invalid/path' })), 'dns');
		expect(error.message).toContain('nonexistent.invalid');
	});

	it('rejects invalid URLs and methods as invalidRequest', async () => {
		await expectCode(sendHttp(req('/', { url: 'not a url' })), 'invalidRequest');
		await expectCode(sendHttp(req('/', { url: 'ftp://127.0.0.1/file' })), 'invalidRequest');
		await expectCode(sendHttp(req('/echo', { method: 'GE T' })), 'invalidRequest');
	});

	it('strips user:password from URLs in messages', async () => {
		const error = await expectCode(sendHttp(req('/', { url: 'http://user:hunter22@127.0.0.1:1/x' })), 'invalidRequest');
		expect(error.message).not.toContain('hunter22');
	});
});

describe('header validation', () => {
	it('refuses CR/LF in a value without sending anything and without echoing the value', async () => {
		const before = main.seen.length;
		const error = await expectCode(
			sendHttp(req('/echo', { headers: { Authorization: 'Bearer s3cr3t-token\r\nX-Injected: 1' } })),
			'invalidRequest',
		);
		expect(error.message).toContain('Authorization');
		expect(error.message).not.toContain('s3cr3t');
		expect(error.message).not.toContain('Injected');
		expect(main.seen.length).toBe(before);
	});

	it('checks names and values on its own', () => {
		expect(() => validateHeaders({ 'X-Ok': 'fine value', Accept: 'application/json; q=0.9' })).not.toThrow();
		expect(() => validateHeaders({ 'Bad Name': 'x' })).toThrow(TransportError);
		expect(() => validateHeaders({ 'X-Nul': 'a\0b' })).toThrow(/X-Nul/);
		expect(() => validateHeaders({ 'X-Lf': 'a\nb' })).toThrow(/line break/);
	});
});

describe('redirects', () => {
	let other: TestServer;
	beforeAll(async () => {
		other = await listen((req2, res, body) => json(res, 200, { method: req2.method, headers: req2.headers, body }));
	});

	it('keeps Authorization on a same-origin redirect', async () => {
		const response = await sendHttp(req('/redirect?to=/echo', { headers: { Authorization: 'Bearer same' } }));
		expect(response.url).toBe(`${base}/echo`);
		expect(JSON.parse(response.body.toString()).headers.authorization).toBe('Bearer same');
	});

	it('drops Authorization, Cookie and Proxy-Authorization on a cross-origin redirect', async () => {
		const to = encodeURIComponent(`http://localhost:${other.port}/landing`);
		const response = await sendHttp(
			req(`/redirect?to=${to}`, { headers: { Authorization: 'Bearer secret', Cookie: 'sid=1', 'X-Keep': 'kept' } }),
		);
		expect(response.url).toBe(`http://localhost:${other.port}/landing`);
		const echoed = JSON.parse(response.body.toString()).headers;
		expect(echoed.authorization).toBeUndefined();
		expect(echoed.cookie).toBeUndefined();
		expect(echoed['x-keep']).toBe('kept');
	});

	it('turns a POST into a GET without body on 303', async () => {
		const response = await sendHttp(
			req('/redirect?status=303&to=/echo', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'payload' }),
		);
		const echoed = JSON.parse(response.body.toString());
		expect(echoed.method).toBe('GET');
		expect(echoed.body).toBe('');
		expect(echoed.headers['content-type']).toBeUndefined();
		expect(echoed.headers['content-length']).toBeUndefined();
	});

	it('keeps method and body on 307', async () => {
		const response = await sendHttp(req('/redirect?status=307&to=/echo', { method: 'POST', body: 'payload' }));
		expect(JSON.parse(response.body.toString())).toMatchObject({ method: 'POST', body: 'payload' });
	});

	it('stops after maxRedirects', async () => {
		const before = main.seen.length;
		const error = await expectCode(sendHttp(req('/loop', { maxRedirects: 3 })), 'tooManyRedirects');
		expect(main.seen.length - before).toBe(4);
		expect(error.message).toContain('3');
	});

	it('returns the 3xx as is when followRedirects is false', async () => {
		const response = await sendHttp(req('/redirect?to=/echo', { followRedirects: false }));
		expect(response.status).toBe(302);
		expect(response.statusText).toBe('Found');
		expect(response.headers.location).toBe('/echo');
		expect(response.body.toString()).toBe('moved');
	});
});

describe('TLS', () => {
	let dir: string | undefined;
	let tlsServer: TestServer | undefined;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'jas-transport-'));
		try {
			execFileSync(
				'openssl',
				['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
				{ stdio: 'ignore' },
			);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			throw new Error('openssl is not installed: the TLS tests need it to make a self-signed certificate (apt-get install openssl)');
		}
		const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
		tlsServer = await listen((_req, res) => json(res, 200, { secure: true }), server);
	});

	afterAll(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('reports https:// to a plain-HTTP port as a tls handshake failure', async () => {
		const error = await expectCode(sendHttp(req('/', { url: `https://127.0.0.1:${main.port}/` })), 'tls');
		expect(error.message).toMatch(/speaks HTTPS/);
		expect(error.message).not.toMatch(/\.c:\d+/);
	});

	it('rejects a self-signed certificate as tls, and accepts it with allowUnauthorizedCerts', async () => {
		const url = `https://localhost:${tlsServer!.port}/`;
		const error = await expectCode(sendHttp(req('/', { url })), 'tls');
		expect(error.message).toMatch(/Ignore SSL Issues/);
		const response = await sendHttp(req('/', { url, allowUnauthorizedCerts: true }));
		expect(response.status).toBe(200);
		expect(JSON.parse(response.body.toString())).toEqual({ secure: true });
	});

	it('the token request, which carries the client secret, never skips certificate checks', async () => {
		const tokenHttp = transportTokenHttp();
		const error = (await tokenHttp({ url: `https://localhost:${tlsServer!.port}/token`, method: 'POST', headers: {}, body: 'client_secret=x' }).catch((e: unknown) => e)) as TransportError;
		expect(error.code).toBe('tls');
	});
});

describe("n8n's egress filter", () => {
	it('blocks before any request when validateUrl rejects', async () => {
		const before = main.seen.length;
		const egress: EgressFilter = {
			validateUrl: async () => ({ ok: false, error: new Error('The request was blocked because it resolves to a restricted IP address') }),
		};
		const error = await expectCode(sendHttp(req('/echo', { egress })), 'blocked');
		expect(error.message).toMatch(/outbound request policy/);
		expect(main.seen.length).toBe(before);
	});

	it('uses its secure lookup for connections and checks every redirect hop', async () => {
		const looked: string[] = [];
		const validated: string[] = [];
		const lookup = ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
			looked.push(hostname);
			dnsLookup(hostname, options, callback);
		}) as LookupFunction;
		const egress: EgressFilter = {
			validateUrl: async (url) => {
				validated.push(url);
				return { ok: true };
			},
			createSecureLookup: () => lookup,
			validateRedirectSync: (url) => {
				if (url.includes('/forbidden')) throw new Error('redirect target not allowed');
			},
		};
		const url = `http://localhost:${main.port}`;
		const response = await sendHttp(req('/', { url: `${url}/redirect?to=/echo`, egress }));
		expect(response.status).toBe(200);
		expect(looked).toContain('localhost');
		expect(validated).toEqual([`${url}/redirect?to=/echo`, `${url}/echo`]);

		const before = main.seen.length;
		await expectCode(sendHttp(req('/', { url: `${url}/redirect?to=/forbidden`, egress })), 'blocked');
		expect(main.seen.length - before).toBe(1);
	});

	it("accepts the shape of n8n's NodeEgressFilter", () => {
		const filter = fromN8n({
			validateUrl: async () => ({ ok: true, result: undefined }),
			validateConnectionHost: () => ({ ok: true, result: undefined }),
			createSecureLookup: () => dnsLookup as unknown as LookupFunction,
			validateRedirectSync: () => undefined,
		});
		expect(typeof filter.createSecureLookup).toBe('function');
	});
});

describe('HTTP_PROXY', () => {
	afterEach(async () => {
		for (const name of PROXY_VARS) delete process.env[name];
		await resetDispatchersForTests();
	});

	/** A forward proxy on 127.0.0.1 that records what it forwards. */
	async function startForwardProxy(): Promise<{ port: number; proxied: string[] }> {
		const proxied: string[] = [];
		const proxy = await listen((incoming, res, body) => {
			proxied.push(`${incoming.method} ${incoming.url}`);
			const upstream = http.request(incoming.url ?? '', { method: incoming.method, headers: incoming.headers }, (answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			});
			upstream.on('error', () => res.destroy());
			upstream.end(body);
		});
		return { port: proxy.port, proxied };
	}

	it('ALL_PROXY is used when HTTP_PROXY is unset (as n8n\'s own requests do): API calls and token requests alike', async () => {
		const proxy = await startForwardProxy();
		process.env.ALL_PROXY = `http://127.0.0.1:${proxy.port}`;
		await resetDispatchersForTests();
		expect((await sendHttp(req('/echo?via=all'))).status).toBe(200);
		const token = await transportTokenHttp({ timeoutMs: 2_000 })({ url: `${base}/echo?token=1`, method: 'POST', headers: {}, body: 'x' });
		expect(token.status).toBe(200);
		expect(proxy.proxied).toEqual([`GET ${base}/echo?via=all`, `POST ${base}/echo?token=1`]);
	});

	it('a proxy without a scheme (HTTP_PROXY=127.0.0.1:3128) is an http:// proxy', async () => {
		const proxy = await startForwardProxy();
		process.env.HTTP_PROXY = `127.0.0.1:${proxy.port}`;
		await resetDispatchersForTests();
		expect((await sendHttp(req('/echo?via=bare'))).status).toBe(200);
		expect(proxy.proxied).toEqual([`GET ${base}/echo?via=bare`]);
	});

	it('a proxy that is down is named in the message, with the variables to check', async () => {
		const closed = await listen(() => undefined);
		await close(closed);
		process.env.HTTP_PROXY = `http://127.0.0.1:${closed.port}`;
		await resetDispatchersForTests();
		const error = await expectCode(sendHttp(req('/echo')), 'refused');
		expect(error.message).toContain(`the proxy 127.0.0.1:${closed.port}`);
		expect(error.message).toMatch(/HTTP_PROXY/);
		expect(error.message).not.toContain(`${main.port} refused`);
	});

	it('a proxy of another kind (ALL_PROXY=socks5://…) is refused with a message saying so', async () => {
		process.env.ALL_PROXY = 'socks5://127.0.0.1:1080';
		await resetDispatchersForTests();
		const error = await failure(sendHttp(req('/echo')));
		expect(error.message).toMatch(/ALL_PROXY is a socks5:\/\/ proxy/);
	});

	it('uses a plain keep-alive Agent when no proxy is set, the proxy-aware agent when one is', async () => {
		await resetDispatchersForTests();
		const direct = dispatcherFor(false, undefined);
		expect(direct).toBeInstanceOf(Agent);
		expect(direct).not.toBeInstanceOf(EnvHttpProxyAgent);
		expect((await sendHttp(req('/echo?direct=1'))).status).toBe(200);
		for (const [name, value] of [['HTTP_PROXY', 'http://127.0.0.1:9'], ['HTTPS_PROXY', 'http://127.0.0.1:9']]) {
			process.env[name] = value;
			await resetDispatchersForTests();
			expect(dispatcherFor(false, undefined)).toBeInstanceOf(EnvHttpProxyAgent);
			delete process.env[name];
		}
	});

	it('sends requests through the proxy named in HTTP_PROXY', async () => {
		const proxy = await startForwardProxy();
		process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
		await resetDispatchersForTests();
		const response = await sendHttp(req('/echo?via=proxy'));
		expect(response.status).toBe(200);
		expect(proxy.proxied).toEqual([`GET ${base}/echo?via=proxy`]);
		expect(main.seen.at(-1)?.url).toBe('/echo?via=proxy');
	});
});

describe('transportTokenHttp', () => {
	it('POSTs the token request and returns status, headers and a utf8 body', async () => {
		const http2 = transportTokenHttp({ timeoutMs: 2_000 });
		const response = await http2({
			url: `${base}/echo`,
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'grant_type=client_credentials&client_id=abc',
		});
		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toBe('application/json');
		expect(JSON.parse(response.body)).toMatchObject({ method: 'POST', body: 'grant_type=client_credentials&client_id=abc' });
	});

	it('does not follow redirects and throws TransportError on network failure', async () => {
		const tokenHttp = transportTokenHttp({ timeoutMs: 300 });
		const moved = await tokenHttp({ url: `${base}/redirect?to=/echo`, method: 'POST', headers: {}, body: 'x' });
		expect(moved.status).toBe(302);
		await expectCode(tokenHttp({ url: `${base}/hang`, method: 'POST', headers: {}, body: 'x' }), 'timeout');
	});
});
