import { pollLimits, remainingMs, stopReason } from '../../nodes/JasTrigger/pollBounds';

describe('pollLimits', () => {
	it('caps the poll time at 80% of n8n\'s poll budget, leaving time to hand the items over', () => {
		expect(pollLimits({ maxPages: 5, maxItems: 10, maxSeconds: 600 }, 300_000).maxMs).toBe(240_000);
		expect(pollLimits({ maxPages: 5, maxItems: 10, maxSeconds: 60 }, 300_000).maxMs).toBe(60_000);
		expect(pollLimits({ maxPages: 5, maxItems: 10, maxSeconds: 60 }, undefined).maxMs).toBe(60_000);
	});
});

describe('stopReason', () => {
	const limits = { maxPages: 3, maxItems: 100, maxMs: 10_000 };
	it('goes on within all bounds', () => expect(stopReason({ pages: 2, items: 99, elapsedMs: 9_999 }, limits)).toBeUndefined());
	it('stops at the page bound', () => expect(stopReason({ pages: 3, items: 0, elapsedMs: 0 }, limits)).toBe('pages'));
	it('stops at the record bound', () => expect(stopReason({ pages: 1, items: 100, elapsedMs: 0 }, limits)).toBe('items'));
	it('stops at the time bound', () => expect(stopReason({ pages: 1, items: 0, elapsedMs: 10_000 }, limits)).toBe('time'));
	it('gives retries only what is left of the poll', () => expect(remainingMs(9_000, limits)).toBe(1_000));
});
