/**
 * The machinery every simulator shares: an HTTP server on 127.0.0.1, the client registry, the token store, stats,
 * injected latency, token-endpoint faults, bearer-token checks for `/api/...`, the `/__admin/...` endpoints, and a
 * prompt close(). A provider only supplies a ProviderSpec (its token endpoint and any extra routes).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ApiRateLimit, type ApiRateLimitConfig } from './apiRateLimit';
import { handleCommonApi } from './apiRoutes';
import { corruptTokenReply, parseTokenFault, preGrantFaultReply, TokenFaultState } from './faults';
import {
	apiError,
	BodyTooLargeError,
	headerValue,
	httpError,
	jsonReply,
	oauthError,
	parseJsonObject,
	randomSecret,
	readBody,
	requestBaseUrl,
	writeReply,
	type Reply,
} from './http';
import type { ApiRequest, ApiRouteContext, ClientConfig, SimRequest, Simulator, SimulatorName, SimulatorOptions, SimulatorStats, TokenFault, TokenRecord } from './types';
import { parseRecords, RecordLists } from './recordLists';

export type { ApiRequest, SimRequest } from './types';
import { registerSecrets } from './secretRegistry';

const TOKEN_BODY_LIMIT = 64 * 1024;
const API_BODY_LIMIT = 64 * 1024 * 1024;
const KEEP_ALIVE_TIMEOUT_MS = 5000;


export type ApiRoute = (ctx: SimContext, req: ApiRequest) => Promise<Reply | undefined> | Reply | undefined;

export interface ProviderSpec {
	name: SimulatorName;
	tokenPath: string;
	defaultLifetimeSec: number;
	defaultClients: ClientConfig[];
	handleToken(ctx: SimContext, req: SimRequest): Reply;
	/** unprotected routes outside /api (e.g. JTL's /authorize); body not read */
	publicRoute?(ctx: SimContext, req: SimRequest): Reply | undefined;
	/** provider-specific protected routes, tried before the common /api routes */
	apiRoute?: ApiRoute;
	/** provider-specific /__admin routes (no auth), tried before the common ones */
	adminRoute?(ctx: SimContext, req: SimRequest): Reply | undefined;
}

export function emptyStats(): SimulatorStats {
	return {
		tokenRequests: 0,
		tokensIssued: 0,
		refreshRequests: 0,
		invalidGrant: 0,
		apiRequests: 0,
		unauthorized: 0,
		expiredTokenRejections: 0,
		rateLimited: 0,
		busiestSecond: 0,
		inFlight: 0,
		maxInFlight: 0,
		apiLatenciesMs: [],
	};
}

function digest(value: string): Buffer {
	return createHash('sha256').update(value, 'utf8').digest();
}

function nonNegative(value: number, what: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${what} must be a number >= 0`);
	return value;
}

/** Mutable state of one simulator, handed to the provider's handlers (the common API routes see it as ApiRouteContext). */
export class SimContext implements ApiRouteContext {
	readonly stats: SimulatorStats = emptyStats();
	readonly faults = new TokenFaultState();
	/** /api/flaky/<key> call counts */
	readonly flakyCalls = new Map<string, number>();
	/** the growing lists under /api/lists/<name> */
	readonly lists = new RecordLists();
	readonly clients: ReadonlyMap<string, ClientConfig>;
	url = '';
	tokenLifetimeSec: number;
	latencyMs: number;
	private readonly tokens = new Map<string, TokenRecord>();
	private readonly secrets: string[] = [];
	private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
	private closed = false;

	constructor(
		readonly name: SimulatorName,
		options: SimulatorOptions,
		defaults: { lifetimeSec: number; clients: ClientConfig[] },
	) {
		this.tokenLifetimeSec = nonNegative(options.tokenLifetimeSec ?? defaults.lifetimeSec, 'tokenLifetimeSec');
		this.latencyMs = nonNegative(options.latencyMs ?? 0, 'latencyMs');
		this.clients = new Map((options.clients ?? defaults.clients).map((c) => [c.clientId, c]));
		registerSecrets(...[...this.clients.values()].map((c) => c.clientSecret));
	}

	/** The registered client when id and secret match (constant-time secret comparison). */
	authenticateClient(clientId: string, clientSecret: string): ClientConfig | undefined {
		const client = this.clients.get(clientId);
		if (!client) return undefined;
		return timingSafeEqual(digest(client.clientSecret), digest(clientSecret)) ? client : undefined;
	}

	/** Issues and records a new access token with the current lifetime. */
	issueAccessToken(clientId: string, scopes: string[] = [], userId = `client:${clientId}`): { accessToken: string; expiresIn: number } {
		const accessToken = this.newSecret();
		this.tokens.set(accessToken, {
			clientId,
			userId,
			scopes,
			expiresAt: Date.now() + this.tokenLifetimeSec * 1000,
		});
		this.stats.tokensIssued += 1;
		return { accessToken, expiresIn: Math.floor(this.tokenLifetimeSec) };
	}

	/** A random secret (access token, refresh token) recorded for issuedSecrets(). */
	newSecret(bytes = 32): string {
		const secret = randomSecret(bytes);
		this.secrets.push(secret);
		registerSecrets(secret);
		return secret;
	}

	issuedSecrets(): string[] {
		return [...this.secrets];
	}

	checkAccessToken(token: string): { record: TokenRecord } | { problem: 'unknown' | 'expired' } {
		const record = this.tokens.get(token);
		if (!record) return { problem: 'unknown' };
		if (Date.now() >= record.expiresAt) return { problem: 'expired' };
		return { record };
	}

	setTokenLifetime(sec: number): void {
		this.tokenLifetimeSec = nonNegative(sec, 'tokenLifetimeSec');
	}

	setLatency(ms: number): void {
		this.latencyMs = nonNegative(ms, 'latencyMs');
	}

	readonly apiRateLimit = new ApiRateLimit();

	/** Counters and flaky call counts back to zero; inFlight is a live gauge and is kept. */
	resetStats(): void {
		const inFlight = this.stats.inFlight;
		Object.assign(this.stats, emptyStats(), { inFlight, maxInFlight: inFlight });
		this.apiRateLimit.resetStats();
		this.flakyCalls.clear();
	}

	/** A timer that close() cuts short, so no handler keeps the process alive. */
	sleep(ms: number): Promise<void> {
		if (!(ms > 0) || this.closed) return Promise.resolve();
		return new Promise((resolve) => {
			const entry = {
				timer: setTimeout(() => {
					this.sleepers.delete(entry);
					resolve();
				}, ms),
				resolve,
			};
			this.sleepers.add(entry);
		});
	}

	shutdown(): void {
		this.closed = true;
		for (const { timer, resolve } of this.sleepers) {
			clearTimeout(timer);
			resolve();
		}
		this.sleepers.clear();
	}
}

async function tokenEndpoint(ctx: SimContext, spec: ProviderSpec, req: SimRequest): Promise<Reply> {
	ctx.stats.tokenRequests += 1;
	await ctx.sleep(ctx.latencyMs);
	const fault = ctx.faults.take();
	if (fault) {
		const early = preGrantFaultReply(fault);
		if (early) return early;
		if (fault.kind === 'slow') await ctx.sleep(fault.delayMs ?? 5000);
	}
	const reply = spec.handleToken(ctx, req);
	return fault ? corruptTokenReply(fault, reply) : reply;
}

function withNoStore(reply: Reply): Reply {
	if ('drop' in reply) return reply;
	return { ...reply, headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...reply.headers } };
}

function authenticate(ctx: SimContext, headers: IncomingHttpHeaders): TokenRecord | Reply {
	const realm = `realm="${ctx.name}"`;
	const match = /^Bearer +(\S+) *$/i.exec(headerValue(headers.authorization) ?? '');
	if (!match?.[1]) {
		// RFC 6750 §3.1: no error code when the request carries no bearer credentials at all.
		return apiError(401, 'unauthorized', 'Authentication Failure: missing bearer token', {
			'WWW-Authenticate': `Bearer ${realm}`,
		});
	}
	const checked = ctx.checkAccessToken(match[1]);
	if ('record' in checked) return checked.record;
	if (checked.problem === 'expired') ctx.stats.expiredTokenRejections += 1;
	const description = checked.problem === 'expired' ? 'The access token expired' : 'The access token is invalid';
	return apiError(401, 'invalid_token', `Authentication Failure: ${description}`, {
		'WWW-Authenticate': `Bearer ${realm}, error="invalid_token", error_description="${description}"`,
	});
}

async function apiEndpoint(ctx: SimContext, spec: ProviderSpec, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
	const { stats } = ctx;
	const started = performance.now();
	stats.apiRequests += 1;
	stats.inFlight += 1;
	stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
	let done = false;
	const finish = (): void => {
		if (done) return;
		done = true;
		stats.inFlight -= 1;
		stats.apiLatenciesMs.push(Math.round((performance.now() - started) * 100) / 100);
	};
	res.on('close', finish);

	let reply: Reply;
	try {
		const body = await readBody(req, API_BODY_LIMIT);
		const refused = ctx.apiRateLimit.take();
		stats.busiestSecond = ctx.apiRateLimit.busiestSecond;
		await ctx.sleep(ctx.latencyMs);
		const auth = authenticate(ctx, req.headers);
		if (refused) {
			stats.rateLimited += 1;
			reply = apiError(429, 'rate_limited', 'Rate Limit Exceeded', refused.headers);
		} else if ('status' in auth || 'drop' in auth) {
			reply = auth;
		} else {
			const apiReq: ApiRequest = { method: req.method ?? 'GET', url, headers: req.headers, body, token: auth };
			reply =
				(await spec.apiRoute?.(ctx, apiReq)) ??
				(await handleCommonApi(ctx, apiReq)) ??
				apiError(404, 'not_found', 'Requested Resource not Found');
		}
	} catch (err) {
		reply = err instanceof BodyTooLargeError ? httpError(413) : httpError(500);
	}
	if (!('drop' in reply) && reply.status === 401) stats.unauthorized += 1;
	finish(); // account before the bytes leave, so a client reading stats right after its response sees them
	writeReply(res, reply);
}

/** `GET|POST /__admin/lists/<name>`: the list's records; add or change records (`{ records: [{ id, ... }] }`). */
function listAdmin(ctx: SimContext, req: SimRequest): Reply | undefined {
	const name = /^\/__admin\/lists\/([\w-]{1,64})$/.exec(req.url.pathname)?.[1];
	if (!name) return undefined;
	if (req.method === 'GET') return jsonReply(200, { records: ctx.lists.records(name) });
	if (req.method !== 'POST') return httpError(405);
	const records = parseRecords(parseJsonObject(req.body) ?? {});
	if (typeof records === 'string') return oauthError(400, 'invalid_request', records);
	return jsonReply(200, { records: ctx.lists.upsert(name, records) });
}

function adminEndpoint(ctx: SimContext, spec: ProviderSpec, req: SimRequest): Reply {
	const own = spec.adminRoute?.(ctx, req) ?? listAdmin(ctx, req);
	if (own) return own;
	const route = `${req.method} ${req.url.pathname}`;
	switch (route) {
		case 'GET /__admin/stats': {
			const { apiLatenciesMs, ...rest } = ctx.stats;
			return jsonReply(200, req.url.searchParams.get('latencies') === '1' ? { ...rest, apiLatenciesMs } : rest);
		}
		case 'POST /__admin/reset':
			ctx.resetStats();
			return jsonReply(200, { ok: true });
		case 'GET /__admin/config':
			return jsonReply(200, configView(ctx));
		case 'POST /__admin/config':
			return applyConfig(ctx, req.body);
		case 'GET /__admin/secrets':
			return jsonReply(200, { secrets: ctx.issuedSecrets() });
		default:
			return ['/__admin/stats', '/__admin/reset', '/__admin/config', '/__admin/secrets'].includes(req.url.pathname)
				? httpError(405)
				: httpError(404);
	}
}

function configView(ctx: SimContext): { tokenFault: TokenFault | null; tokenLifetimeSec: number; latencyMs: number; apiRateLimit: ApiRateLimitConfig | null } {
	return { tokenFault: ctx.faults.current, tokenLifetimeSec: ctx.tokenLifetimeSec, latencyMs: ctx.latencyMs, apiRateLimit: ctx.apiRateLimit.config };
}

function applyConfig(ctx: SimContext, body: Buffer): Reply {
	const config = parseJsonObject(body);
	if (!config) return oauthError(400, 'invalid_request', 'Body must be a JSON object');
	try {
		// validate everything before applying anything
		const fault = 'tokenFault' in config ? parseTokenFault(config.tokenFault) : undefined;
		const lifetime = config.tokenLifetimeSec === undefined ? undefined : nonNegative(config.tokenLifetimeSec as number, 'tokenLifetimeSec');
		const latency = config.latencyMs === undefined ? undefined : nonNegative(config.latencyMs as number, 'latencyMs');
		const rateLimit = 'apiRateLimit' in config ? parseRateLimit(config.apiRateLimit) : undefined;
		if (rateLimit !== undefined) ctx.apiRateLimit.set(rateLimit);
		if (fault !== undefined) ctx.faults.set(fault);
		if (lifetime !== undefined) ctx.setTokenLifetime(lifetime);
		if (latency !== undefined) ctx.setLatency(latency);
	} catch (err) {
		return oauthError(400, 'invalid_request', (err as Error).message);
	}
	return jsonReply(200, configView(ctx));
}

/** `{ perSecond, burst?, retryAfter? }` or null (off), checked before anything is applied. */
function parseRateLimit(value: unknown): ApiRateLimitConfig | null {
	if (value === null) return null;
	if (typeof value !== 'object' || Array.isArray(value)) throw new Error('apiRateLimit must be an object or null');
	const { perSecond, burst, retryAfter } = value as Record<string, unknown>;
	nonNegative(perSecond as number, 'apiRateLimit.perSecond');
	if (burst !== undefined) nonNegative(burst as number, 'apiRateLimit.burst');
	if (retryAfter !== undefined && typeof retryAfter !== 'boolean') throw new Error('apiRateLimit.retryAfter must be true or false');
	return value as ApiRateLimitConfig;
}

async function route(ctx: SimContext, spec: ProviderSpec, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', requestBaseUrl(req.headers, ctx.url));
	const path = url.pathname;
	const simReq = (body: Buffer): SimRequest => ({ method: req.method ?? 'GET', url, headers: req.headers, body });
	if (path === spec.tokenPath) {
		const body = await readBody(req, TOKEN_BODY_LIMIT);
		writeReply(res, withNoStore(await tokenEndpoint(ctx, spec, simReq(body))));
	} else if (path === '/api' || path.startsWith('/api/')) {
		await apiEndpoint(ctx, spec, req, res, url);
	} else if (path.startsWith('/__admin/')) {
		writeReply(res, adminEndpoint(ctx, spec, simReq(await readBody(req, API_BODY_LIMIT))));
	} else {
		writeReply(res, spec.publicRoute?.(ctx, simReq(Buffer.alloc(0))) ?? httpError(404));
	}
}

/** Starts one simulator; returns the public handle and the context (for provider extras). */
export async function startSimulator(
	spec: ProviderSpec,
	options: SimulatorOptions = {},
): Promise<{ simulator: Simulator; ctx: SimContext }> {
	const ctx = new SimContext(spec.name, options, { lifetimeSec: spec.defaultLifetimeSec, clients: spec.defaultClients });
	const server = createServer((req, res) => {
		route(ctx, spec, req, res).catch((err: unknown) => {
			writeReply(res, err instanceof BodyTooLargeError ? httpError(413) : httpError(500));
		});
	});
	server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	ctx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	let closing: Promise<void> | undefined;
	const simulator: Simulator = {
		name: spec.name,
		url: ctx.url,
		stats: ctx.stats,
		issuedSecrets: () => ctx.issuedSecrets(),
		setTokenFault: (fault) => ctx.faults.set(fault),
		setTokenLifetime: (sec) => ctx.setTokenLifetime(sec),
		setLatency: (ms) => ctx.setLatency(ms),
		setApiRateLimit: (limit) => ctx.apiRateLimit.set(limit),
		lists: ctx.lists,
		resetStats: () => ctx.resetStats(),
		close: () => {
			closing ??= new Promise<void>((resolve) => {
				ctx.shutdown();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
	return { simulator, ctx };
}
