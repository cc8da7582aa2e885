/**
 * Runs `worker` over indexes 0..count-1 with at most `concurrency` in flight. If a worker throws, no
 * new index is started and the first error is rethrown once the running ones settle.
 */
export async function runPool(count: number, concurrency: number, worker: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
		while (next < count) {
			const index = next++;
			try {
				await worker(index);
			} catch (error) {
				next = count;
				throw error;
			}
		}
	});
	const settled = await Promise.allSettled(lanes);
	const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
	if (failed) throw failed.reason;
}
