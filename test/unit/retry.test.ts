import { backoffDelayMs, decideRetry, isIdempotent, isRetryableStatus, parseRetryAfter, type RetryPolicy } from '../../nodes/shared/http/retry';

const policy: RetryPolicy = { maxRetries: 3, maxTotalWaitMs: 10_000, baseDelayMs: 100, maxDelayMs: 2_000, retryNonIdempotent: false };

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-11-22T12:00:00Z');
	it('reads delta-seconds', () => {
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter(' 0 ', now)).toBe(0);
	});
	it('reads an HTTP date', () => {
		expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:05 GMT', now)).toBe(5000);
	});
	it('treats a past date as now', () => {
		expect(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', now)).toBe(0);
	});
	it('ignores absent and garbage values', () => {
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
		expect(parseRetryAfter('', now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter('-5', now)).toBeUndefined();
	});
});

describe('status and method classification', () => {
	it('retries 429 and transient 5xx only', () => {
		expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
		expect([400, 401, 403, 404, 409, 501, 505].some(isRetryableStatus)).toBe(false);
	});
	it('knows idempotent methods', () => {
		expect(['GET', 'head', 'PUT', 'DELETE'].every(isIdempotent)).toBe(true);
		expect(['POST', 'PATCH'].some(isIdempotent)).toBe(false);
	});
});

describe('backoffDelayMs', () => {
	it('doubles per retry and stays within [exp/2, exp]', () => {
		expect(backoffDelayMs(1, 100, 2000, () => 0)).toBe(50);
		expect(backoffDelayMs(1, 100, 2000, () => 1)).toBe(100);
		expect(backoffDelayMs(3, 100, 2000, () => 1)).toBe(400);
	});
	it('is capped', () => {
		expect(backoffDelayMs(20, 100, 2000, () => 1)).toBe(2000);
	});
});

describe('decideRetry', () => {
	const base = { attempts: 1, status: 503, method: 'GET', waitedMs: 0 };
	it('retries a 503 GET with backoff', () => {
		expect(decideRetry(base, policy, () => 1)).toEqual({ retry: true, delayMs: 100 });
	});
	it('honours Retry-After over backoff', () => {
		expect(decideRetry({ ...base, status: 429, retryAfterMs: 1500 }, policy)).toEqual({ retry: true, delayMs: 1500 });
	});
	it('retries network errors (no status)', () => {
		expect(decideRetry({ ...base, status: null }, policy, () => 0).retry).toBe(true);
	});
	it('stops when retries are exhausted', () => {
		expect(decideRetry({ ...base, attempts: 4 }, policy).retry).toBe(false);
	});
	it('does not retry non-retryable statuses', () => {
		expect(decideRetry({ ...base, status: 404 }, policy).retry).toBe(false);
	});
	it('does not retry POST unless allowed', () => {
		expect(decideRetry({ ...base, method: 'POST' }, policy)).toEqual({ retry: false, reason: 'POST is not idempotent' });
		expect(decideRetry({ ...base, method: 'POST' }, { ...policy, retryNonIdempotent: true }).retry).toBe(true);
	});
	it('stops when the wait would exceed the total budget', () => {
		expect(decideRetry({ ...base, status: 429, retryAfterMs: 20_000 }, policy).retry).toBe(false);
		expect(decideRetry({ ...base, waitedMs: 9_950 }, policy, () => 1).retry).toBe(false);
	});
});
