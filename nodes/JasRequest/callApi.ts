/**
 * One API call as the node makes it: token, send, one renewal after a 401, and retries of 429/5xx/
 * network failures within the retry policy. Returns the outcome; never throws for HTTP or network.
 * Where 429 is handled: here, with the decisions in retry.ts.
 */
import type { EgressFilter } from '../shared/http/egress';
import { TransportError } from '../shared/http/errors';
import { headerValue } from '../shared/http/headers';
import type { RateLimiter } from '../shared/http/rateLimit';
import { decideRetry, isRetryableStatus, parseRetryAfter, type RetryPolicy } from '../shared/http/retry';
import { type HttpResponse, sendHttp } from '../shared/http/send';
import { settle } from '../shared/http/settle';
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


const NEVER_RETRIED = new Set(['aborted', 'invalidRequest', 'blocked', 'tooManyRedirects', 'tls', 'tooLarge']);

export async function callApi(request: PreparedRequest, auth: Authorizer, settings: CallSettings): Promise<CallOutcome> {
	let attempts = 0;
	let retries = 0;
	let waitedMs = 0;
	let renewedAfter401 = false;
	// A token wait counts as an attempt: it ends at the item's Timeout (and on Stop), whatever others wait for.
	const tokenBounds = (): WaitBounds => ({ signal: settings.signal, deadlineMs: settings.timeoutMs > 0 ? Date.now() + settings.timeoutMs : undefined });
	for (;;) {
		const got = await settle(auth.getToken(tokenBounds()));
		if (!got.ok) {
			if (got.error instanceof TokenError) return { kind: 'token', error: got.error, attempts };
			throw got.error;
		}
		const token = got.value;
		if (settings.rateLimiter && !(await settings.rateLimiter.acquire(settings.signal))) {
			// Cancelled while waiting for a slot: like a request the cancel stopped.
			return { kind: 'network', error: new TransportError('aborted', `${request.method} request was cancelled because the execution was stopped.`), attempts };
		}
		attempts++;
		let status: number | null;
		let retryAfterMs: number | undefined;
		let outcome: CallOutcome;
		const sent = await settle(
			sendHttp({
				method: request.method,
				url: request.url,
				headers: { ...request.headers, Authorization: `Bearer ${token}` },
				body: request.body,
				timeoutMs: settings.timeoutMs,
				signal: settings.signal,
				followRedirects: settings.followRedirects,
				maxRedirects: settings.maxRedirects,
				allowUnauthorizedCerts: settings.allowUnauthorizedCerts,
				egress: settings.egress,
				maxBodyBytes: settings.maxBodyBytes,
				streamBody: settings.streamSuccess ? isSuccess : undefined,
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
				const renewed = await settle(auth.rejected(token, tokenBounds()));
				if (!renewed.ok) {
					if (renewed.error instanceof TokenError) return { kind: 'token', error: renewed.error, attempts };
					throw renewed.error;
				}
				continue;
			}
			retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'), Date.now());
			outcome = { kind: 'response', response, attempts, retryAfterMs };
			if (!isRetryableStatus(status)) return outcome;
		}
		const decision = decideRetry({ attempts: retries + 1, status, method: request.method, retryAfterMs, waitedMs }, settings.retry);
		// A 429 slows down every request of the credential, not only this one, when its wait fits this item's wait
		// budget; a Retry-After beyond it (a hostile day) fails this item but must not stall every other one.
		if (status === 429 && decision.retry) settings.rateLimiter?.pauseFor(decision.delayMs);
		if (!decision.retry) return outcome;
		retries++;
		waitedMs += decision.delayMs;
		if ((await sleep(decision.delayMs, { signal: settings.signal })) !== 'elapsed') return outcome;
	}
}
