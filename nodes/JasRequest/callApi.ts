/**
 * One API call as the node makes it: token, send, one renewal after a 401, and retries of 429/5xx/
 * network failures within the retry policy. Returns the outcome; never throws for HTTP or network.
 * Where 429 is handled: here, with the decisions in retry.ts.
 */
import type { EgressFilter } from '../shared/http/egress';
import { TransportError } from '../shared/http/errors';
import { headerValue } from '../shared/http/headers';
import type { HopGate, RateLimiter } from '../shared/http/rateLimit';
import { decideRetry, isRetryableStatus, parseRetryAfter, type RetryPolicy } from '../shared/http/retry';
import { type HttpResponse, sendHttp } from '../shared/http/send';
import { attempt, settle, type Settled } from '../shared/http/settle';
import { validateHeaders } from '../shared/http/validation';
import { sleep, type WaitBounds } from '../shared/http/wait';
import { TokenError } from '../shared/token/tokenErrors';
import type { Authorizer } from './authorizers';
import type { PreparedRequest } from './requestBuilder';

export interface CallSettings {
	timeoutMs: number;
	followRedirects: boolean;
	maxRedirects: number;
	allowUnauthorizedCerts: boolean;
	egress?: EgressFilter;
	signal?: AbortSignal;
	retry: RetryPolicy;
	/** Largest body kept in memory (JSON, text, error bodies). */
	maxBodyBytes?: number;
	/** Hand 2xx bodies over as streams (file downloads) instead of reading them. */
	streamSuccess?: boolean;
	/** The credential's shared request rate limit, when one is set. */
	rateLimiter?: RateLimiter;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

export type CallOutcome =
	| { kind: 'response'; response: HttpResponse; attempts: number; retryAfterMs?: number }
	| { kind: 'network'; error: TransportError; attempts: number }
	| { kind: 'token'; error: TokenError; attempts: number };


const NEVER_RETRIED = new Set(['aborted', 'invalidRequest', 'blocked', 'tooManyRedirects', 'tls', 'tooLarge', 'rateLimited']);

/** Waits for the first hop's turn; the error that ends the item without one (Stop, or a pause beyond its budget). */
async function waitForTurn(hops: HopGate, request: PreparedRequest, signal: AbortSignal | undefined): Promise<TransportError | undefined> {
	const turn = await settle(hops.first(signal));
	if (turn.ok) return turn.value ? undefined : new TransportError('aborted', `${request.method} request was cancelled because the execution was stopped.`);
	if (turn.error instanceof TransportError) return turn.error;
	throw turn.error;
}

/** The token as sent, checked once per token (it comes from the token endpoint, so it is checked like any header). */
let checkedBearer: { token: string; header: string } | undefined;

function bearerHeader(token: string): { header: string; valid: boolean } {
	if (checkedBearer?.token === token) return { header: checkedBearer.header, valid: true };
	const header = `Bearer ${token}`;
	const valid = attempt(() => validateHeaders({ Authorization: header })).ok;
	if (valid) checkedBearer = { token, header };
	return { header, valid };
}

/** A token with time left: at hand without waiting when the cached one is fresh, else fetched within `bounds`. */
async function tokenFor(auth: Authorizer, settings: CallSettings): Promise<Settled<string>> {
	const fresh = auth.freshToken();
	if (fresh !== undefined) return { ok: true, value: fresh };
	// A token wait counts as an attempt: it ends at the item's Timeout (and on Stop), whatever others wait for.
	return await settle(auth.getToken(tokenBounds(settings)));
}

const tokenBounds = (settings: CallSettings): WaitBounds => ({ signal: settings.signal, deadlineMs: settings.timeoutMs > 0 ? Date.now() + settings.timeoutMs : undefined });

export async function callApi(request: PreparedRequest, auth: Authorizer, settings: CallSettings): Promise<CallOutcome> {
	let attempts = 0;
	let retries = 0;
	let waitedMs = 0;
	let renewedAfter401 = false;
	// Parsed once by the request builder: handed on as is while it is still this request's URL (a next page is not).
	const url = request.target?.href === request.url ? request.target : request.url;
	const origin = settings.rateLimiter && (typeof url === 'string' ? new URL(url) : url).origin;
	for (;;) {
		// The first hop's turn of the credential's rate limit comes before the token (see RateLimiter.hops).
		const hops = origin === undefined ? undefined : settings.rateLimiter?.hops(origin, { retryWaitMs: settings.retry.maxTotalWaitMs - waitedMs, timeoutMs: settings.timeoutMs });
		const noTurn = hops && (await waitForTurn(hops, request, settings.signal));
		if (noTurn) return { kind: 'network', error: noTurn, attempts };
		const got = await tokenFor(auth, settings);
		if (!got.ok) {
			if (got.error instanceof TokenError) return { kind: 'token', error: got.error, attempts };
			throw got.error;
		}
		const token = got.value;
		attempts++;
		let status: number | null;
		let retryAfterMs: number | undefined;
		let outcome: CallOutcome;
		const bearer = bearerHeader(token);
		const sent = await settle(
			sendHttp({
				method: request.method,
				url,
				headers: { ...request.headers, Authorization: bearer.header },
				// Checked by the request builder for this request (Authorization aside, checked per token above).
				headersValidated: request.headersValidated === true && bearer.valid,
				body: request.body,
				timeoutMs: settings.timeoutMs,
				signal: settings.signal,
				followRedirects: settings.followRedirects,
				maxRedirects: settings.maxRedirects,
				allowUnauthorizedCerts: settings.allowUnauthorizedCerts,
				egress: settings.egress,
				maxBodyBytes: settings.maxBodyBytes,
				streamBody: settings.streamSuccess ? isSuccess : undefined,
				// Every hop to the API takes a turn of the credential's limit and reports its answer (rateLimit.ts).
				hops,
			}),
		);
		if (!sent.ok) {
			if (!(sent.error instanceof TransportError)) throw sent.error;
			outcome = { kind: 'network', error: sent.error, attempts };
			if (NEVER_RETRIED.has(sent.error.code)) return outcome;
			status = null;
		} else {
			const response = sent.value;
			status = response.status;
			// Only a 401 to our token rejects it: after a cross-origin redirect hop the token was no longer sent (even
			// if a later hop came back to the API's origin), and dropping it would cost every item in flight a renewal.
			if (status === 401 && !renewedAfter401 && !response.credentialsDropped) {
				// Expired or revoked: renew exactly this token once; concurrent 401s share one renewal.
				renewedAfter401 = true;
				const renewed = await settle(auth.rejected(token, tokenBounds(settings)));
				if (!renewed.ok) {
					if (renewed.error instanceof TokenError) return { kind: 'token', error: renewed.error, attempts };
					throw renewed.error;
				}
				continue;
			}
			if (status < 400) return { kind: 'response', response, attempts };
			// Only an error answer's Retry-After matters: for the retry's wait, and shown on the error item.
			retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'), Date.now());
			outcome = { kind: 'response', response, attempts, retryAfterMs };
			if (!isRetryableStatus(status)) return outcome;
		}
		const decision = decideRetry({ attempts: retries + 1, status, method: request.method, retryAfterMs, waitedMs }, settings.retry);
		if (!decision.retry) return outcome;
		retries++;
		waitedMs += decision.delayMs;
		if ((await sleep(decision.delayMs, { signal: settings.signal })) !== 'elapsed') return outcome;
	}
}
