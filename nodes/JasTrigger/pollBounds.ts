/**
 * How far one poll may go: pages, records and time. A poll that reaches a bound emits what it has and stores where
 * it stopped, so the next poll continues there (no gap). Pure.
 */

export interface PollLimits {
	maxPages: number;
	maxItems: number;
	/** Wall time for the whole poll, retries' waits included. */
	maxMs: number;
}

export type StopReason = 'pages' | 'items' | 'time';

export interface PollProgress {
	pages: number;
	items: number;
	elapsedMs: number;
}

/** n8n abandons a tick at its poll budget: stop fetching well before it, leaving time to hand over the items. */
const BUDGET_SHARE = 0.8;

/** The poll's limits: the node's options, the time capped by n8n's poll budget where n8n has one. */
export function pollLimits(options: { maxPages: number; maxItems: number; maxSeconds: number }, budgetMs?: number): PollLimits {
	const ownMs = options.maxSeconds * 1000;
	const maxMs = budgetMs !== undefined && Number.isFinite(budgetMs) && budgetMs > 0 ? Math.min(ownMs, budgetMs * BUDGET_SHARE) : ownMs;
	return { maxPages: Math.max(1, options.maxPages), maxItems: Math.max(1, options.maxItems), maxMs };
}

/** Whether to stop before fetching another page, and why (undefined: go on). Checked between pages, never inside one. */
export function stopReason(progress: PollProgress, limits: PollLimits): StopReason | undefined {
	if (progress.pages >= limits.maxPages) return 'pages';
	if (progress.items >= limits.maxItems) return 'items';
	if (progress.elapsedMs >= limits.maxMs) return 'time';
	return undefined;
}

/** What is left of the poll's time for the next request's retries (their waits must end inside the poll). */
export function remainingMs(elapsedMs: number, limits: PollLimits): number {
	return Math.max(0, limits.maxMs - elapsedMs);
}

export function stoppedMessage(reason: StopReason, limits: PollLimits): string {
	const bound = reason === 'pages' ? `${limits.maxPages} pages` : reason === 'items' ? `${limits.maxItems} records` : `${Math.round(limits.maxMs / 1000)} s`;
	return `The poll stopped early at its bound (${bound}); the next poll continues where this one stopped.`;
}
