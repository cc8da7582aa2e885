/**
 * The package's HTTP client: one exchange (plus the redirects it chooses to follow) over undici, with the pooled
 * keep-alive connections of pools.ts, a per-attempt timeout, the execution's cancel signal, n8n's egress policy
 * (egress.ts), and body size limits or streaming. Retries are decided by the caller (retry.ts).
 *
 * Redirects are followed here, by hand, rather than by undici's redirect interceptor: every hop must pass n8n's
 * egress check, and credential headers must be dropped (for good) as soon as a hop leaves the original origin.
 */
import { request as undiciRequest, type Dispatcher } from 'undici';

import { checkEgress, type EgressFilter, validateRedirect } from './egress';
import { blockedMessage, classify, describeFailure, TransportError, type TransportErrorCode } from './errors';
import { firstHeader } from './headers';
import { dispatcherFor } from './pools';
import { reasonPhrase } from './statusText';
import { displayUrl } from './url';
import { parseTarget, TOKEN, validateHeaders } from './validation';

/** undici's response body: a Node Readable (named through undici: n8n's scanner forbids importing node:stream). */
export type ResponseBody = Dispatcher.ResponseData['body'];

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
	/** Told about every hop that leaves, redirects included (the rate limiter). */
	hops?: HopObserver;
}

/** Around every hop: before it is dispatched (may wait, or reject to stop the request), and once its status is in. */
export interface HopObserver {
	beforeHop(url: URL, signal: AbortSignal): Promise<void>;
	afterHop(url: URL, status: number, headers: Record<string, string | string[] | undefined>): void;
}

export interface HttpResponse {
	status: number;
	statusText: string;
	/** Lower-case names. */
	headers: Record<string, string | string[]>;
	/** The body read into memory; empty when it is handed over as `stream`. */
	body: Buffer;
	/** The unread body (a Node Readable), when the request asked for streaming (`streamBody`). The caller must consume or destroy it. */
	stream?: ResponseBody;
	/** Final URL after redirects. */
	url: string;
	/** Whether credential headers were dropped on the way (a cross-origin redirect): the answer was not to our token. */
	credentialsDropped: boolean;
}


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

	// One controller for the whole attempt: the caller's cancel and the deadline both abort it; which came first
	// decides between 'aborted' and 'timeout'. (Plain listeners rather than AbortSignal.any: they are removed in
	// `finally`, so a long-lived execution signal does not collect one listener per request.)
	const controller = new AbortController();
	let abortedBy: 'caller' | 'timeout' | undefined;
	const onCallerAbort = () => {
		abortedBy ??= 'caller';
		controller.abort(request.signal?.reason);
	};
	// The timeout runs from the first hop's dispatch: waiting for a rate-limit turn is not the API's time.
	let deadline: AbortSignal | undefined;
	const onDeadline = () => {
		abortedBy ??= 'timeout';
		controller.abort(new Error('timeout'));
	};
	const startDeadline = () => {
		if (deadline || timeoutMs === 0) return;
		deadline = AbortSignal.timeout(timeoutMs);
		deadline.addEventListener('abort', onDeadline, { once: true });
	};
	const stopDeadline = () => deadline?.removeEventListener('abort', onDeadline);
	if (request.signal?.aborted) onCallerAbort();
	else request.signal?.addEventListener('abort', onCallerAbort, { once: true });

	const dispatcher = dispatcherFor(request.allowUnauthorizedCerts === true, request.egress);
	const originalOrigin = url.origin;
	// Message texts are built only when a message is needed: displayUrl parses the URL again.
	const originalUrl = url.href;
	const originalMethod = method;
	const originalTarget = () => `${originalMethod} ${displayUrl(originalUrl)}`;
	let headers = { ...request.headers };
	let body = request.body;
	let redirects = 0;
	let credentialsDropped = false;
	// A streamed body (a file download) outlives this function. Its total time is not bounded by the timeout, only
	// the silence between chunks is (undici's bodyTimeout); the cancel listener stays until the stream closes.
	let keep = false;
	const release = () => request.signal?.removeEventListener('abort', onCallerAbort);
	const keepUntilConsumed = (stream: ResponseBody) => {
		keep = true;
		stopDeadline();
		stream.once('close', release);
	};
	try {
		for (;;) {
			const hopMethod = method;
			const hopUrl = url.href;
			const target = () => `${hopMethod} ${displayUrl(hopUrl)}`;
			let response: Dispatcher.ResponseData<null>;
			let responseBody: Buffer | undefined;
			let streamed: ResponseBody | undefined;
			try {
				if (controller.signal.aborted) throw controller.signal.reason;
				await request.hops?.beforeHop(url, controller.signal);
				startDeadline();
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
				request.hops?.afterHop(url, response.statusCode, response.headers);
				const location = firstHeader(response.headers.location);
				const follow = request.followRedirects && REDIRECT_STATUSES.has(response.statusCode) && location !== undefined;
				if (follow) {
					await response.body.dump();
				} else if (request.streamBody?.(response.statusCode)) {
					streamed = response.body;
					responseBody = Buffer.alloc(0);
				} else {
					// An error answer's body is only shown (error.body): a too-long one is cut rather than failing the item,
					// so a 503 stays a 503 (and is retried) whatever it carries.
					responseBody =
						response.statusCode >= 400
							? await readLimited(response, Math.min(request.maxBodyBytes ?? Infinity, ERROR_BODY_MAX_BYTES), target, true)
							: await readLimited(response, request.maxBodyBytes, target);
				}
			} catch (error) {
				if (error instanceof TransportError) {
					throw error.code === 'blocked' ? fail('blocked', blockedMessage(target(), error.cause), error.cause) : error;
				}
				const code = abortedBy === 'caller' ? 'aborted' : abortedBy === 'timeout' ? 'timeout' : classify(error);
				throw fail(code, describeFailure(code, target(), url, error, timeoutMs), error);
			}

			if (responseBody !== undefined) {
				const responseHeaders: Record<string, string | string[]> = {};
				for (const [name, value] of Object.entries(response.headers)) {
					if (value !== undefined) responseHeaders[name.toLowerCase()] = value;
				}
				if (streamed) keepUntilConsumed(streamed);
				return {
					status: response.statusCode,
					statusText: response.statusText || reasonPhrase(response.statusCode) || '',
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
				throw fail('network', `${target()} was redirected (${response.statusCode}) to an invalid Location. Check the URL; the server's redirect is broken.`);
			}
			if (next.protocol !== 'http:' && next.protocol !== 'https:') {
				throw fail('network', `${target()} was redirected (${response.statusCode}) to a ${next.protocol} URL, which cannot be followed. Check the URL.`);
			}
			if (redirects >= maxRedirects) {
				throw fail(
					'tooManyRedirects',
					`${originalTarget()} was redirected more than ${maxRedirects} time(s) (last to ${displayUrl(next.href)}). Check the URL, or raise the redirect limit.`,
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
			stopDeadline();
			release();
		}
	}
}

/** The most of an error answer's body that is kept. */
const ERROR_BODY_MAX_BYTES = 1024 * 1024;

/**
 * Reads a body into memory up to `maxBytes`; past it, fails with 'tooLarge', or with `cut` keeps what fits. Either
 * way the rest is not read (the connection is closed).
 */
async function readLimited(response: Dispatcher.ResponseData<null>, maxBytes: number | undefined, target: () => string, cut = false): Promise<Buffer> {
	const limit = maxBytes !== undefined && maxBytes > 0 ? maxBytes : Infinity;
	const tooLarge = () =>
		new TransportError('tooLarge', `${target()} answered with a body larger than ${formatBytes(limit)}, the limit for responses kept in memory.`);
	const declared = Number(firstHeader(response.headers['content-length']));
	if (!cut && Number.isFinite(declared) && declared > limit) {
		response.body.destroy();
		throw tooLarge();
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of response.body) {
		size += (chunk as Buffer).length;
		if (size > limit) {
			response.body.destroy();
			if (!cut) throw tooLarge();
			chunks.push((chunk as Buffer).subarray(0, (chunk as Buffer).length - (size - limit)));
			break;
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
