/**
 * callApi against a real node:http server on 127.0.0.1 (the transport is not mocked), with a fake Authorizer.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { Authorizer } from '../../nodes/JasRequest/authorizers';
import { callApi, type CallSettings } from '../../nodes/JasRequest/callApi';
import type { PreparedRequest } from '../../nodes/JasRequest/requestBuilder';
import { TokenError } from '../../nodes/shared/token/tokenErrors';
import { resetDispatchersForTests } from '../../nodes/shared/http/pools';
import { TransportError } from '../../nodes/shared/http/errors';

interface Reply {
	status: number;
	headers?: Record<string, string>;
	body?: string;
}

interface Seen {
	method: string;
	url: string;
	authorization?: string;
	body: string;
}

/** The server answers from `replies` in order; once they run out it repeats the last one. */
let replies: Reply[] = [];
let seen: Seen[] = [];
let server: http.Server;
let baseUrl: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') });
			const reply = replies.length > 1 ? replies.shift()! : (replies[0] ?? { status: 200 });
			res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
			res.end(reply.body ?? JSON.stringify({ status: reply.status }));
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await resetDispatchersForTests();
	for (const socket of sockets) socket.destroy();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	replies = [];
	seen = [];
});

/** Hands out "t1", "t2", …: a rejected token is replaced by the next one. */
class FakeAuthorizer implements Authorizer {
	readonly baseUrl = 'http://unused.invalid';

	readonly unusable = undefined;

	readonly identity = 'fake';

	current = 1;

	getTokenCalls = 0;

	rejectedTokens: string[] = [];

	failWith?: unknown;

	failRejectedWith?: unknown;

	/** Never one in hand: every attempt asks getToken, so the calls can be counted. */
	freshToken(): undefined {
		return undefined;
	}

	async getToken(): Promise<string> {
		this.getTokenCalls++;
		if (this.failWith) throw this.failWith;
		return `t${this.current}`;
	}

	async rejected(token: string): Promise<void> {
		this.rejectedTokens.push(token);
		if (this.failRejectedWith) throw this.failRejectedWith;
		if (token === `t${this.current}`) this.current++;
	}

	secrets(): string[] {
		return [`t${this.current}`];
	}
}

function settings(overrides: Partial<CallSettings> = {}, retry: Partial<CallSettings['retry']> = {}): CallSettings {
	return {
		timeoutMs: 5_000,
		followRedirects: false,
		maxRedirects: 0,
		allowUnauthorizedCerts: false,
		...overrides,
		retry: { maxRetries: 2, maxTotalWaitMs: 5_000, baseDelayMs: 10, maxDelayMs: 40, retryNonIdempotent: false, ...retry },
	};
}

function get(path = '/api/items'): PreparedRequest {
	return { method: 'GET', url: baseUrl + path, headers: { Accept: 'application/json' } };
}

function post(path = '/api/items'): PreparedRequest {
	return { method: 'POST', url: baseUrl + path, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
	const probe = http.createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return port;
}

describe('callApi', () => {
	it('succeeds on the first try, sending the bearer token and the request as prepared', async () => {
		replies = [{ status: 200, body: '{"ok":true}' }];
		const auth = new FakeAuthorizer();
		const outcome = await callApi(post('/api/items?x=1'), auth, settings());
		expect(outcome.kind).toBe('response');
		if (outcome.kind !== 'response') return;
		expect(outcome.attempts).toBe(1);
		expect(outcome.response.status).toBe(200);
		expect(JSON.parse(outcome.response.body.toString('utf8'))).toEqual({ ok: true });
		expect(outcome.retryAfterMs).toBeUndefined();
		expect(seen).toEqual([{ method: 'POST', url: '/api/items?x=1', authorization: 'Bearer t1', body: '{"a":1}' }]);
		expect(auth.rejectedTokens).toEqual([]);
	});

	it('401: reports the rejected token, retries once with the new one, returns a second 401 as a response', async () => {
		replies = [{ status: 401 }];
		const auth = new FakeAuthorizer();
		const outcome = await callApi(get(), auth, settings());
		expect(auth.rejectedTokens).toEqual(['t1']);
		expect(seen.map((request) => request.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
		expect(outcome.kind).toBe('response');
		if (outcome.kind !== 'response') return;
		expect(outcome.response.status).toBe(401);
		expect(outcome.attempts).toBe(2);
	});

	it('401 then 200: the renewed token succeeds', async () => {
		replies = [{ status: 401 }, { status: 200 }];
		const auth = new FakeAuthorizer();
		const outcome = await callApi(get(), auth, settings());
		expect(outcome).toMatchObject({ kind: 'response', attempts: 2, response: { status: 200 } });
		expect(auth.rejectedTokens).toEqual(['t1']);
		expect(seen[1].authorization).toBe('Bearer t2');
	});

	it('503 is retried, then succeeds; attempts are counted', async () => {
		replies = [{ status: 503 }, { status: 503 }, { status: 200 }];
		const outcome = await callApi(get(), new FakeAuthorizer(), settings());
		expect(outcome).toMatchObject({ kind: 'response', attempts: 3, response: { status: 200 } });
		expect(seen).toHaveLength(3);
	});

	it('503 until retries run out: the last 503 is returned after 1 + maxRetries attempts', async () => {
		replies = [{ status: 503 }];
		const outcome = await callApi(get(), new FakeAuthorizer(), settings({}, { maxRetries: 2 }));
		expect(outcome).toMatchObject({ kind: 'response', attempts: 3, response: { status: 503 } });
		expect(seen).toHaveLength(3);
	});

	it('non-retryable errors (400, 404, 501) are returned at once', async () => {
		for (const status of [400, 404, 501]) {
			seen = [];
			replies = [{ status }];
			const outcome = await callApi(get(), new FakeAuthorizer(), settings());
			expect(outcome).toMatchObject({ kind: 'response', attempts: 1, response: { status } });
			expect(seen).toHaveLength(1);
		}
	});

	it('429 with Retry-After: 1 waits about a second, then retries', async () => {
		replies = [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 200 }];
		const started = Date.now();
		const outcome = await callApi(get(), new FakeAuthorizer(), settings());
		const elapsed = Date.now() - started;
		expect(outcome).toMatchObject({ kind: 'response', attempts: 2, response: { status: 200 } });
		expect(elapsed).toBeGreaterThanOrEqual(900);
		expect(elapsed).toBeLessThan(3_000);
	});

	it('a Retry-After beyond the wait budget returns at once, with retryAfterMs set', async () => {
		replies = [{ status: 429, headers: { 'Retry-After': '120' } }];
		const started = Date.now();
		const outcome = await callApi(get(), new FakeAuthorizer(), settings({}, { maxTotalWaitMs: 5_000 }));
		expect(Date.now() - started).toBeLessThan(500);
		expect(outcome).toMatchObject({ kind: 'response', attempts: 1, retryAfterMs: 120_000, response: { status: 429 } });
		expect(seen).toHaveLength(1);
	});

	it('POST is not retried on 503 by default', async () => {
		replies = [{ status: 503 }, { status: 200 }];
		const outcome = await callApi(post(), new FakeAuthorizer(), settings());
		expect(outcome).toMatchObject({ kind: 'response', attempts: 1, response: { status: 503 } });
		expect(seen).toHaveLength(1);
	});

	it('POST is retried on 503 with retryNonIdempotent, body resent', async () => {
		replies = [{ status: 503 }, { status: 200 }];
		const outcome = await callApi(post(), new FakeAuthorizer(), settings({}, { retryNonIdempotent: true }));
		expect(outcome).toMatchObject({ kind: 'response', attempts: 2, response: { status: 200 } });
		expect(seen.map((request) => request.body)).toEqual(['{"a":1}', '{"a":1}']);
	});

	it('connection refused: kind network, retried, attempts = 1 + retries', async () => {
		const port = await closedPort();
		const auth = new FakeAuthorizer();
		const outcome = await callApi({ method: 'GET', url: `http://127.0.0.1:${port}/x`, headers: {} }, auth, settings({}, { maxRetries: 3 }));
		expect(outcome.kind).toBe('network');
		if (outcome.kind !== 'network') return;
		expect(outcome.attempts).toBe(4);
		expect(outcome.error).toBeInstanceOf(TransportError);
		expect(outcome.error.code).toBe('refused');
		expect(outcome.error.message).not.toContain('t1');
		expect(auth.getTokenCalls).toBe(4);
	});

	it('a TokenError from getToken is a token outcome, with no request sent', async () => {
		const auth = new FakeAuthorizer();
		const failure = new TokenError('rejected', 'The token endpoint rejected the client (401).', 401);
		auth.failWith = failure;
		const outcome = await callApi(get(), auth, settings());
		expect(outcome.kind).toBe('token');
		if (outcome.kind !== 'token') return;
		expect(outcome.error).toBe(failure);
		expect(outcome.attempts).toBe(0);
		expect(seen).toHaveLength(0);
	});

	it('a TokenError from the renewal after a 401 is a token outcome', async () => {
		replies = [{ status: 401 }];
		const auth = new FakeAuthorizer();
		const failure = new TokenError('rejected', 'Could not refresh the token.');
		auth.failRejectedWith = failure;
		const outcome = await callApi(get(), auth, settings());
		expect(outcome).toMatchObject({ kind: 'token', attempts: 1 });
		expect(outcome.kind === 'token' && outcome.error).toBe(failure);
		expect(seen).toHaveLength(1);
	});

	it('anything else thrown by getToken propagates (a bug, not an outcome)', async () => {
		const auth = new FakeAuthorizer();
		auth.failWith = new TypeError('unexpected');
		await expect(callApi(get(), auth, settings())).rejects.toThrow(TypeError);
	});

	it('cancellation during a retry wait returns promptly with the last outcome', async () => {
		replies = [{ status: 503, headers: { 'Retry-After': '5' } }, { status: 200 }];
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 100);
		const outcome = await callApi(get(), new FakeAuthorizer(), settings({ signal: controller.signal }, { maxTotalWaitMs: 10_000 }));
		const elapsed = Date.now() - started;
		expect(elapsed).toBeLessThan(500);
		expect(outcome).toMatchObject({ kind: 'response', attempts: 1, retryAfterMs: 5_000, response: { status: 503 } });
		expect(seen).toHaveLength(1);
	});

	it('an already cancelled execution is not retried: kind network, code aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		const outcome = await callApi(get(), new FakeAuthorizer(), settings({ signal: controller.signal }));
		expect(outcome.kind).toBe('network');
		expect(outcome.kind === 'network' && outcome.error.code).toBe('aborted');
		expect(outcome.attempts).toBe(1);
		expect(seen).toHaveLength(0);
	});
});
