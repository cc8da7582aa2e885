/**
 * Pure retry decisions: whether to try again, and after how long. The transport and the token
 * request both call these; nothing here sleeps or performs I/O.
 */

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export function isIdempotent(method: string): boolean {
	return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Statuses worth another try: rate limiting and transient server trouble (not 501/505, which never heal). */
export function isRetryableStatus(status: number): boolean {
	if (status === 429) return true;
	return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Hard limits, whatever a parameter or a server says: the UI's ranges, enforced in code. */
export const RETRY_LIMITS = { maxRetries: 10, maxTotalWaitMs: 3_600_000, maxRetryAfterMs: 86_400_000 } as const;

/**
 * Retry-After as milliseconds from `nowMs`: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Returns undefined when absent or unparsable; a date in the past means "now" (0). Clamped to a day, so a huge
 * value is "too long to wait", never a number a timer would wrap around to 1 ms.
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
	if (value === undefined || value === null) return undefined;
	const text = value.trim();
	if (text === '') return undefined;
	const clamp = (ms: number) => Math.min(ms, RETRY_LIMITS.maxRetryAfterMs);
	if (/^\d+$/.test(text)) return clamp(Number(text) * 1000);
	if (/^\d+\.\d+$/.test(text)) return clamp(Math.round(Number(text) * 1000));
	// An HTTP date always names a weekday or month; this keeps Date.parse from reading "-5" as a year.
	const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
	if (Number.isNaN(date)) return undefined;
	return clamp(Math.max(0, date - nowMs));
}

/** Exponential backoff with "equal jitter": half fixed, half random, so waits never collapse to 0. */
export function backoffDelayMs(retryNumber: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
	const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, retryNumber - 1));
	return Math.round(exp / 2 + (random() * exp) / 2);
}

export interface RetryPolicy {
	/** Extra attempts after the first. */
	maxRetries: number;
	/** Cap on the sum of all waits for one request. */
	maxTotalWaitMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Retry POST/PATCH too (they may not be idempotent). */
	retryNonIdempotent: boolean;
}

export interface RetryInput {
	/** Attempts already made, >= 1. */
	attempts: number;
	/** HTTP status, or null when no answer arrived (network error, timeout). */
	status: number | null;
	method: string;
	/** Server-requested wait, already parsed. */
	retryAfterMs?: number;
	/** Sum of waits already spent on this request. */
	waitedMs: number;
}

export type RetryDecision = { retry: false; reason: string } | { retry: true; delayMs: number };

export function decideRetry(input: RetryInput, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
	if (input.attempts > Math.min(policy.maxRetries, RETRY_LIMITS.maxRetries)) return { retry: false, reason: 'retries exhausted' };
	if (input.status !== null && !isRetryableStatus(input.status)) return { retry: false, reason: 'status not retryable' };
	if (!policy.retryNonIdempotent && !isIdempotent(input.method)) {
		return { retry: false, reason: `${input.method.toUpperCase()} is not idempotent` };
	}
	const delayMs =
		input.retryAfterMs !== undefined
			? input.retryAfterMs
			: backoffDelayMs(input.attempts, policy.baseDelayMs, policy.maxDelayMs, random);
	if (input.waitedMs + delayMs > Math.min(policy.maxTotalWaitMs, RETRY_LIMITS.maxTotalWaitMs)) return { retry: false, reason: 'retry wait budget exceeded' };
	return { retry: true, delayMs };
}
