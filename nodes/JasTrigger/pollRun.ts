/**
 * The page loop both modes share: fetch, hand the page over, follow its next URL, and stop between pages at the
 * poll's bounds. A transient failure after records were collected ends the poll early instead of failing it: what
 * was fetched is emitted and the next poll resumes at the page that failed, so nothing is lost and nothing repeats.
 */
import type { IDataObject } from 'n8n-workflow';

import { settle } from '../shared/http/settle';
import { type Page, PollFailure, type TriggerClient } from './client';
import { type PollLimits, remainingMs, type StopReason, stopReason } from './pollBounds';

export interface PollRun {
	/** "Fetch Test Event": sample records, no state change. */
	manual: boolean;
	limits: PollLimits;
	/** n8n's clock (ms), injectable. */
	now(): number;
	startedAt: number;
}

export const remaining = (run: PollRun): number => remainingMs(run.now() - run.startedAt, run.limits);

export type Stopped = StopReason | 'failure';

export interface PollOutcome<S> {
	records: IDataObject[];
	/** The state to store (absent for a manual test). */
	state?: S;
	stopped?: Stopped;
	/** Why it stopped, for a failure. */
	failure?: string;
}

export interface Fetched {
	/** The page to start at next time, when the loop stopped before the end. */
	resumeUrl?: string;
	stopped?: Stopped;
	failure?: string;
}

/** `onPage` returns the next URL, or undefined at the end. `collected()`: records kept so far (the item bound). */
export async function fetchWithin(
	client: TriggerClient,
	run: PollRun,
	collected: () => number,
	onPage: (page: Page) => Promise<string | undefined> | string | undefined,
	firstUrl: string,
): Promise<Fetched> {
	let url: string | undefined = firstUrl;
	for (let pages = 0; url !== undefined; pages++) {
		if (pages > 0) {
			const stop = stopReason({ pages, items: collected(), elapsedMs: run.now() - run.startedAt }, run.limits);
			if (stop) return { resumeUrl: url, stopped: stop };
		}
		const got = await settle(client.get(url, remaining(run)));
		if (!got.ok) {
			const { error } = got;
			if (error instanceof PollFailure && error.kind === 'transient' && collected() > 0) return { resumeUrl: url, stopped: 'failure', failure: error.message };
			throw error;
		}
		url = await onPage(got.value);
	}
	return {};
}
