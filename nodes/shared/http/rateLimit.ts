/**
 * A request rate limit per credential, shared by every execution in this process (each n8n process, main or
 * worker, has its own; see rateSchedule.ts for how several converge). Every hop that leaves for the API's origin
 * takes a turn (redirect hops included: send.ts asks before each one), and every answer from that origin steers it:
 * a 429 pauses the credential for its Retry-After and lowers the rate; anything else lets it climb back.
 *
 * Waiters queue in arrival order and no slot is reserved ahead: a waiter that leaves (Stop) gives its turn to the
 * next at once, and one timer serves the queue, so a cancelled execution never delays one that is still waiting.
 */
import { TransportError } from './errors';
import { firstHeader } from './headers';
import { RateSchedule } from './rateSchedule';
import { parseRetryAfter } from './retry';
import type { HopObserver } from './send';
import { sleep } from './wait';

interface Waiter {
	/** When it joined the queue (ready to leave). */
	sinceMs: number;
	/** How long this request may wait for a pause (its wait budget); a longer pause fails it at once. */
	budget: PauseBudget;
	settle: (refusal?: TransportError) => void;
}

/** What an item may still wait for a pause: the rest of its Max Retry Wait, and its Timeout (0 = none). */
export interface PauseBudget {
	retryWaitMs: number;
	timeoutMs: number;
}

const NO_BUDGET: PauseBudget = { retryWaitMs: Infinity, timeoutMs: 0 };

function budgetMs(budget: PauseBudget): number {
	return Math.min(budget.retryWaitMs, budget.timeoutMs > 0 ? budget.timeoutMs : Infinity);
}

export class RateLimiter {
	private readonly schedule: RateSchedule;
	private readonly queue: Waiter[] = [];
	/** Ends the queue's one timer (when the schedule changes, its time may be earlier). */
	private timer?: AbortController;

	constructor(
		perSecond: number,
		private readonly now: () => number = Date.now,
	) {
		this.schedule = new RateSchedule(perSecond);
	}

	/** The configured maximum. */
	get rate(): number {
		return this.schedule.maxRate;
	}

	/** The adaptive rate in force. */
	get currentRate(): number {
		return this.schedule.rate;
	}

	setRate(perSecond: number): void {
		this.schedule.setMax(perSecond);
		this.timer?.abort();
		this.timer = undefined;
		this.pump();
	}

	/**
	 * Waits for this request's turn. Resolves false when `signal` ended the wait; rejects with a TransportError
	 * ('rateLimited') when the credential is paused for longer than `budget`.
	 */
	async acquire(signal?: AbortSignal, budget: PauseBudget = NO_BUDGET): Promise<boolean> {
		if (signal?.aborted) return false;
		let waiter: Waiter | undefined;
		const turn = new Promise<TransportError | undefined>((resolve) => {
			waiter = { sinceMs: this.now(), budget, settle: resolve };
		});
		const onAbort = () => this.leave(waiter!, undefined);
		signal?.addEventListener('abort', onAbort, { once: true });
		this.queue.push(waiter!);
		this.pump();
		try {
			const refusal = await turn;
			if (refusal) throw refusal;
			return !signal?.aborted;
		} finally {
			signal?.removeEventListener('abort', onAbort);
		}
	}

	/** Takes `waiter` out of the queue (Stop, or a pause beyond its budget) and lets the next one go if it may. */
	private leave(waiter: Waiter, refusal: TransportError | undefined): void {
		const at = this.queue.indexOf(waiter);
		if (at < 0) return;
		this.queue.splice(at, 1);
		waiter.settle(refusal);
		this.pump();
	}

	/** Starts every waiter whose turn has come; one timer for the rest. */
	private pump(): void {
		let now = this.now();
		this.refuseOverBudget(now);
		if (this.timer) return;
		while (this.queue.length > 0) {
			const wait = this.schedule.earliestStartMs(now) - now;
			if (wait > 0) {
				const timer = new AbortController();
				this.timer = timer;
				void sleep(wait, { signal: timer.signal }).then((end) => {
					if (end !== 'elapsed') return;
					this.timer = undefined;
					this.pump();
				});
				return;
			}
			const waiter = this.queue.shift()!;
			this.schedule.start(now, waiter.sinceMs);
			waiter.settle();
			now = this.now();
		}
	}

	private refuseOverBudget(now: number): void {
		const pausedMs = this.schedule.pausedForMs(now);
		if (pausedMs === 0) return;
		for (const waiter of this.queue.filter((w) => budgetMs(w.budget) < pausedMs)) {
			this.queue.splice(this.queue.indexOf(waiter), 1);
			waiter.settle(pauseRefusal(pausedMs, waiter.budget));
		}
	}

	/** An answer from the API's origin to a request that left at `startedMs`. */
	observe(status: number, retryAfterMs: number | undefined, startedMs: number): void {
		const now = this.now();
		if (status !== 429) {
			this.schedule.accepted(now);
			return;
		}
		this.schedule.refused(now, startedMs);
		if (retryAfterMs !== undefined) this.schedule.pause(now, retryAfterMs);
		// Waiters whose budget the new pause exceeds fail now, not when the timer next fires.
		this.refuseOverBudget(now);
	}

	/** The API asked everyone to wait (429): no request starts within the next `ms`. */
	pauseFor(ms: number): void {
		this.schedule.pause(this.now(), ms);
		this.refuseOverBudget(this.now());
	}

	/**
	 * The hook send.ts calls around every hop of one request: hops to `apiOrigin` take a turn and report their
	 * answer; hops elsewhere (a CDN after a cross-origin redirect) neither count nor steer the API's limit. The first
	 * hop's turn may be taken ahead (`first`), before the token is read: a token read before a long wait for the
	 * turn could expire on the way.
	 */
	hops(apiOrigin: string, budget: PauseBudget): HopGate {
		let startedMs = 0;
		let taken = false;
		return {
			first: async (signal) => {
				taken = await this.acquire(signal, budget);
				startedMs = this.now();
				return taken;
			},
			beforeHop: async (url, signal) => {
				if (url.origin !== apiOrigin) return;
				if (taken) taken = false;
				else if (!(await this.acquire(signal, budget))) throw signal.reason;
				startedMs = this.now();
			},
			afterHop: (url, status, headers) => {
				if (url.origin !== apiOrigin) return;
				this.observe(status, parseRetryAfter(firstHeader(headers['retry-after']), Date.now()), startedMs);
			},
		};
	}
}

/** The hop observer of one request, and its first turn taken ahead. */
export interface HopGate extends HopObserver {
	/** Waits for the first hop's turn: false when `signal` ended the wait; rejects like `acquire`. */
	first(signal?: AbortSignal): Promise<boolean>;
}

function seconds(ms: number): string {
	return ms >= 10_000 ? `${Math.ceil(ms / 1000)} s` : `${(Math.ceil(ms / 100) / 10).toFixed(1)} s`;
}

/** The item's answer when the credential is paused for longer than it may wait. */
function pauseRefusal(pausedMs: number, budget: PauseBudget): TransportError {
	const limits = [
		...(budget.retryWaitMs < pausedMs ? [{ option: 'Max Retry Wait', text: `${seconds(budget.retryWaitMs)} of Max Retry Wait left` }] : []),
		...(budget.timeoutMs > 0 && budget.timeoutMs < pausedMs ? [{ option: 'Timeout', text: `Timeout ${seconds(budget.timeoutMs)}` }] : []),
	];
	return new TransportError(
		'rateLimited',
		`The API answered 429 to another request of this credential and asked to wait: the credential is paused for ${seconds(pausedMs)} more, longer than this item may wait (${limits.map((l) => l.text).join(', ')}). Raise ${limits.map((l) => `"${l.option}"`).join(' and ')} to wait it out, or try again later.`,
	);
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
