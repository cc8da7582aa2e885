/**
 * The package's HTTP client: one exchange (plus the redirects it chooses to follow) over undici, with pooled
 * keep-alive connections, a per-attempt timeout, the execution's cancel signal, n8n's egress (SSRF) policy when
 * the running n8n has one, and HTTP(S)_PROXY / NO_PROXY. Retries are decided by the caller (retry.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { EnvHttpProxyAgent, request as undiciRequest, type Dispatcher } from 'undici';
import { TOKEN_REQUEST_TIMEOUT_MS, type TokenHttp } from './tokenRequest';

/**
 * The part of n8n's `NodeEgressFilter` (n8n-workflow >= 2.41, from `this.helpers.getSecureEgressFilter()`) that
 * this transport uses. Declared structurally because n8n's implementation lives in internal packages; every
 * member is optional so a partial or older filter still works.
 */
export interface EgressFilter {
	/** Pre-flight check of a target URL (resolves the host). n8n returns a Result, it does not throw. */
	validateUrl?(url: string): Promise<{ ok: boolean; error?: unknown }>;
	/** A `dns.lookup` drop-in that refuses addresses the policy blocks: used as undici's `connect.lookup`. */
	createSecureLookup?(): LookupFunction;
	/** Synchronous check of a redirect target; throws when it is not allowed. */
	validateRedirectSync?(url: string): void;
}

export interface HttpRequest {
	method: string;
	/** Absolute http(s) URL. */
	url: string;
	headers: Record<string, string>;
	body?: string | Buffer;
	/** Per attempt (connect + headers + body, across followed redirects); 0 = no timeout. */
	timeoutMs: number;
	/** The execution's cancel signal. */
	signal?: AbortSignal;
	followRedirects: boolean;
	maxRedirects: number;
	/** Skip TLS certificate verification (the user's explicit "Ignore SSL Issues"). */
	allowUnauthorizedCerts?: boolean;
	/** n8n's SSRF policy, when the running n8n provides one. */
	egress?: EgressFilter;
	/** Largest body read into memory; a longer one fails with code 'tooLarge'. Default: no limit. */
	maxBodyBytes?: number;
	/** For these statuses the body is handed over as a stream (`HttpResponse.stream`) instead of being read. */
	streamBody?: (status: number) => boolean;
}

export interface HttpResponse {
	status: number;
	statusText: string;
	/** Lower-case names. */
	headers: Record<string, string | string[]>;
	/** The body read into memory; empty when it is handed over as `stream`. */
	body: Buffer;
	/** The unread body, when the request asked for streaming (`streamBody`). The caller must consume or destroy it. */
	stream?: Readable;
	/** Final URL after redirects. */
	url: string;
	/** Whether credential headers were dropped on the way (a cross-origin redirect): the answer was not to our token. */
	credentialsDropped: boolean;
}

export type TransportErrorCode =
	| 'timeout'
	| 'aborted'
	| 'dns'
	| 'refused'
	| 'reset'
	| 'tls'
	| 'blocked'
	| 'invalidRequest'
	| 'tooManyRedirects'
	| 'tooLarge'
	| 'network';

/** No HTTP answer arrived. The message says what happened and what to do; it never holds header values. */
export class TransportError extends Error {
	readonly name = 'TransportError';

	constructor(
		readonly code: TransportErrorCode,
		message: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatchers: one pool per configuration for the life of the process, so keep-alive connections are shared by
// all executions. Only a handful can exist: (ignore TLS or not) x (no filter, or n8n's one long-lived filter).

const POOL_OPTIONS = {
	// Per origin, unlimited: the node's Concurrency option already bounds what is in flight, and a request queued
	// behind a pool limit would have its timer running while it waits (items timed out though the API answered).
	connections: null,
	pipelining: 1,
	// Idle sockets are unref'd by undici and closed after this, so they never keep the process alive.
	keepAliveTimeout: 4_000,
	keepAliveMaxTimeout: 30_000,
	// Plain-HTTP targets go through the proxy as absolute-form requests, as curl does: many proxies only allow
	// CONNECT to port 443. HTTPS targets are always tunnelled.
	proxyTunnel: false,
} as const;

const plainDispatchers = new Map<boolean, Dispatcher>();
// Keyed by the filter object: n8n hands out one long-lived filter, and a WeakMap cannot keep a stale one alive.
let egressDispatchers = new WeakMap<EgressFilter, Map<boolean, Dispatcher>>();
// Only so resetDispatchersForTests can close pools that sit in the WeakMap.
const created = new Set<WeakRef<Dispatcher>>();

function createDispatcher(allowUnauthorizedCerts: boolean, lookup: LookupFunction | undefined): Dispatcher {
	const tls = { rejectUnauthorized: !allowUnauthorizedCerts };
	const dispatcher = new EnvHttpProxyAgent({
		...POOL_OPTIONS,
		connect: lookup ? { ...tls, lookup } : tls,
		// Through a proxy, the target's TLS session is configured by requestTls, not connect.
		...(allowUnauthorizedCerts ? { requestTls: tls } : {}),
	});
	created.add(new WeakRef(dispatcher));
	return dispatcher;
}

function dispatcherFor(allowUnauthorizedCerts: boolean, egress: EgressFilter | undefined): Dispatcher {
	let pools = plainDispatchers;
	if (egress && typeof egress.createSecureLookup === 'function') {
		pools = egressDispatchers.get(egress) ?? new Map<boolean, Dispatcher>();
		egressDispatchers.set(egress, pools);
	}
	let dispatcher = pools.get(allowUnauthorizedCerts);
	if (!dispatcher) {
		const lookup = pools === plainDispatchers ? undefined : egress?.createSecureLookup?.();
		dispatcher = createDispatcher(allowUnauthorizedCerts, lookup);
		pools.set(allowUnauthorizedCerts, dispatcher);
	}
	return dispatcher;
}

/** Closes every pool, so the next request builds a fresh one (which re-reads HTTP(S)_PROXY). Tests only. */
export async function resetDispatchersForTests(): Promise<void> {
	const live = [...created].map((ref) => ref.deref()).filter((d): d is Dispatcher => d !== undefined);
	created.clear();
	plainDispatchers.clear();
	egressDispatchers = new WeakMap();
	await Promise.all(live.map(async (dispatcher) => await dispatcher.destroy().catch(() => undefined)));
}

// ---------------------------------------------------------------------------------------------------------------
// Request validation

// RFC 9110 5.6.2 token characters: what a header name (and a method) may consist of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What undici accepts in a header value (tab, visible ASCII, Latin-1); anything else it rejects.
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Throws TransportError('invalidRequest') naming the header, never showing its value. */
export function validateHeaders(headers: Record<string, string>): void {
	for (const [name, raw] of Object.entries(headers)) {
		const shownName = JSON.stringify(name.slice(0, 60));
		if (!TOKEN.test(name)) {
			throw new TransportError(
				'invalidRequest',
				`The header name ${shownName} is not valid: names may only contain letters, digits and !#$%&'*+-.^_\`|~ (no spaces, colons or line breaks). Fix the header name.`,
			);
		}
		const value = String(raw);
		if (/[\r\n\0]/.test(value)) {
			throw new TransportError(
				'invalidRequest',
				`The value of header ${shownName} contains a line break or NUL character, which would corrupt the request. Remove it from the value (check expressions that build it).`,
			);
		}
		if (INVALID_VALUE_CHAR.test(value)) {
			throw new TransportError(
				'invalidRequest',
				`The value of header ${shownName} contains a control character or a character outside Latin-1, which HTTP headers cannot carry. Remove it, or encode the value (e.g. percent-encoding).`,
			);
		}
	}
}

/** The URL as shown in messages: without user:password@ and fragment. */
function displayUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = '';
		parsed.password = '';
		parsed.hash = '';
		return parsed.href;
	} catch {
		return url.replace(/\/\/[^/?#]*@/, '//').slice(0, 300);
	}
}

function parseTarget(method: string, url: string): URL {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new TransportError('invalidRequest', `"${displayUrl(url)}" is not a valid URL. Enter a full URL such as https://api.example.com/v1/items.`);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new TransportError('invalidRequest', `${method} ${displayUrl(url)}: only http:// and https:// URLs are supported. Fix the URL.`);
	}
	if (parsed.username || parsed.password) {
		throw new TransportError(
			'invalidRequest',
			`${method} ${displayUrl(url)}: URLs with a user name or password (user:password@host) are not supported. Remove them from the URL and use a credential instead.`,
		);
	}
	return parsed;
}

// ---------------------------------------------------------------------------------------------------------------
// Error classification

const TLS_CODES = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_GET_CRL',
	'HOSTNAME_MISMATCH',
	'EPROTO',
	'UND_ERR_PRX_TLS',
]);

/** The first error code found on the error, its cause chain, or an AggregateError's members (happy eyeballs). */
function errorCodes(error: unknown, depth = 0): string[] {
	if (!error || typeof error !== 'object' || depth > 4) return [];
	const codes: string[] = [];
	const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
	if (typeof code === 'string') codes.push(code);
	if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner, depth + 1));
	codes.push(...errorCodes(cause, depth + 1));
	return codes;
}

function isSsrfError(error: unknown): boolean {
	return error instanceof Error && /^Ssrf/.test(error.name);
}

function classify(error: unknown): TransportErrorCode {
	if (isSsrfError(error) || isSsrfError((error as { cause?: unknown } | undefined)?.cause)) return 'blocked';
	const codes = errorCodes(error);
	const message = error instanceof Error ? error.message : '';
	const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
	if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL')) return 'dns';
	if (has('ECONNREFUSED')) return 'refused';
	if (has('UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT')) return 'timeout';
	if (codes.some((code) => TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) {
		return 'tls';
	}
	if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED') || /other side closed/i.test(message)) return 'reset';
	if (has('UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'ERR_INVALID_URL')) return 'invalidRequest';
	return 'network';
}

/** Certificate verification failures, as opposed to handshake or protocol failures (e.g. https:// to an HTTP port). */
function isCertificateProblem(error: unknown): boolean {
	return errorCodes(error).some((code) => !code.startsWith('ERR_SSL_') && code !== 'EPROTO' && code !== 'UND_ERR_PRX_TLS');
}

function reasonOf(error: unknown): string {
	// OpenSSL errors carry a readable `reason`; their message names source files.
	const opensslReason = (error as { reason?: unknown } | null)?.reason;
	const message =
		typeof opensslReason === 'string' ? opensslReason : (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
	const code = errorCodes(error)[0];
	const text = message || code || 'unknown error';
	return code && !text.includes(code) ? `${text} (${code})` : text;
}

function describeFailure(code: TransportErrorCode, target: string, url: URL, error: unknown, timeoutMs: number): string {
	const host = url.host;
	switch (code) {
		case 'timeout':
			return `${target} got no complete response within ${timeoutMs} ms. Check that the server is up and responding, or increase the timeout.`;
		case 'aborted':
			return `${target} was cancelled because the execution was stopped.`;
		case 'dns':
			return `${target} failed: the host name "${url.hostname}" could not be resolved. Check the host in the URL, and the DNS settings of the n8n server.`;
		case 'refused':
			return `${target} failed: ${host} refused the connection. Check the URL and port, and that the service is running.`;
		case 'reset':
			return `${target} failed: the connection was closed before the response was complete (${reasonOf(error)}). Try again; if it keeps happening, check the server and any proxy or firewall in between.`;
		case 'tls':
			if (isCertificateProblem(error)) {
				return `${target} failed: the TLS certificate of ${host} could not be verified (${reasonOf(error)}). Fix the server's certificate (or trust its CA via NODE_EXTRA_CA_CERTS), or enable the node's "Ignore SSL Issues" option if you trust this server.`;
			}
			return `${target} failed: the TLS handshake with ${host} failed (${reasonOf(error)}). Check that the server speaks HTTPS on this port (http:// vs https://).`;
		case 'blocked':
			return blockedMessage(target, error);
		case 'invalidRequest':
			return `${target} could not be sent: ${reasonOf(error)}. Check the URL, method, headers and body.`;
		default:
			return `${target} failed: ${reasonOf(error)}. Check the URL and the network connection of the n8n server.`;
	}
}

function blockedMessage(target: string, error: unknown): string {
	const reason = error instanceof Error && error.message ? ` (${error.message})` : '';
	return `n8n's outbound request policy blocked ${target}${reason}. If this destination is intended, ask your n8n administrator to allow it (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES).`;
}

// ---------------------------------------------------------------------------------------------------------------
// The exchange

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** Fetch rules (and n8n's): 303 turns anything but GET/HEAD into GET; 301/302 turn POST into GET; 307/308 keep. */
function redirectDropsBody(method: string, status: number): boolean {
	if (status === 303) return method !== 'GET' && method !== 'HEAD';
	return (status === 301 || status === 302) && method === 'POST';
}

function withoutHeaders(headers: Record<string, string>, drop: (lowerName: string) => boolean): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop(name.toLowerCase())));
}

function firstHeader(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** Runs `promise` but settles as soon as `signal` aborts (for steps that take no signal, like the egress check). */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) throw signal.reason;
	let onAbort = () => {};
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

async function checkEgress(egress: EgressFilter, url: string, signal: AbortSignal): Promise<void> {
	if (typeof egress.validateUrl !== 'function') return;
	const result = await untilAborted(egress.validateUrl(url), signal);
	if (result && result.ok === false) {
		// n8n's pre-flight check resolves the host, so a plain DNS failure also arrives here: report it as one.
		const code = classify(result.error);
		throw code === 'dns' ? result.error : new TransportError('blocked', '', { cause: result.error ?? new Error('not allowed') });
	}
}

function validateRedirect(egress: EgressFilter, url: string): void {
	try {
		egress.validateRedirectSync?.(url);
	} catch (error) {
		throw new TransportError('blocked', '', { cause: error });
	}
}

export async function sendHttp(request: HttpRequest): Promise<HttpResponse> {
	let method = String(request.method ?? '').trim().toUpperCase();
	if (!TOKEN.test(method)) {
		throw new TransportError('invalidRequest', `"${method.slice(0, 30)}" is not a valid HTTP method. Use GET, POST, PUT, PATCH, DELETE or HEAD.`);
	}
	let url = parseTarget(method, request.url);
	validateHeaders(request.headers);
	const timeoutMs = request.timeoutMs;
	if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
		throw new TransportError('invalidRequest', `The timeout must be a number of milliseconds of 0 or more (0 = none); got ${String(timeoutMs)}.`);
	}
	const maxRedirects = Math.max(0, Math.floor(request.maxRedirects || 0));
	// Messages are not scrubbed here: everything that leaves the node passes the scrubber at its exit (emit.ts).
	const fail = (code: TransportErrorCode, message: string, cause?: unknown) =>
		new TransportError(code, message, cause === undefined ? undefined : { cause });

	// One controller for the whole attempt: the caller's cancel and our timer both abort it; which came first
	// decides between 'aborted' and 'timeout'. (Plain listeners rather than AbortSignal.any: they are removed in
	// `finally`, so a long-lived execution signal does not collect one listener per request.)
	const controller = new AbortController();
	let abortedBy: 'caller' | 'timeout' | undefined;
	const onCallerAbort = () => {
		abortedBy ??= 'caller';
		controller.abort(request.signal?.reason);
	};
	const timer =
		timeoutMs > 0
			? setTimeout(() => {
					abortedBy ??= 'timeout';
					controller.abort(new Error('timeout'));
				}, timeoutMs)
			: undefined;
	if (request.signal?.aborted) onCallerAbort();
	else request.signal?.addEventListener('abort', onCallerAbort, { once: true });

	const dispatcher = dispatcherFor(request.allowUnauthorizedCerts === true, request.egress);
	const originalOrigin = url.origin;
	const originalTarget = `${method} ${displayUrl(url.href)}`;
	let headers = { ...request.headers };
	let body = request.body;
	let redirects = 0;
	let credentialsDropped = false;
	// A streamed body (a file download) outlives this function. Its total time is not bounded by the timeout, only
	// the silence between chunks is (undici's bodyTimeout); the cancel listener stays until the stream closes.
	let keep = false;
	const release = () => request.signal?.removeEventListener('abort', onCallerAbort);
	const keepUntilConsumed = (stream: Readable) => {
		keep = true;
		clearTimeout(timer);
		stream.once('close', release);
	};
	try {
		for (;;) {
			const target = `${method} ${displayUrl(url.href)}`;
			let response: Dispatcher.ResponseData<null>;
			let responseBody: Buffer | undefined;
			let streamed: Readable | undefined;
			try {
				if (controller.signal.aborted) throw controller.signal.reason;
				if (request.egress) {
					if (redirects > 0) validateRedirect(request.egress, url.href);
					await checkEgress(request.egress, url.href, controller.signal);
				}
				response = await undiciRequest(url, {
					dispatcher,
					method,
					headers,
					body: body ?? null,
					signal: controller.signal,
					headersTimeout: timeoutMs,
					bodyTimeout: timeoutMs,
				});
				const location = firstHeader(response.headers.location);
				const follow = request.followRedirects && REDIRECT_STATUSES.has(response.statusCode) && location !== undefined;
				if (follow) {
					await response.body.dump();
				} else if (request.streamBody?.(response.statusCode)) {
					streamed = response.body;
					responseBody = Buffer.alloc(0);
				} else {
					responseBody = await readLimited(response, request.maxBodyBytes, target);
				}
			} catch (error) {
				if (error instanceof TransportError) {
					throw error.code === 'blocked' ? fail('blocked', blockedMessage(target, error.cause), error.cause) : error;
				}
				const code = abortedBy === 'caller' ? 'aborted' : abortedBy === 'timeout' ? 'timeout' : classify(error);
				throw fail(code, describeFailure(code, target, url, error, timeoutMs), error);
			}

			if (responseBody !== undefined) {
				const responseHeaders: Record<string, string | string[]> = {};
				for (const [name, value] of Object.entries(response.headers)) {
					if (value !== undefined) responseHeaders[name.toLowerCase()] = value;
				}
				if (streamed) keepUntilConsumed(streamed);
				return {
					status: response.statusCode,
					statusText: response.statusText || STATUS_CODES[response.statusCode] || '',
					headers: responseHeaders,
					body: responseBody,
					...(streamed ? { stream: streamed } : {}),
					url: url.href,
					credentialsDropped,
				};
			}

			// A redirect we follow.
			const location = firstHeader(response.headers.location) ?? '';
			let next: URL;
			try {
				next = new URL(location, url);
			} catch {
				throw fail('network', `${target} was redirected (${response.statusCode}) to an invalid Location. Check the URL; the server's redirect is broken.`);
			}
			if (next.protocol !== 'http:' && next.protocol !== 'https:') {
				throw fail('network', `${target} was redirected (${response.statusCode}) to a ${next.protocol} URL, which cannot be followed. Check the URL.`);
			}
			if (redirects >= maxRedirects) {
				throw fail(
					'tooManyRedirects',
					`${originalTarget} was redirected more than ${maxRedirects} time(s) (last to ${displayUrl(next.href)}). Check the URL, or raise the redirect limit.`,
				);
			}
			redirects++;
			const dropBody = redirectDropsBody(method, response.statusCode);
			// Credentials only go to the origin the caller addressed; once dropped they stay dropped for later hops.
			const crossOrigin = next.origin !== originalOrigin;
			if (crossOrigin) credentialsDropped = true;
			headers = withoutHeaders(
				headers,
				(name) =>
					name === 'host' ||
					(crossOrigin && CREDENTIAL_HEADERS.has(name)) ||
					(dropBody && (name.startsWith('content-') || name === 'transfer-encoding')),
			);
			if (dropBody) {
				method = 'GET';
				body = undefined;
			}
			next.hash = '';
			url = next;
		}
	} finally {
		if (!keep) {
			clearTimeout(timer);
			release();
		}
	}
}

/** Reads a body into memory, failing with 'tooLarge' (and closing the connection) past `maxBytes`. */
async function readLimited(response: Dispatcher.ResponseData<null>, maxBytes: number | undefined, target: string): Promise<Buffer> {
	const limit = maxBytes !== undefined && maxBytes > 0 ? maxBytes : Infinity;
	const tooLarge = () =>
		new TransportError('tooLarge', `${target} answered with a body larger than ${formatBytes(limit)}, the limit for responses kept in memory.`);
	const declared = Number(firstHeader(response.headers['content-length']));
	if (Number.isFinite(declared) && declared > limit) {
		response.body.destroy();
		throw tooLarge();
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of response.body) {
		size += (chunk as Buffer).length;
		if (size > limit) {
			response.body.destroy();
			throw tooLarge();
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
	if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} bytes`;
}

/**
 * The token engine's HTTP function over this transport, for the node's token requests. Token endpoints must answer
 * directly: no redirects. No execution's signal and always a valid certificate ("Ignore SSL Issues" is for the API
 * calls, never for the request that carries the client secret); its own timeout, since the request is shared.
 */
export function transportTokenHttp(options: { egress?: EgressFilter; timeoutMs?: number } = {}): TokenHttp {
	return async (request) => {
		const response = await sendHttp({
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			timeoutMs: options.timeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS,
			followRedirects: false,
			maxRedirects: 0,
			egress: options.egress,
			maxBodyBytes: TOKEN_RESPONSE_MAX_BYTES,
		});
		return { status: response.status, headers: response.headers, body: response.body.toString('utf8') };
	};
}

/** A token answer is a few hundred bytes; anything near this is not one. */
const TOKEN_RESPONSE_MAX_BYTES = 1024 * 1024;
