import { acceptEvents, boundSeen, eventKey, type FeedEvent, nextFrom, timeMsOf, windowStart } from '../../nodes/JasTrigger/feedCursor';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const event = (id: string, ms: number): FeedEvent => ({ key: eventKey(id, iso(ms)), timeMs: ms });

describe('windowStart', () => {
	it('starts the window the overlap before the cursor, for changes the API records late', () => {
		expect(windowStart({ from: iso(T0), seen: [] }, 60_000)).toBe(iso(T0 - 60_000));
	});

	it('never starts below the floor (activation, or what the seen-set gave up)', () => {
		expect(windowStart({ from: iso(T0), seen: [], floorMs: T0 - 10_000 }, 60_000)).toBe(iso(T0 - 10_000));
	});
});

describe('acceptEvents', () => {
	it('emits an event stamped exactly at the window edge once, though both windows return it (inclusive ends)', () => {
		const seen = new Map<string, number>();
		expect(acceptEvents(seen, undefined, [event('A', T0 - 1), event('B', T0)])).toEqual([0, 1]);
		// The next window starts at the last `to` (T0) less the overlap: both come again, with a new one.
		expect(acceptEvents(seen, undefined, [event('A', T0 - 1), event('B', T0), event('C', T0)])).toEqual([2]);
	});

	it('emits two changes of one record at one time once each only when their keys differ', () => {
		const seen = new Map<string, number>();
		expect(acceptEvents(seen, undefined, [event('A', T0), event('A', T0), event('A', T0 + 1)])).toEqual([0, 2]);
	});

	it('never emits an event at or before the floor', () => {
		expect(acceptEvents(new Map(), T0, [event('A', T0), event('B', T0 + 1)])).toEqual([1]);
	});
});

describe('nextFrom', () => {
	it('moves the cursor to the answer\'s `to`', () => {
		expect(nextFrom(iso(T0), iso(T0 + 5_000), undefined)).toBe(iso(T0 + 5_000));
	});

	it('clock skew: a `to` ahead of the API\'s own clock (its Date header) is capped at that clock', () => {
		// n8n's clock runs 10 minutes ahead; an API that echoes a future `to` must not make the next window skip them.
		const serverDate = new Date(T0 + 2_000).toUTCString();
		expect(nextFrom(iso(T0), iso(T0 + 600_000), serverDate)).toBe(iso(T0 + 2_999));
	});

	it('clock skew the other way: an API clock ahead of n8n does not hold the cursor back', () => {
		expect(nextFrom(iso(T0), iso(T0 + 5_000), new Date(T0 + 600_000).toUTCString())).toBe(iso(T0 + 5_000));
	});

	it('never moves back, and keeps the cursor for an answer without a usable `to`', () => {
		expect(nextFrom(iso(T0), iso(T0 - 5_000), undefined)).toBe(iso(T0));
		expect(nextFrom(iso(T0), 'soon', undefined)).toBe(iso(T0));
	});
});

describe('boundSeen', () => {
	it('drops what the next window can no longer return, keeps what it can (equal to its start included)', () => {
		const seen = new Map([event('old', T0 - 1), event('edge', T0), event('new', T0 + 1)].map((e) => [e.key, e.timeMs]));
		const bounded = boundSeen(seen, T0, 100, undefined);
		expect(bounded.seen.map(([key]) => key)).toEqual([eventKey('edge', iso(T0)), eventKey('new', iso(T0 + 1))]);
		expect(bounded.floorMs).toBeUndefined();
	});

	it('at its bound gives up the oldest times, all events of a time together, and raises the floor to them', () => {
		const events = [event('a', T0), event('b', T0), event('c', T0 + 1), event('d', T0 + 2)];
		const bounded = boundSeen(new Map(events.map((e) => [e.key, e.timeMs])), T0 - 60_000, 3, undefined);
		// Giving up only "a" would let "b"'s twin come back unseen; both go, and the floor keeps either from repeating.
		expect(bounded.seen.map(([key]) => key)).toEqual([events[2].key, events[3].key]);
		expect(bounded.floorMs).toBe(T0);
		expect(acceptEvents(new Map(bounded.seen), bounded.floorMs, [events[0], events[1], events[2], event('e', T0 + 3)])).toEqual([3]);
	});

	it('a seen-set at its bound never loses an event newer than the floor', () => {
		const events = Array.from({ length: 50 }, (_, i) => event(`r${i}`, T0 + i));
		const bounded = boundSeen(new Map(events.map((e) => [e.key, e.timeMs])), T0, 10, undefined);
		expect(bounded.seen).toHaveLength(10);
		expect(bounded.floorMs).toBe(T0 + 39);
		expect(acceptEvents(new Map(bounded.seen), bounded.floorMs, [...events, event('late', T0 + 40)])).toEqual([50]);
	});
});

describe('eventKey', () => {
	it('tells two changes of one record in the same millisecond apart by their content, and not one event seen twice', () => {
		const time = iso(T0);
		expect(eventKey('A', time, { id: 'A', status: 'Picked' })).not.toBe(eventKey('A', time, { id: 'A', status: 'Packed' }));
		expect(eventKey('A', time, { id: 'A', status: 'Picked' })).toBe(eventKey('A', time, { id: 'A', status: 'Picked' }));
	});
});

describe('timeMsOf', () => {
	it('reads ISO times and falls back for anything else', () => {
		expect(timeMsOf('2026-12-01T10:00:00Z', 7)).toBe(T0);
		expect(timeMsOf('not a time', 7)).toBe(7);
		expect(timeMsOf(undefined, 7)).toBe(7);
	});
});
