/**
 * A request rate limit per credential, shared by every execution in this process (each n8n process, main or
 * worker, has its own). Requests are spaced 1/rate apart, never bursting, so an API's own token bucket at that rate
 * is never exceeded whatever Concurrency is; and a 429 pauses every request of the credential until its
 * Retry-After has passed, not only the one that got it.
 */
import { sleep } from './retry';

export class RateLimiter {
	/** When the next request may start (ms epoch). */
	private nextSlotMs = 0;

	constructor(
		private perSecond: number,
		private readonly now: () => number = Date.now,
	) {}

	get rate(): number {
		return this.perSecond;
	}

	setRate(perSecond: number): void {
		this.perSecond = perSecond;
	}

	/** Waits for this request's slot. False when `signal` aborted the wait (the slot is then simply unused). */
	async acquire(signal?: AbortSignal): Promise<boolean> {
		const now = this.now();
		const slot = Math.max(now, this.nextSlotMs);
		this.nextSlotMs = slot + 1000 / this.perSecond;
		return slot > now ? await sleep(slot - now, signal) : !signal?.aborted;
	}

	/** The API asked everyone to wait (429): no request starts within the next `ms`. */
	pauseFor(ms: number): void {
		this.nextSlotMs = Math.max(this.nextSlotMs, this.now() + Math.max(0, ms));
	}
}

/** One limiter per credential identity in this process; a few hundred at most, like the token cache. */
const limiters = new Map<string, RateLimiter>();
const MAX_LIMITERS = 256;

/** The shared limiter of `key` at `perSecond` (the latest setting wins), or none when `perSecond` is 0. */
export function rateLimiterFor(key: string, perSecond: number): RateLimiter | undefined {
	if (!(perSecond > 0)) return undefined;
	let limiter = limiters.get(key);
	if (!limiter) {
		if (limiters.size >= MAX_LIMITERS) limiters.delete(limiters.keys().next().value as string);
		limiter = new RateLimiter(perSecond);
		limiters.set(key, limiter);
	} else if (limiter.rate !== perSecond) limiter.setRate(perSecond);
	return limiter;
}
