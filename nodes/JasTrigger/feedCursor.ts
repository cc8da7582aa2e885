/**
 * The bookkeeping of a time-windowed change feed (JTL-FFN `…/updates`, docs/providers.md#jtl-ffn-change-feeds):
 * where the next window starts, which events were already emitted, and how the seen-set stays bounded.
 * Pure: the poll (feedPoll.ts) does the I/O and stores the state only after it succeeded.
 *
 * Why an overlap and a seen-set: a window's edges are not exact. An event stamped exactly at the last answer's
 * `to` may be in both windows (inclusive ends), and a change committed late may carry a time already behind the
 * cursor. So each window starts `overlapMs` before the cursor, and events already emitted are recognised by
 * their key (record id and change time) and dropped.
 */

export interface FeedState {
	/** Where the next window starts (ISO time on the API's clock): the last answer's `to`. */
	from: string;
	/** Events already emitted that a later window may still return: [key, change time in ms]. */
	seen: Array<[string, number]>;
	/** Events at or before this time (ms) are never emitted: just before activation, or what the seen-set's bound gave up. */
	floorMs?: number;
	/** The chunk a poll stopped before (it reached a bound): the next poll starts there. */
	resumeUrl?: string;
}

export interface FeedEvent {
	/** Identifies one change of one record: its id and its change time as the API wrote it. */
	key: string;
	/** The change time (ms); unparsable times count as the answer's `to`. */
	timeMs: number;
}

/**
 * A change event's identity: record id, change time, and a digest of the record as the feed shows it. The digest
 * tells two changes of one record within the same millisecond apart (both are emitted), while the same event
 * returned again by an overlapping window has the same key (it is not).
 */
export const eventKey = (id: string, changeTime: string, record?: unknown): string =>
	record === undefined ? `${id}@${changeTime}` : `${id}@${changeTime}#${digest(JSON.stringify(record) ?? '')}`;

/** Two FNV-1a hashes (64 bits in all) as base-36 text: short, stable, no dependency. Not for secrets. */
function digest(text: string): string {
	let a = 0x811c9dc5;
	let b = 0x01000193 ^ text.length;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193) >>> 0;
		b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
	}
	return a.toString(36) + b.toString(36);
}

/** Milliseconds of an ISO time, or `fallback` when it does not parse. */
export function timeMsOf(value: unknown, fallback: number): number {
	const ms = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
	return Number.isFinite(ms) ? ms : fallback;
}

/** The `fromDate` of a poll's first window: the cursor less the overlap, never below the floor. */
export function windowStart(state: FeedState, overlapMs: number): string {
	const cursor = timeMsOf(state.from, 0); // readState() only keeps a state whose `from` parses
	const start = Math.max(cursor - Math.max(0, overlapMs), state.floorMs === undefined ? -Infinity : state.floorMs);
	return new Date(start).toISOString();
}

/**
 * Which events of a chunk to emit: not at or before the floor, not seen before (also not twice within the chunk).
 * Marks the emitted ones as seen in `seen` (mutated: the poll's own working copy).
 */
export function acceptEvents(seen: Map<string, number>, floorMs: number | undefined, events: FeedEvent[]): number[] {
	const emit: number[] = [];
	events.forEach((event, index) => {
		if (floorMs !== undefined && event.timeMs <= floorMs) return;
		if (seen.has(event.key)) return;
		seen.set(event.key, event.timeMs);
		emit.push(index);
	});
	return emit;
}

/**
 * The cursor after an answer: its `to`, but never ahead of the API's own clock (its Date header), and never back.
 * An API that echoes a `to` in its future (n8n's clock ahead of the API's) would otherwise make the next window
 * skip every change stamped between the API's now and that `to`.
 */
export function nextFrom(previous: string, answerTo: unknown, serverDate: string | undefined): string {
	const before = timeMsOf(previous, 0);
	let to = timeMsOf(answerTo, before);
	const server = serverDate === undefined ? NaN : Date.parse(serverDate);
	// The Date header has whole seconds: a `to` within that second is not ahead of the API.
	if (Number.isFinite(server)) to = Math.min(to, server + 999);
	return to > before ? new Date(to).toISOString() : previous;
}

/**
 * The seen-set a poll stores: events older than the next window's start can never come back and are dropped; beyond
 * `limit` the oldest change times go first (all events of one time together), and the floor rises to the newest
 * time given up, so an event whose key was forgotten is never emitted twice: a late change at or before the floor
 * is skipped instead (the price of a bounded state, chosen over a duplicate).
 */
export function boundSeen(
	seen: Map<string, number>,
	nextWindowStartMs: number,
	limit: number,
	floorMs: number | undefined,
): { seen: Array<[string, number]>; floorMs: number | undefined } {
	const kept = [...seen].filter(([, time]) => time >= nextWindowStartMs).sort((a, b) => a[1] - b[1]);
	let floor = floorMs;
	let start = 0;
	while (kept.length - start > Math.max(0, limit)) {
		const time = kept[start][1];
		while (start < kept.length && kept[start][1] === time) start++;
		floor = floor === undefined ? time : Math.max(floor, time);
	}
	return { seen: kept.slice(start), floorMs: floor };
}
