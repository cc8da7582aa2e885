import { RateLimiter, rateLimiterFor } from '../../nodes/shared/http/rateLimit';
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

describe('RateLimiter', () => {
	it('spaces requests 1/rate apart from the first, without bursts', async () => {
		const limiter = new RateLimiter(20); // a slot every 50 ms
		const started = Date.now();
		const starts: number[] = [];
		await Promise.all(Array.from({ length: 5 }, async () => {
			await limiter.acquire();
			starts.push(Date.now() - started);
		}));
		starts.sort((x, y) => x - y);
		expect(starts[0]).toBeLessThan(20); // the first goes at once
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(45);
	});

	it('keeps the spacing when a stalled event loop wakes every waiter at once', async () => {
		const limiter = new RateLimiter(20);
		await limiter.acquire();
		const starts: number[] = [];
		const all = Promise.all(Array.from({ length: 4 }, async () => {
			await limiter.acquire();
			starts.push(Date.now());
		}));
		// A busy process: every slot (50, …, 200 ms) has passed before any timer can fire.
		const until = Date.now() + 300;
		while (Date.now() < until);
		await all;
		starts.sort((x, y) => x - y);
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(45);
	});

	it('a 429 that comes in while requests wait for their slots holds them too', async () => {
		const limiter = new RateLimiter(100);
		await limiter.acquire();
		const waiting = limiter.acquire(); // due in 10 ms
		limiter.pauseFor(150);
		const started = Date.now();
		expect(await waiting).toBe(true);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('a 429 pauses every later request until its Retry-After has passed', async () => {
		const limiter = new RateLimiter(1000);
		limiter.pauseFor(150);
		const started = Date.now();
		expect(await limiter.acquire()).toBe(true);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('a cancelled wait returns false and ends at once', async () => {
		const limiter = new RateLimiter(0.1);
		await limiter.acquire(); // the first slot is now
		const controller = new AbortController();
		const waiting = limiter.acquire(controller.signal); // the next one is 10 s away
		controller.abort();
		expect(await waiting).toBe(false);
	});

	it('is shared per credential key, takes the latest rate, and is off at 0', () => {
		const a = rateLimiterFor('credential-a', 5);
		expect(rateLimiterFor('credential-a', 5)).toBe(a);
		expect(rateLimiterFor('credential-a', 8)?.rate).toBe(8);
		expect(rateLimiterFor('credential-b', 5)).not.toBe(a);
		expect(rateLimiterFor('credential-a', 0)).toBeUndefined();
	});
});
