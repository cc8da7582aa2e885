/**
 * A request rate limit per credential, shared by every execution in this process (each n8n process, main or
 * worker, has its own). Requests are spaced 1/rate apart, never bursting, so an API's own token bucket at that rate
 * is never exceeded whatever Concurrency is; and a 429 pauses every request of the credential until its
 * Retry-After has passed, not only the one that got it.
 */
import { sleep } from './wait';

export class RateLimiter {
	/** When the next request may start (ms epoch). */
	private nextSlotMs = 0;

	/** When the last request that really went out started. */
	private lastStartMs = -Infinity;

	/** No request before this (a 429's Retry-After). */
	private pausedUntilMs = 0;

	/** Requests holding a reserved slot they have not reached yet. */
	private waiting = 0;

	constructor(
		private perSecond: number,
		private readonly now: () => number = Date.now,
	) {}

	get rate(): number {
		return this.perSecond;
	}

	private get intervalMs(): number {
		return 1000 / this.perSecond;
	}

	/** A new rate applies from the last request that went out, not from slots reserved at the old rate. */
	setRate(perSecond: number): void {
		if (perSecond === this.perSecond) return;
		this.perSecond = perSecond;
		this.nextSlotMs = Math.max(this.lastStartMs + this.intervalMs, this.pausedUntilMs);
	}

	/** Waits for this request's slot. False when `signal` aborted the wait. */
	async acquire(signal?: AbortSignal): Promise<boolean> {
		const now = this.now();
		const slot = Math.max(now, this.nextSlotMs, this.pausedUntilMs);
		this.nextSlotMs = slot + this.intervalMs;
		this.waiting++;
		let reached = slot > now ? (await sleep(slot - now, { signal })) === 'elapsed' : !signal?.aborted;
		// A stalled event loop (a busy n8n) wakes several waiters at once, all past their slots; and a 429 may have
		// come in while they slept. Spacing is kept by when requests really start, not by when they were due.
		for (let wait = this.earliestStart() - this.now(); reached && wait > 0; wait = this.earliestStart() - this.now()) {
			reached = (await sleep(wait, { signal })) === 'elapsed';
		}
		this.waiting--;
		if (reached) {
			this.lastStartMs = Math.max(this.lastStartMs, this.now());
			this.nextSlotMs = Math.max(this.nextSlotMs, this.lastStartMs + this.intervalMs);
		}
		// Slots of cancelled waiters are not left standing: when nobody waits any more, the schedule continues from
		// the last request that really went out (a cancelled execution must not delay the next one).
		else if (this.waiting === 0) this.nextSlotMs = Math.max(this.lastStartMs + this.intervalMs, this.pausedUntilMs);
		return reached;
	}

	private earliestStart(): number {
		return Math.max(this.lastStartMs + this.intervalMs, this.pausedUntilMs);
	}

	/** The API asked everyone to wait (429): no request starts within the next `ms`. */
	pauseFor(ms: number): void {
		this.pausedUntilMs = Math.max(this.pausedUntilMs, this.now() + Math.max(0, ms));
		this.nextSlotMs = Math.max(this.nextSlotMs, this.pausedUntilMs);
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
