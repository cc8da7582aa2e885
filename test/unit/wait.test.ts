import { remainingMs, sleep, waitFor, WaitEndedError, within } from '../../nodes/shared/http/wait';

const never = () => new Promise<never>(() => undefined);

describe('every wait ends at the earliest of its own end, the deadline and Stop', () => {
	it('sleep: the whole wait elapses when nothing bounds it', async () => {
		expect(await sleep(5)).toBe('elapsed');
		expect(await sleep(5, { deadlineMs: Date.now() + 5_000 })).toBe('elapsed');
	});

	it('sleep: Stop ends it at once, also when it was already stopped', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const sleeping = sleep(5_000, { signal: controller.signal });
		controller.abort();
		expect(await sleeping).toBe('aborted');
		expect(Date.now() - started).toBeLessThan(200);
		expect(await sleep(5_000, { signal: controller.signal })).toBe('aborted');
	});

	it('sleep: a deadline before the wait ends it at the deadline', async () => {
		const started = Date.now();
		expect(await sleep(5_000, { deadlineMs: started + 50 })).toBe('deadline');
		const took = Date.now() - started;
		expect(took).toBeGreaterThanOrEqual(45);
		expect(took).toBeLessThan(1_000);
		expect(await sleep(5_000, { deadlineMs: Date.now() - 1 })).toBe('deadline');
	});

	it('waitFor: passes the value or the rejection through', async () => {
		expect(await waitFor(Promise.resolve(7), { deadlineMs: Date.now() + 1_000 }, () => 'x')).toBe(7);
		await expect(waitFor(Promise.reject(new Error('boom')), { signal: new AbortController().signal }, () => 'x')).rejects.toThrow('boom');
	});

	it('waitFor: the waiter gives up at its deadline with its own message, the promise goes on', async () => {
		let resolveShared!: (value: string) => void;
		const shared = new Promise<string>((resolve) => (resolveShared = resolve));
		const started = Date.now();
		const error = await waitFor(shared, { deadlineMs: started + 50 }, (why) => `gave up: ${why}`).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(WaitEndedError);
		expect((error as WaitEndedError).code).toBe('deadline');
		expect((error as Error).message).toBe('gave up: deadline');
		expect(Date.now() - started).toBeLessThan(1_000);
		resolveShared('still delivered to others');
		expect(await shared).toBe('still delivered to others');
	});

	it('waitFor: Stop ends the wait with code aborted, and a later rejection is not unhandled', async () => {
		const controller = new AbortController();
		let rejectShared!: (error: Error) => void;
		const shared = new Promise<string>((_, reject) => (rejectShared = reject));
		const waiting = waitFor(shared, { signal: controller.signal }, (why) => why);
		controller.abort();
		await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
		rejectShared(new Error('later'));
		await new Promise((resolve) => setImmediate(resolve));
	});

	it('waitFor: bounds already over reject at once', async () => {
		await expect(waitFor(never(), { deadlineMs: Date.now() - 1 }, () => 'late')).rejects.toMatchObject({ code: 'deadline' });
	});

	it('within and remainingMs: the earlier deadline wins; no deadline is Infinity', () => {
		expect(remainingMs({})).toBe(Infinity);
		expect(remainingMs({ deadlineMs: 1_000 }, 400)).toBe(600);
		expect(remainingMs({ deadlineMs: 1_000 }, 4_000)).toBe(0);
		expect(within({ deadlineMs: 1_000 }, 300, 500).deadlineMs).toBe(800);
		expect(within({ deadlineMs: 1_000 }, 3_000, 500).deadlineMs).toBe(1_000);
		expect(within({}, 3_000, 500).deadlineMs).toBe(3_500);
	});
});
