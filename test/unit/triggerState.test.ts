import { properties } from '../../nodes/JasTrigger/description';
import { RANGES } from '../../nodes/JasTrigger/settings';
import { configKey, firstFeedState, firstRunOf, latest, readState, writeState } from '../../nodes/JasTrigger/state';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

describe('readState', () => {
	const config = configKey(['feed', '/v1/merchant/outbounds/updates']);
	const good = { version: 1, config, feed: { from: new Date(T0).toISOString(), seen: [['A@t', T0]] } };

	it('returns a well-formed state of this configuration', () => {
		const data = {};
		writeState(data, good as never);
		expect(readState(data, config)).toEqual(good);
	});

	it('starts over (undefined) for another configuration, another version or a malformed state', () => {
		expect(readState({ jasTrigger: good }, configKey(['feed', '/v1/fulfiller/outbounds/updates']))).toBeUndefined();
		expect(readState({ jasTrigger: { ...good, version: 2 } }, config)).toBeUndefined();
		expect(readState({ jasTrigger: { ...good, feed: { from: 'yesterday', seen: [] } } }, config)).toBeUndefined();
		expect(readState({ jasTrigger: { ...good, feed: { from: good.feed.from, seen: [['A', 'x']] } } }, config)).toBeUndefined();
		expect(readState({}, config)).toBeUndefined();
	});
});

describe('first activation', () => {
	it('"now" is the API\'s now, and the floor keeps what the overlap fetches from before it from being emitted', () => {
		expect(firstFeedState({ kind: 'now' }, T0, 0)).toEqual({ from: new Date(T0).toISOString(), seen: [], floorMs: T0 - 1 });
	});

	it('"from a date" starts there, the date itself included', () => {
		expect(firstFeedState({ kind: 'date', fromMs: T0 }, T0 + 1e6, 0)).toEqual({ from: new Date(T0).toISOString(), seen: [], floorMs: T0 - 1 });
	});

	it('"latest N" reads the lookback window and keeps the N newest, ties in feed order', () => {
		expect(firstFeedState({ kind: 'latest', count: 2 }, T0, 3_600_000).from).toBe(new Date(T0 - 3_600_000).toISOString());
		expect(latest(['a', 'b', 'c', 'd'], 2, (x) => (x === 'a' ? 9 : 1))).toEqual(['d', 'a']);
	});

	it('an unusable start date falls back to "now" (no flood)', () => {
		expect(firstRunOf('date', 'someday', 0)).toEqual({ kind: 'now' });
		expect(firstRunOf('latest', undefined, 'x')).toEqual({ kind: 'latest', count: 1 });
	});
});

describe('the editor\'s option ranges', () => {
	it('match the ranges the code enforces (RANGES)', () => {
		const options = properties.find((p) => p.name === 'options')?.options as Array<{ name: string; default: unknown; typeOptions?: { minValue?: number; maxValue?: number } }>;
		for (const [name, range] of Object.entries(RANGES)) {
			const option = options.find((o) => o.name === name);
			expect({ name, default: option?.default, min: option?.typeOptions?.minValue, max: option?.typeOptions?.maxValue }).toEqual({ name, default: range.fallback, min: range.min, max: range.max });
		}
	});
});
