/**
 * Runs `worker` over indexes 0..count-1 with at most `concurrency` in flight. If a worker throws, no
 * new index is started and the first error (in time) is rethrown once the running ones settle.
 */
export async function runPool(count: number, concurrency: number, worker: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	let failure: { error: unknown } | undefined;
	const width = Number.isFinite(concurrency) ? Math.max(1, Math.min(Math.floor(concurrency), count)) : 1;
	const lanes = Array.from({ length: width }, async () => {
		while (next < count && !failure) {
			const index = next++;
			try {
				await worker(index);
			} catch (error) {
				failure ??= { error };
			}
		}
	});
	await Promise.all(lanes);
	if (failure) throw failure.error;
}
