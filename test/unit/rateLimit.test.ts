import { TransportError } from '../../nodes/shared/http/errors';
import { RateLimiter, rateLimiterFor } from '../../nodes/shared/http/rateLimit';
import { CATCH_UP_MS } from '../../nodes/shared/http/rateSchedule';

const API = 'http://api.example';
const headers = (retryAfter?: string) => (retryAfter === undefined ? {} : { 'retry-after': retryAfter });

describe('RateLimiter', () => {
	it('spaces requests 1/rate apart from the first, without bursts (a late one is caught up by at most CATCH_UP_MS)', async () => {
		const limiter = new RateLimiter(20); // a slot every 50 ms
		const started = Date.now();
		const starts: number[] = [];
		await Promise.all(Array.from({ length: 5 }, async () => {
			await limiter.acquire();
			starts.push(Date.now() - started);
		}));
		starts.sort((x, y) => x - y);
		expect(starts[0]).toBeLessThan(20); // the first goes at once
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(50 - CATCH_UP_MS);
	});

	it('a stalled event loop that wakes every waiter at once catches up at most CATCH_UP_MS, never a burst', async () => {
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
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(50 - CATCH_UP_MS - 5);
	});

	it('a 429 that comes in while requests wait for their turn holds them too', async () => {
		const limiter = new RateLimiter(100);
		await limiter.acquire();
		const waiting = limiter.acquire(); // due in 10 ms
		limiter.pauseFor(150);
		const started = Date.now();
		expect(await waiting).toBe(true);
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

	it("a cancelled execution's turns do not delay an execution that is already waiting (within one interval)", async () => {
		const limiter = new RateLimiter(4); // a turn every 250 ms
		await limiter.acquire();
		const a = new AbortController();
		const aWaits = Array.from({ length: 6 }, () => limiter.acquire(a.signal)); // A holds the next 1.5 s of turns
		const started = Date.now();
		const b = limiter.acquire(); // B queues behind A
		await new Promise((resolve) => setTimeout(resolve, 20));
		a.abort();
		expect(await b).toBe(true);
		expect(Date.now() - started).toBeLessThan(250 + 100);
		expect(await Promise.all(aWaits)).toEqual([false, false, false, false, false, false]);
	});

	it('a pause longer than the wait budget fails the waiting request at once, naming the option to raise', async () => {
		const limiter = new RateLimiter(1);
		await limiter.acquire();
		const waiting = limiter.acquire(undefined, { retryWaitMs: 2_000, timeoutMs: 30_000 }); // its turn is 1 s away
		const started = Date.now();
		limiter.pauseFor(20_000);
		const error = (await waiting.catch((e: unknown) => e)) as TransportError;
		expect(Date.now() - started).toBeLessThan(100);
		expect(error).toBeInstanceOf(TransportError);
		expect(error.code).toBe('rateLimited');
		expect(error.message).toContain('paused for 20 s');
		expect(error.message).toContain('"Max Retry Wait"');
		expect(error.message).not.toContain('"Timeout"');
		// A request that comes later fails at once too; one whose budget covers the pause waits.
		await expect(limiter.acquire(undefined, { retryWaitMs: 60_000, timeoutMs: 2_000 })).rejects.toThrow(/Raise "Timeout"/);
	});

	it('a pause within the budget is waited out', async () => {
		const limiter = new RateLimiter(100);
		limiter.pauseFor(200);
		const started = Date.now();
		expect(await limiter.acquire(undefined, { retryWaitMs: 1_000, timeoutMs: 1_000 })).toBe(true);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
	});

	it('is shared per credential key, takes the latest rate, and is off at 0', () => {
		const a = rateLimiterFor('credential-a', 5);
		expect(rateLimiterFor('credential-a', 5)).toBe(a);
		expect(rateLimiterFor('credential-a', 8)?.rate).toBe(8);
		expect(rateLimiterFor('credential-b', 5)).not.toBe(a);
		expect(rateLimiterFor('credential-a', 0)).toBeUndefined();
	});
});

describe('RateLimiter.hops: what the API sees steers the limit', () => {
	const signal = new AbortController().signal;

	it("a 429 of the API's origin pauses the credential for its Retry-After and lowers the rate", async () => {
		const limiter = new RateLimiter(10);
		const hops = limiter.hops(API, { retryWaitMs: 60_000, timeoutMs: 0 });
		await hops.beforeHop(new URL(`${API}/a`), signal);
		hops.afterHop(new URL(`${API}/a`), 429, headers('1'));
		expect(limiter.currentRate).toBeLessThan(10);
		const started = Date.now();
		await limiter.acquire();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	it('a 429 without Retry-After lowers the rate without a pause', async () => {
		const limiter = new RateLimiter(10);
		const hops = limiter.hops(API, { retryWaitMs: 60_000, timeoutMs: 0 });
		await hops.beforeHop(new URL(`${API}/a`), signal);
		hops.afterHop(new URL(`${API}/a`), 429, headers());
		expect(limiter.currentRate).toBe(5);
		const started = Date.now();
		await limiter.acquire();
		expect(Date.now() - started).toBeLessThan(500); // one slot at the halved rate (200 ms), no pause
	});

	it("a hop to another origin (a CDN after a redirect) takes no turn, and its 429 pauses nothing", async () => {
		const limiter = new RateLimiter(1);
		const hops = limiter.hops(API, { retryWaitMs: 60_000, timeoutMs: 0 });
		await hops.beforeHop(new URL(`${API}/a`), signal);
		const started = Date.now();
		await hops.beforeHop(new URL('http://cdn.example/file'), signal); // would wait 1 s if it took a turn
		hops.afterHop(new URL('http://cdn.example/file'), 429, headers('30'));
		expect(Date.now() - started).toBeLessThan(100);
		expect(limiter.currentRate).toBe(1);
		await limiter.acquire(); // the API's next turn, 1 s after the first: not 30 s
		expect(Date.now() - started).toBeLessThan(1_500);
	});
});
