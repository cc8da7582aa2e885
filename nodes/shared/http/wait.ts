/**
 * The one way an item waits: for a timer (a retry's backoff, a rate-limit slot) or for a promise it shares with
 * others (a token request). Every wait ends at the item's own deadline and on its execution's Stop, whichever
 * comes first. What is waited for may go on for others: only this waiter stops waiting.
 */

/** What bounds one item's waits. */
export interface WaitBounds {
	/** The execution's cancel signal (the user's Stop). */
	signal?: AbortSignal;
	/** When this item stops waiting, in ms on the Date.now clock; undefined for no deadline. */
	deadlineMs?: number;
}

/** Why a wait ended before what it waited for. */
export type WaitEnd = 'aborted' | 'deadline';

/** A timer's largest delay (setTimeout wraps around beyond it). */
const MAX_TIMER_MS = 2_147_483_647;

/** Milliseconds left before the deadline (Infinity without one, 0 once passed). */
export function remainingMs(bounds: WaitBounds, nowMs: number = Date.now()): number {
	return bounds.deadlineMs === undefined ? Infinity : Math.max(0, bounds.deadlineMs - nowMs);
}

/** The earlier of the bounds' deadline and `ms` from now: a wait bounded by both. */
export function within(bounds: WaitBounds, ms: number, nowMs: number = Date.now()): WaitBounds {
	const deadlineMs = Math.min(bounds.deadlineMs ?? Infinity, nowMs + ms);
	return { signal: bounds.signal, deadlineMs: Number.isFinite(deadlineMs) ? deadlineMs : undefined };
}

/** Why the wait is already over, if it is. */
function endedAlready(bounds: WaitBounds, nowMs: number): WaitEnd | undefined {
	if (bounds.signal?.aborted) return 'aborted';
	if (bounds.deadlineMs !== undefined && nowMs >= bounds.deadlineMs) return 'deadline';
	return undefined;
}

/**
 * Races `body` against the bounds (Stop, deadline); `onEnd` gives the value when the bounds win. Listeners are
 * removed either way. Built on AbortSignal.timeout rather than a timer of our own: nothing to clear.
 */
async function race<T>(bounds: WaitBounds, body: () => Promise<T>, onEnd: (why: WaitEnd) => T): Promise<T> {
	const left = remainingMs(bounds);
	const deadline = Number.isFinite(left) ? AbortSignal.timeout(Math.min(Math.ceil(left), MAX_TIMER_MS)) : undefined;
	let stop = () => {};
	const ended = new Promise<T>((resolve) => {
		const onAbort = () => resolve(onEnd('aborted'));
		const onDeadline = () => resolve(onEnd('deadline'));
		bounds.signal?.addEventListener('abort', onAbort, { once: true });
		deadline?.addEventListener('abort', onDeadline, { once: true });
		stop = () => {
			bounds.signal?.removeEventListener('abort', onAbort);
			deadline?.removeEventListener('abort', onDeadline);
		};
	});
	try {
		return await Promise.race([body(), ended]);
	} finally {
		stop();
	}
}

/**
 * Waits `ms`, or less when the bounds end first. Returns 'elapsed' when the whole wait passed, else why it ended
 * (at the deadline, or at once on Stop).
 */
export async function sleep(ms: number, bounds: WaitBounds = {}): Promise<'elapsed' | WaitEnd> {
	const already = endedAlready(bounds, Date.now());
	if (already) return already;
	const timer = AbortSignal.timeout(Math.min(Math.max(0, Math.ceil(ms)), MAX_TIMER_MS));
	return await race<'elapsed' | WaitEnd>(
		bounds,
		async () => await new Promise((resolve) => timer.addEventListener('abort', () => resolve('elapsed'), { once: true })),
		(why) => why,
	);
}

/** A waiter's wait ended before the promise it waited on; the promise goes on for others. */
export class WaitEndedError extends Error {
	readonly code: WaitEnd;

	constructor(why: WaitEnd, message: string) {
		super(message);
		this.code = why;
	}
}

/**
 * Settles with `promise`, or rejects with a WaitEndedError as soon as the bounds end (the promise itself goes on;
 * its rejection, if any, is still observed so it never surfaces as unhandled).
 */
export async function waitFor<T>(promise: Promise<T>, bounds: WaitBounds, describe: (why: WaitEnd) => string): Promise<T> {
	if (!bounds.signal && bounds.deadlineMs === undefined) return await promise;
	const already = endedAlready(bounds, Date.now());
	if (already) {
		promise.catch(() => undefined);
		throw new WaitEndedError(already, describe(already));
	}
	let endedBy: WaitEnd | undefined;
	const value = await race<{ value: T } | undefined>(
		bounds,
		async () => ({ value: await promise }),
		(why) => {
			endedBy = why;
			return undefined;
		},
	);
	if (value) return value.value;
	promise.catch(() => undefined);
	throw new WaitEndedError(endedBy!, describe(endedBy!));
}
