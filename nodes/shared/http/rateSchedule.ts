/**
 * The rate limit's decisions for one credential in one process, on a clock given by the caller (pure: no timer, no
 * I/O). Three rules decide when the next request may leave:
 * - a schedule of slots 1/rate apart: a request never leaves before its slot, and one that leaves late (a busy
 *   event loop, a coarse timer) does not push the later slots back (up to CATCH_UP_MS), so lateness does not
 *   accumulate; after an idle time the schedule restarts from the request that ends it;
 * - never more than ⌈max⌉ requests in any 1000 ms, whatever the schedule allows (the option's promise);
 * - a pause (a 429's Retry-After from the API) holds everything.
 * The current rate adapts (AIMD, as TCP does): it halves on a 429 of the API and climbs back by a small step
 * per success, up to the configured maximum. Processes that share an API key but never talk (queue-mode workers)
 * each settle on a share, so together they converge on what the API accepts.
 */

/** The lowest the adaptive rate goes, as a fraction of the configured maximum (100 workers could still share it). */
const MIN_FRACTION = 0.01;
/** A 429 multiplies the current rate by this. */
const DECREASE = 0.5;
/**
 * While requests succeed, the rate climbs by these fractions of the maximum per second of full use: fast back to
 * just below the rate that was last refused, slowly past it (where the API's limit was found), then faster again
 * (the limit may have grown: another client went away). As TCP CUBIC does, so probes past the limit are rare.
 */
const CLIMB = { recover: 0.05, near: 0.002, probe: 0.005 } as const;
const NEAR = { below: 0.95, above: 1.1 } as const;
/**
 * How far the schedule may lag and still be caught up: after a late start, the next slots stay where they were, so
 * at 10/s two requests are then at least 80 ms apart, and at 10,000/s a timer 1 ms late lets the 10 slots it missed
 * go at once. The 1000 ms window keeps either within the maximum.
 */
export const CATCH_UP_MS = 20;

export class RateSchedule {
	/** The next request's slot. */
	private slotMs = -Infinity;
	/** Start times of the last ⌈max⌉ requests, oldest first (a ring). */
	private starts: number[] = [];
	private ringAt = 0;
	private pausedUntilMs = -Infinity;
	private lastStartMs = -Infinity;
	private current: number;
	/** When the rate was last lowered: 429s of requests sent before it were answers to the old rate. */
	private decreasedAtMs = -Infinity;
	/** The rate at which the API last refused (Infinity until it does). */
	private refusedAt = Infinity;

	constructor(private max: number) {
		this.current = max;
	}

	/** The configured maximum (requests per second). */
	get maxRate(): number {
		return this.max;
	}

	/** The adaptive rate in force now (≤ the maximum). */
	get rate(): number {
		return this.current;
	}

	/**
	 * A new maximum: the current rate keeps its share of it, the next slot follows from the last start at the new
	 * rate (not from a slot given at the old one), and the last second's starts still count.
	 */
	setMax(max: number): void {
		if (max === this.max) return;
		this.current = Math.max(max * MIN_FRACTION, Math.min(max, (this.current / this.max) * max));
		this.max = max;
		this.slotMs = Math.max(this.lastStartMs + 1000 / this.current, this.pausedUntilMs);
		this.starts = this.starts.slice(this.ringAt).concat(this.starts.slice(0, this.ringAt)).slice(-this.windowLimit);
		this.ringAt = 0;
	}

	private get windowLimit(): number {
		return Math.max(1, Math.ceil(this.max));
	}

	/** The earliest time (≥ now) a request may leave. */
	earliestStartMs(nowMs: number): number {
		const full = this.starts.length >= this.windowLimit;
		const windowFree = full ? this.starts[this.ringAt] + 1000 : -Infinity;
		return Math.max(nowMs, this.slotMs, windowFree, this.pausedUntilMs);
	}

	/**
	 * Records a request leaving at `nowMs` that was ready to leave since `readySinceMs` (call only when
	 * `earliestStartMs(nowMs) <= nowMs`). It was due at its slot or when it came, whichever is later: lateness
	 * beyond that is caught up (up to CATCH_UP_MS); a request that came after its slot restarts the schedule.
	 */
	start(nowMs: number, readySinceMs: number = nowMs): void {
		this.lastStartMs = nowMs;
		const due = Math.max(this.slotMs, readySinceMs);
		this.slotMs = Math.max(due, nowMs - CATCH_UP_MS) + 1000 / this.current;
		if (this.starts.length < this.windowLimit) this.starts.push(nowMs);
		else {
			this.starts[this.ringAt] = nowMs;
			this.ringAt = (this.ringAt + 1) % this.starts.length;
		}
	}

	/** Milliseconds the pause still holds (0 when none). */
	pausedForMs(nowMs: number): number {
		return Math.max(0, this.pausedUntilMs - nowMs);
	}

	/** The API asked to wait `ms`: nothing leaves before; then requests resume one slot apart. */
	pause(nowMs: number, ms: number): void {
		const until = nowMs + Math.max(0, ms);
		if (until <= this.pausedUntilMs) return;
		this.pausedUntilMs = until;
		this.slotMs = Math.max(this.slotMs, until);
	}

	/**
	 * The API refused a request that left at `startedMs` (429): halve the rate, once per reaction (429s of
	 * requests sent before the last decrease answered the old rate and do not count again).
	 */
	refused(nowMs: number, startedMs: number): void {
		if (startedMs < this.decreasedAtMs) return;
		this.decreasedAtMs = nowMs;
		this.refusedAt = this.current;
		this.setCurrent(this.current * DECREASE, nowMs);
	}

	/** The API accepted a request: climb back towards the maximum (per success, so per second at full use: CLIMB). */
	accepted(nowMs: number): void {
		if (this.current >= this.max) return;
		const relative = this.current / this.refusedAt;
		const climb = relative < NEAR.below ? CLIMB.recover : relative < NEAR.above ? CLIMB.near : CLIMB.probe;
		this.setCurrent(this.current + (climb * this.max) / this.current, nowMs);
	}

	/** A new current rate; the schedule's next slot moves with it so a lower rate takes effect at once. */
	private setCurrent(rate: number, nowMs: number): void {
		const next = Math.min(this.max, Math.max(this.max * MIN_FRACTION, rate));
		if (next === this.current) return;
		if (this.slotMs > nowMs) this.slotMs = nowMs + ((this.slotMs - nowMs) * this.current) / next;
		this.current = next;
	}
}
