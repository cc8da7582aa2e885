import { isFresh, RENEWAL_RETRY_MS, renewalMarginMs, tokenCacheKey, TokenEngine } from '../../nodes/shared/token/tokenEngine';
import type { TokenSet } from '../../nodes/shared/token/tokenRequest';

function clock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
	return { promise, resolve, reject };
}

function counter(lifetimeMs = 600_000) {
	let n = 0;
	const fetch = jest.fn(async (): Promise<TokenSet> => ({ accessToken: `token-${++n}`, lifetimeMs }));
	return fetch;
}

describe('renewalMarginMs', () => {
	it('uses the configured margin for long-lived tokens', () => {
		expect(renewalMarginMs(600_000, 60_000)).toBe(60_000);
	});
	it('shrinks to a quarter of the lifetime for short tokens', () => {
		expect(renewalMarginMs(2_000, 60_000)).toBe(500);
		expect(renewalMarginMs(100_000, 60_000)).toBe(25_000);
	});
	it('never goes negative', () => {
		expect(renewalMarginMs(1_000, -5)).toBe(0);
	});
});

describe('tokenCacheKey', () => {
	const base = { tokenUrl: 'https://a/oauth2/token', clientId: 'id', clientSecret: 'top-secret-value', scope: '' };
	it('differs when the secret, URL, client or scope changes', () => {
		const key = tokenCacheKey(base);
		expect(tokenCacheKey({ ...base, clientSecret: 'other-secret' })).not.toBe(key);
		expect(tokenCacheKey({ ...base, tokenUrl: 'https://b/oauth2/token' })).not.toBe(key);
		expect(tokenCacheKey({ ...base, clientId: 'id2' })).not.toBe(key);
		expect(tokenCacheKey({ ...base, scope: 'x' })).not.toBe(key);
		expect(tokenCacheKey({ ...base })).toBe(key);
	});
	it('does not contain the secret', () => {
		expect(tokenCacheKey(base)).not.toContain('top-secret-value');
	});
});

describe('TokenEngine', () => {
	it('fetches once and serves the cached token while fresh', async () => {
		const c = clock();
		const engine = new TokenEngine({ now: c.now });
		const fetch = counter(600_000);
		const a = await engine.getToken('k', fetch, 60_000);
		c.advance(539_000);
		const b = await engine.getToken('k', fetch, 60_000);
		expect(a.accessToken).toBe('token-1');
		expect(b.accessToken).toBe('token-1');
		expect(fetch).toHaveBeenCalledTimes(1);
	});

	it('renews once the margin before expiry is reached', async () => {
		const c = clock();
		const engine = new TokenEngine({ now: c.now });
		const fetch = counter(600_000);
		const first = await engine.getToken('k', fetch, 60_000);
		expect(first.expiresAtMs - first.renewAtMs).toBe(60_000);
		c.advance(540_000);
		expect(isFresh(first, c.now())).toBe(false);
		const second = await engine.getToken('k', fetch, 60_000);
		expect(second.accessToken).toBe('token-2');
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('measures expiry from before the request was sent', async () => {
		const c = clock();
		const engine = new TokenEngine({ now: c.now });
		const token = await engine.getToken(
			'k',
			async () => {
				c.advance(5_000); // a slow token endpoint
				return { accessToken: 't', lifetimeMs: 600_000 };
			},
			0,
		);
		expect(token.expiresAtMs).toBe(1_000_000 + 600_000);
	});

	it('single-flights any number of concurrent callers into one request', async () => {
		const engine = new TokenEngine();
		const gate = deferred<TokenSet>();
		const fetch = jest.fn(async () => await gate.promise);
		const callers = Array.from({ length: 100 }, async () => await engine.getToken('k', fetch, 1_000));
		gate.resolve({ accessToken: 'shared', lifetimeMs: 600_000 });
		const tokens = await Promise.all(callers);
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['shared']));
	});

	it('passes a failure to every waiting caller, caches nothing, and asks again next time', async () => {
		const engine = new TokenEngine();
		const gate = deferred<TokenSet>();
		const failing = jest.fn(async () => await gate.promise);
		const callers = Array.from({ length: 5 }, async () => await engine.getToken('k', failing, 0));
		gate.reject(new Error('boom'));
		const results = await Promise.allSettled(callers);
		expect(results.every((r) => r.status === 'rejected')).toBe(true);
		expect(failing).toHaveBeenCalledTimes(1);
		const fetch = counter();
		expect((await engine.getToken('k', fetch, 0)).accessToken).toBe('token-1');
	});

	it('keeps credentials apart', async () => {
		const engine = new TokenEngine();
		const a = await engine.getToken('a', async () => ({ accessToken: 'A', lifetimeMs: 60_000 }), 0);
		const b = await engine.getToken('b', async () => ({ accessToken: 'B', lifetimeMs: 60_000 }), 0);
		expect([a.accessToken, b.accessToken]).toEqual(['A', 'B']);
	});

	it('invalidates exactly the rejected token', async () => {
		const engine = new TokenEngine();
		const fetch = counter();
		const first = await engine.getToken('k', fetch, 0);
		expect(engine.invalidate('k', first.accessToken)).toBe(true);
		const second = await engine.getToken('k', fetch, 0);
		expect(second.accessToken).toBe('token-2');
		// A late 401 for the old token must not throw away the new one.
		expect(engine.invalidate('k', first.accessToken)).toBe(false);
		expect((await engine.getToken('k', fetch, 0)).accessToken).toBe('token-2');
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('after a 401 burst, one new token serves every request in flight', async () => {
		const engine = new TokenEngine();
		const fetch = counter();
		const old = await engine.getToken('k', fetch, 0);
		const renewals = Array.from({ length: 20 }, async () => {
			engine.invalidate('k', old.accessToken);
			return await engine.getToken('k', fetch, 0);
		});
		const tokens = await Promise.all(renewals);
		expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-2']));
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('peek returns only fresh tokens and never fetches', async () => {
		const c = clock();
		const engine = new TokenEngine({ now: c.now });
		expect(engine.peek('k')).toBeUndefined();
		await engine.getToken('k', counter(10_000), 0);
		expect(engine.peek('k')?.accessToken).toBe('token-1');
		c.advance(10_000);
		expect(engine.peek('k')).toBeUndefined();
	});
});

describe('TokenEngine: a shared acquisition belongs to no caller (issue 9, class 6)', () => {
	it("a waiter's cancel ends only its own wait; the request goes on and serves the others", async () => {
		const engine = new TokenEngine();
		const pending = deferred<TokenSet>();
		const fetch = jest.fn(async () => await pending.promise);
		const a = new AbortController();
		const waitA = engine.getToken('k', fetch, 0, { signal: a.signal });
		const waitB = engine.getToken('k', fetch, 0);
		a.abort();
		await expect(waitA).rejects.toMatchObject({ code: 'aborted' });
		pending.resolve({ accessToken: 'shared', lifetimeMs: 600_000 });
		await expect(waitB).resolves.toMatchObject({ accessToken: 'shared' });
		expect(fetch).toHaveBeenCalledTimes(1);
		// Later callers use the token the cancelled waiter's request brought.
		await expect(engine.getToken('k', fetch, 0)).resolves.toMatchObject({ accessToken: 'shared' });
		expect(fetch).toHaveBeenCalledTimes(1);
	});

	it('a waiter whose signal is already aborted does not start a request', async () => {
		const engine = new TokenEngine();
		const fetch = counter();
		const a = new AbortController();
		a.abort();
		// The request starts (for whoever comes next) but this waiter leaves at once.
		await expect(engine.getToken('k', fetch, 0, { signal: a.signal })).rejects.toMatchObject({ code: 'aborted' });
	});
});

describe("TokenEngine: each waiter waits within its own item's Timeout", () => {
	it('a waiter gives up at its own deadline, saying what to check or raise; the request goes on and serves a later waiter', async () => {
		const engine = new TokenEngine();
		const pending = deferred<TokenSet>();
		const fetch = jest.fn(async () => await pending.promise);
		const started = Date.now();
		const short = engine.getToken('k', fetch, 0, { deadlineMs: started + 50 });
		const long = engine.getToken('k', fetch, 0, { deadlineMs: started + 60_000 });
		const error = (await short.catch((e: unknown) => e)) as Error & { code?: string };
		expect(error.code).toBe('deadline');
		expect(error.message).toMatch(/Timeout/);
		expect(error.message).toMatch(/Token URL/);
		expect(Date.now() - started).toBeLessThan(2_000);
		pending.resolve({ accessToken: 'shared', lifetimeMs: 600_000 });
		await expect(long).resolves.toMatchObject({ accessToken: 'shared' });
		expect(fetch).toHaveBeenCalledTimes(1);
	});

	it('a waiter whose deadline has passed already leaves at once', async () => {
		const engine = new TokenEngine();
		const fetch = jest.fn(async () => await new Promise<TokenSet>(() => undefined));
		await expect(engine.getToken('k', fetch, 0, { deadlineMs: Date.now() - 1 })).rejects.toMatchObject({ code: 'deadline' });
	});
});

describe('TokenEngine: renewal failures (issue 9, class 7)', () => {
	it('a failed renewal ahead of expiry keeps the valid token, and asks again only after a pause', async () => {
		const c = clock();
		const engine = new TokenEngine({ now: c.now });
		let fail = false;
		let calls = 0;
		const fetch = async (): Promise<TokenSet> => {
			calls++;
			if (fail) throw new Error('503');
			return { accessToken: `t${calls}`, lifetimeMs: 600_000 };
		};
		expect((await engine.getToken('k', fetch, 60_000)).accessToken).toBe('t1');
		c.advance(545_000); // renewal due (margin 60 s), 55 s of validity left
		fail = true;
		expect((await engine.getToken('k', fetch, 60_000)).accessToken).toBe('t1');
		expect(calls).toBe(2);
		c.advance(1_000);
		expect((await engine.getToken('k', fetch, 60_000)).accessToken).toBe('t1');
		expect(calls).toBe(2); // paused: no hammering of a failing endpoint
		c.advance(RENEWAL_RETRY_MS);
		fail = false;
		expect((await engine.getToken('k', fetch, 60_000)).accessToken).toBe('t3');
		expect(calls).toBe(3);
	});

	it('once the old token has really expired, the failure reaches the caller', async () => {
		const c = clock();
		const engine = new TokenEngine({ now: c.now });
		let fail = false;
		const fetch = async (): Promise<TokenSet> => {
			if (fail) throw new Error('503');
			return { accessToken: 't', lifetimeMs: 10_000 };
		};
		await engine.getToken('k', fetch, 1_000);
		fail = true;
		c.advance(10_000);
		await expect(engine.getToken('k', fetch, 1_000)).rejects.toThrow('503');
	});

	it('a token rejected by a 401 is not kept when the renewal fails', async () => {
		const engine = new TokenEngine();
		let fail = false;
		const fetch = async (): Promise<TokenSet> => {
			if (fail) throw new Error('503');
			return { accessToken: 't', lifetimeMs: 600_000 };
		};
		await engine.getToken('k', fetch, 0);
		engine.invalidate('k', 't');
		fail = true;
		await expect(engine.getToken('k', fetch, 0)).rejects.toThrow('503');
	});
});
