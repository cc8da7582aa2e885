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
	/** Absolute http(s) URL (parsed already, or as text). */
	url: string | URL;
	headers: Record<string, string>;
	/** The caller has checked `headers` (validateHeaders) for this request already. */
	headersValidated?: boolean;
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


/**
 * The caller's cancel signal (the execution's, long-lived) gets one listener, however many requests it covers: it
 * aborts the attempts in flight that it tracks. A listener added and removed per attempt cost more than the request's
 * own work (bench/results/profile.md); a WeakMap, so an execution's signal and its set go with the execution.
 */
const inFlight = new WeakMap<AbortSignal, Set<AttemptSignal>>();

function track(caller: AbortSignal, attempt: AttemptSignal): Set<AttemptSignal> {
	let attempts = inFlight.get(caller);
	if (!attempts) {
		const tracked = new Set<AttemptSignal>();
		attempts = tracked;
		inFlight.set(caller, tracked);
		caller.addEventListener('abort', () => {
			for (const each of tracked) each.abort('caller', caller.reason);
			tracked.clear();
		}, { once: true });
	}
	attempts.add(attempt);
	return attempts;
}

/**
 * Deadlines: attempts with the same timeout that start within a short window of each other share one timer (n8n's
 * node rules allow no setTimeout, and an `AbortSignal.timeout` per attempt was a large part of its cost). The shared
 * timer fires `slack` after the window opened plus the timeout, so every attempt in it times out between its
 * timeout and `slack` later, never earlier: 5% of the timeout, at most 250 ms.
 */
interface DeadlineWindow {
	openedMs: number;
	attempts: Set<AttemptSignal>;
}

const openWindows = new Map<number, DeadlineWindow>();

const slackMs = (timeoutMs: number) => Math.min(250, Math.floor(timeoutMs / 20));

function deadlineWindow(timeoutMs: number, attempt: AttemptSignal): Set<AttemptSignal> {
	const now = Date.now();
	const slack = slackMs(timeoutMs);
	let window = openWindows.get(timeoutMs);
	if (!window || now - window.openedMs > slack) {
		const attempts = new Set<AttemptSignal>();
		const opened: DeadlineWindow = { openedMs: now, attempts };
		window = opened;
		openWindows.set(timeoutMs, opened);
		AbortSignal.timeout(timeoutMs + slack).addEventListener('abort', () => {
			if (openWindows.get(timeoutMs) === opened) openWindows.delete(timeoutMs);
			for (const each of attempts) each.abort('timeout', new Error('timeout'));
			attempts.clear();
		}, { once: true });
	}
	window.attempts.add(attempt);
	return window.attempts;
}

/**
 * One attempt's abort bookkeeping: the caller's cancel and the deadline both abort one controller; which came first
 * decides between 'aborted' and 'timeout'.
 */
class AttemptSignal {
	readonly controller = new AbortController();

	abortedBy?: 'caller' | 'timeout';

	/** The deadline window this attempt is in, while it runs. */
	private deadline?: Set<AttemptSignal>;

	/** The set of attempts the caller's signal tracks, while this one is in it. */
	private tracked?: Set<AttemptSignal>;

	/** Rejects the step in progress that takes no signal (the egress check), see `race`. */
	private interrupt?: (reason: unknown) => void;

	/** A streamed body (a file download) outlives the attempt: see keepUntilConsumed. */
	private kept = false;

	constructor(
		caller: AbortSignal | undefined,
		private readonly timeoutMs: number,
	) {
		if (caller?.aborted) this.abort('caller', caller.reason);
		else if (caller) this.tracked = track(caller, this);
	}

	abort(by: 'caller' | 'timeout', reason: unknown): void {
		this.abortedBy ??= by;
		this.controller.abort(reason);
		this.interrupt?.(this.controller.signal.reason);
	}

	/** The timeout runs from the first hop's dispatch: waiting for a rate-limit turn is not the API's time. */
	startDeadline(): void {
		if (this.deadline || this.timeoutMs === 0 || this.controller.signal.aborted) return;
		this.deadline = deadlineWindow(this.timeoutMs, this);
	}

	/** Settles with `promise`, or rejects as soon as the attempt is aborted (for steps that take no signal). */
	readonly race = async <T>(promise: Promise<T>): Promise<T> => {
		const { signal } = this.controller;
		if (signal.aborted) throw signal.reason;
		try {
			return await new Promise<T>((resolve, reject) => {
				this.interrupt = reject;
				promise.then(resolve, reject);
			});
		} finally {
			this.interrupt = undefined;
		}
	};

	private readonly release = () => {
		this.tracked?.delete(this);
		this.tracked = undefined;
	};

	private stopDeadline(): void {
		this.deadline?.delete(this);
		this.deadline = undefined;
	}

	/** A streamed body's total time is not bounded by the timeout, only the silence between chunks is (undici's bodyTimeout); the cancel stays until the stream closes. */
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
	try {
		if (signal.aborted) throw signal.reason;
		if (request.hops) await request.hops.beforeHop(hop.url, signal);
		attempt.startDeadline();
		// Every hop, every request: n8n's SSRF policy decides per target (its answer may change with DNS).
		if (request.egress) {
			if (hop.redirects > 0) validateRedirect(request.egress, hop.url.href);
			await checkEgress(request.egress, hop.url.href, attempt.race);
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
		request.hops?.afterHop(hop.url, response.statusCode, response.headers);
		const status = response.statusCode;
		if (request.followRedirects && REDIRECT_STATUSES.has(status)) {
			const location = firstHeader(response.headers.location);
			if (location !== undefined) {
				await response.body.dump();
				return { response, location };
			}
		}
		if (request.streamBody?.(status)) return { response, body: EMPTY, stream: response.body };
		// An error answer's body is only shown (error.body): a too-long one is cut rather than failing the item, so a
		// 503 stays a 503 (and is retried) whatever it carries.
		const body =
			status >= 400
				? await readLimited(response, Math.min(request.maxBodyBytes ?? Infinity, ERROR_BODY_MAX_BYTES) + ERROR_BODY_SCRUB_MARGIN_BYTES, hop, true)
				: await readLimited(response, request.maxBodyBytes, hop);
		return { response, body };
	} catch (error) {
		if (error instanceof TransportError) {
			throw error.code === 'blocked' ? failure('blocked', blockedMessage(target(hop), error.cause), error.cause) : error;
		}
		const code = attempt.abortedBy === 'caller' ? 'aborted' : attempt.abortedBy === 'timeout' ? 'timeout' : classify(error);
		throw failure(code, describeFailure(code, target(hop), hop.url, error, request.timeoutMs, proxiesInUse()), error);
	}
}

/** A hop as messages name it (built only when a message is needed: displayUrl parses the URL again). */
const target = (hop: Hop) => `${hop.method} ${displayUrl(hop.url.href)}`;

const EMPTY = Buffer.alloc(0);

function finalResponse(answer: Extract<HopAnswer, { body: Buffer }>, hop: Hop): HttpResponse {
	const { response, body, stream } = answer;
	return {
		status: response.statusCode,
		statusText: response.statusText || reasonPhrase(response.statusCode) || '',
		// undici's names are lower case already, and a header it has is never undefined.
		headers: response.headers as Record<string, string | string[]>,
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
	if (!request.headersValidated) validateHeaders(request.headers, request.body);
	const { timeoutMs } = request;
	if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
		throw new TransportError('invalidRequest', `The timeout must be a number of milliseconds of 0 or more (0 = none); got ${String(timeoutMs)}.`);
	}
	// The caller's headers are not changed here or by undici; a redirect builds its own (redirect.ts).
	return { method, url, headers: request.headers, body: request.body, credentialsDropped: false, redirects: 0 };
}

function redirectLimits(first: Hop, request: HttpRequest): RedirectLimits {
	return {
		originalOrigin: first.url.origin,
		maxRedirects: Math.max(0, Math.floor(request.maxRedirects || 0)),
		originalTarget: () => target(first),
	};
}

export async function sendHttp(request: HttpRequest): Promise<HttpResponse> {
	let hop = firstHop(request);
	let limits: RedirectLimits | undefined;
	const attempt = new AttemptSignal(request.signal, request.timeoutMs);
	const dispatcher = dispatcherFor(request.allowUnauthorizedCerts === true, request.egress);
	try {
		for (;;) {
			const answer = await sendHop(hop, request, attempt, dispatcher);
			if (answer.location === undefined) {
				if (answer.stream) attempt.keepUntilConsumed(answer.stream);
				return finalResponse(answer, hop);
			}
			limits ??= redirectLimits(hop, request);
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
 * way the rest is not read (the connection is closed). Plain stream events rather than `for await`: the async
 * iterator cost several times the read itself per response (bench/results/profile.md).
 */
async function readLimited(response: Dispatcher.ResponseData<null>, maxBytes: number | undefined, hop: Hop, cut = false): Promise<Buffer> {
	const limit = maxBytes !== undefined && maxBytes > 0 ? maxBytes : Infinity;
	const tooLarge = () =>
		new TransportError('tooLarge', `${target(hop)} answered with a body larger than ${formatBytes(limit)}, the limit for responses kept in memory.`);
	const { body } = response;
	const declared = Number(firstHeader(response.headers['content-length']));
	if (!cut && declared > limit) {
		// undici errors a body destroyed before its end: with nobody listening, that error would crash the process.
		body.on('error', () => undefined).destroy();
		throw tooLarge();
	}
	return await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const finish = (error: unknown, kept?: Buffer[]) => {
			if (settled) return;
			settled = true;
			if (kept === undefined) reject(error);
			else resolve(kept.length === 1 ? kept[0] : Buffer.concat(kept));
		};
		body.on('data', (chunk: Buffer) => {
			if (settled) return;
			size += chunk.length;
			if (size <= limit) {
				chunks.push(chunk);
				return;
			}
			body.destroy();
			if (!cut) return finish(tooLarge());
			chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
			finish(undefined, chunks);
		});
		body.on('end', () => finish(undefined, chunks));
		body.on('error', (error) => finish(error));
		// Closed before its end without an error (the connection went): the same failure `for await` reported.
		body.on('close', () => finish(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
	});
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
	if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} bytes`;
}
