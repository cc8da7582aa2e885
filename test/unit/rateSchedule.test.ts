import { CATCH_UP_MS, RateSchedule } from '../../nodes/shared/http/rateSchedule';

/**
 * Drives a schedule as the limiter does, on a virtual clock: every wake starts all requests whose turn has come,
 * then sleeps until the next turn, waking `lateMs(n)` late (a busy event loop, a 1 ms timer). Returns start times.
 */
function drive(schedule: RateSchedule, durationMs: number, lateMs: (wake: number) => number): number[] {
	const starts: number[] = [];
	let now = 0;
	for (let wake = 0; now < durationMs; wake++) {
		while (schedule.earliestStartMs(now) <= now && now < durationMs) {
			schedule.start(now, 0);
			starts.push(now);
		}
		now = Math.max(now + 1, Math.ceil(schedule.earliestStartMs(now))) + lateMs(wake);
	}
	return starts;
}

/** The most starts in any 1000 ms (half-open windows). */
function busiestSecond(starts: number[]): number {
	let most = 0;
	for (let i = 0, j = 0; i < starts.length; i++) {
		while (starts[i] - starts[j] >= 1000) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
}

const late = (wake: number) => [1, 3, 0, 2, 4][wake % 5];

describe('RateSchedule: delivers what the maximum asks, never above it in any second', () => {
	it.each([10_000, 200, 10])('at %d/s with every timer 0–4 ms late, lateness does not accumulate', (rate) => {
		const starts = drive(new RateSchedule(rate), 10_000, late);
		expect(starts.length).toBeGreaterThanOrEqual(rate * 10 * 0.97);
		expect(busiestSecond(starts)).toBeLessThanOrEqual(rate);
	});

	it('after an idle time the schedule restarts: two requests are a slot apart, not caught up', () => {
		const schedule = new RateSchedule(20);
		schedule.start(0, 0);
		schedule.start(schedule.earliestStartMs(5_000), 5_000);
		expect(schedule.earliestStartMs(5_000)).toBe(5_050);
	});

	it('a start late by more than the catch-up loses only the excess', () => {
		const schedule = new RateSchedule(10);
		schedule.start(0, 0);
		// Due at 100, started at 300 (a 200 ms stall): the next slot is CATCH_UP_MS short of a full interval later.
		schedule.start(300, 0);
		expect(schedule.earliestStartMs(300)).toBe(300 - CATCH_UP_MS + 100);
	});

	it('a new maximum applies from the last start, not from a slot given at the old rate', () => {
		const schedule = new RateSchedule(0.05); // a slot every 20 s
		schedule.start(0, 0);
		schedule.setMax(100);
		expect(schedule.earliestStartMs(300)).toBe(300);
	});

	it('a pause holds every start until it ends, then resumes one slot apart', () => {
		const schedule = new RateSchedule(100);
		schedule.start(0, 0);
		schedule.pause(0, 1_500);
		expect(schedule.pausedForMs(500)).toBe(1_000);
		expect(schedule.earliestStartMs(10)).toBe(1_500);
		schedule.start(1_500, 10);
		expect(schedule.earliestStartMs(1_500)).toBe(1_510);
	});
});

describe('RateSchedule: adapts to what the API accepts (AIMD)', () => {
	it('a 429 lowers the rate once per reaction: refusals of requests sent before the decrease do not count again', () => {
		const schedule = new RateSchedule(10);
		schedule.refused(1_000, 900);
		expect(schedule.rate).toBeCloseTo(5);
		schedule.refused(1_010, 950); // sent before the decrease: an answer to the old rate
		expect(schedule.rate).toBeCloseTo(5);
		schedule.refused(2_000, 1_500);
		expect(schedule.rate).toBeCloseTo(2.5);
	});

	it('successes climb back to the configured maximum and never past it', () => {
		const schedule = new RateSchedule(10);
		schedule.refused(0, 0);
		for (let i = 1; i <= 2_000; i++) schedule.accepted(i * 100);
		expect(schedule.rate).toBe(10);
	});

	it('never drops below 1% of the maximum', () => {
		const schedule = new RateSchedule(10);
		for (let i = 1; i <= 50; i++) schedule.refused(i * 1_000, i * 1_000);
		expect(schedule.rate).toBeCloseTo(0.1);
	});

	it('a lower rate spaces the next slot at once', () => {
		const schedule = new RateSchedule(10);
		schedule.start(0, 0);
		expect(schedule.earliestStartMs(0)).toBe(100);
		schedule.refused(0, 0);
		expect(schedule.earliestStartMs(0)).toBeCloseTo(200);
	});
});
