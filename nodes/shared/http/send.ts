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
import { dispatcherFor, proxiesInUse } from './pools';
import { type Hop, nextHop, REDIRECT_STATUSES, type RedirectLimits } from './redirect';
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


/**
 * One attempt's abort bookkeeping: the caller's cancel and the deadline both abort one controller; which came first
 * decides between 'aborted' and 'timeout'. (Plain listeners rather than AbortSignal.any: they are removed at the
 * end, so a long-lived execution signal does not collect one listener per request.)
 */
class AttemptSignal {
	readonly controller = new AbortController();

	abortedBy?: 'caller' | 'timeout';

	private readonly deadline?: AbortSignal;

	/** A streamed body (a file download) outlives the attempt: see keepUntilConsumed. */
	private kept = false;

	constructor(
		private readonly caller: AbortSignal | undefined,
		timeoutMs: number,
	) {
		this.deadline = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
		this.deadline?.addEventListener('abort', this.onDeadline, { once: true });
		if (caller?.aborted) this.onCallerAbort();
		else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
	}

	private readonly onCallerAbort = () => {
		this.abortedBy ??= 'caller';
		this.controller.abort(this.caller?.reason);
	};

	private readonly onDeadline = () => {
		this.abortedBy ??= 'timeout';
		this.controller.abort(new Error('timeout'));
	};

	private readonly release = () => this.caller?.removeEventListener('abort', this.onCallerAbort);

	private stopDeadline(): void {
		this.deadline?.removeEventListener('abort', this.onDeadline);
	}

	/** A streamed body's total time is not bounded by the timeout, only the silence between chunks is (undici's bodyTimeout); the cancel listener stays until the stream closes. */
	keepUntilConsumed(stream: ResponseBody): void {
		this.kept = true;
		this.stopDeadline();
		stream.once('close', this.release);
	}

	end(): void {
		if (this.kept) return;
		this.stopDeadline();
		this.release();
	}
}

/** A hop's answer: a redirect to follow (its Location), or the final answer with its body read or streamed. */
type HopAnswer = { response: Dispatcher.ResponseData<null>; location: string } | { response: Dispatcher.ResponseData<null>; location?: undefined; body: Buffer; stream?: ResponseBody };

function failure(code: TransportErrorCode, message: string, cause?: unknown): TransportError {
	return new TransportError(code, message, cause === undefined ? undefined : { cause });
}

/**
 * Where a hop leaves: n8n's egress check, then the request on the wire, then its body (dumped for a redirect to
 * follow, streamed, or read within the limits). Every failure becomes a TransportError that says what to do.
 * Messages are not scrubbed here: everything that leaves the node passes the scrubber at its exit (emit.ts).
 */
async function sendHop(hop: Hop, request: HttpRequest, attempt: AttemptSignal, dispatcher: Dispatcher): Promise<HopAnswer> {
	const { signal } = attempt.controller;
	// Message texts are built only when a message is needed: displayUrl parses the URL again.
	const target = () => `${hop.method} ${displayUrl(hop.url.href)}`;
	try {
		if (signal.aborted) throw signal.reason;
		if (request.egress) {
			if (hop.redirects > 0) validateRedirect(request.egress, hop.url.href);
			await checkEgress(request.egress, hop.url.href, signal);
		}
		const response = await undiciRequest(hop.url, {
			dispatcher,
			method: hop.method,
			headers: hop.headers,
			body: hop.body ?? null,
			signal,
			headersTimeout: request.timeoutMs,
			bodyTimeout: request.timeoutMs,
		});
		const location = firstHeader(response.headers.location);
		if (request.followRedirects && REDIRECT_STATUSES.has(response.statusCode) && location !== undefined) {
			await response.body.dump();
			return { response, location };
		}
		if (request.streamBody?.(response.statusCode)) return { response, body: Buffer.alloc(0), stream: response.body };
		// An error answer's body is only shown (error.body): a too-long one is cut rather than failing the item, so a
		// 503 stays a 503 (and is retried) whatever it carries.
		const body =
			response.statusCode >= 400
				? await readLimited(response, Math.min(request.maxBodyBytes ?? Infinity, ERROR_BODY_MAX_BYTES) + ERROR_BODY_SCRUB_MARGIN_BYTES, target, true)
				: await readLimited(response, request.maxBodyBytes, target);
		return { response, body };
	} catch (error) {
		if (error instanceof TransportError) {
			throw error.code === 'blocked' ? failure('blocked', blockedMessage(target(), error.cause), error.cause) : error;
		}
		const code = attempt.abortedBy === 'caller' ? 'aborted' : attempt.abortedBy === 'timeout' ? 'timeout' : classify(error);
		throw failure(code, describeFailure(code, target(), hop.url, error, request.timeoutMs, proxiesInUse()), error);
	}
}

function finalResponse(answer: Extract<HopAnswer, { body: Buffer }>, hop: Hop): HttpResponse {
	const { response, body, stream } = answer;
	const headers: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(response.headers)) {
		if (value !== undefined) headers[name.toLowerCase()] = value;
	}
	return {
		status: response.statusCode,
		statusText: response.statusText || reasonPhrase(response.statusCode) || '',
		headers,
		body,
		...(stream ? { stream } : {}),
		url: hop.url.href,
		credentialsDropped: hop.credentialsDropped,
	};
}

/** The request's first hop, or the TransportError that says why it cannot be sent. */
function firstHop(request: HttpRequest): Hop {
	const method = String(request.method ?? '').trim().toUpperCase();
	if (!TOKEN.test(method)) {
		throw new TransportError('invalidRequest', `"${method.slice(0, 30)}" is not a valid HTTP method. Use GET, POST, PUT, PATCH, DELETE or HEAD.`);
	}
	const url = parseTarget(method, request.url);
	validateHeaders(request.headers, request.body);
	const { timeoutMs } = request;
	if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
		throw new TransportError('invalidRequest', `The timeout must be a number of milliseconds of 0 or more (0 = none); got ${String(timeoutMs)}.`);
	}
	return { method, url, headers: { ...request.headers }, body: request.body, credentialsDropped: false, redirects: 0 };
}

export async function sendHttp(request: HttpRequest): Promise<HttpResponse> {
	let hop = firstHop(request);
	const first = hop;
	const limits: RedirectLimits = {
		originalOrigin: hop.url.origin,
		maxRedirects: Math.max(0, Math.floor(request.maxRedirects || 0)),
		originalTarget: () => `${first.method} ${displayUrl(first.url.href)}`,
	};
	const attempt = new AttemptSignal(request.signal, request.timeoutMs);
	const dispatcher = dispatcherFor(request.allowUnauthorizedCerts === true, request.egress);
	try {
		for (;;) {
			const answer = await sendHop(hop, request, attempt, dispatcher);
			if (answer.location === undefined) {
				if (answer.stream) attempt.keepUntilConsumed(answer.stream);
				return finalResponse(answer, hop);
			}
			const next = nextHop(hop, answer.response.statusCode, answer.location, limits);
			if (!next.ok) throw failure(next.code, next.message);
			hop = next.hop;
		}
	} finally {
		attempt.end();
	}
}

/** The most of an error answer's body that is shown (error.body), cut by the node after scrubbing. */
export const ERROR_BODY_MAX_BYTES = 1024 * 1024;
/**
 * Read beyond that cut, so that a secret straddling it is still whole when the scrubber sees it (scrub, then cut):
 * more than the longest spelling of any token.
 */
const ERROR_BODY_SCRUB_MARGIN_BYTES = 64 * 1024;

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
