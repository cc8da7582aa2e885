/**
 * One poll of a JTL-FFN change feed: from the cursor (less the overlap) follow `nextChunkUrl` while
 * `moreDataAvailable`, within the poll's bounds; emit each change once, oldest first; the next poll starts at the
 * last answer's `to`. Returns the new state; the node stores it only after the poll succeeded.
 */
import type { IDataObject } from 'n8n-workflow';

import { getPath } from './api';
import { type Page, PollFailure, type TriggerClient } from './client';
import { acceptEvents, boundSeen, eventKey, type FeedState, nextFrom, timeMsOf, windowStart } from './feedCursor';
import { fetchWithin, type PollOutcome, type PollRun, remaining } from './pollRun';
import { type FirstRun, firstFeedState, latest } from './state';

export interface FeedSettings {
	/** e.g. /v1/merchant/outbounds/updates */
	path: string;
	/** Extra query parameters (ignoreOwnApplicationId, ignoreOwnUserId). */
	query: Record<string, string>;
	idField: string;
	timeField: string;
	overlapMs: number;
	seenLimit: number;
	/** How far back "latest N" and a manual test look. */
	lookbackMs: number;
}

interface FeedAnswer {
	from?: unknown;
	to?: unknown;
	data: unknown[];
	moreDataAvailable?: unknown;
	nextChunkUrl?: unknown;
}

/** How many records a manual "Fetch Test Event" shows. */
const SAMPLE_SIZE = 10;

export function feedUrl(settings: FeedSettings, fromDate: string): string {
	return `${settings.path}?${new URLSearchParams({ fromDate, ...settings.query }).toString()}`;
}

function answerOf(page: Page): FeedAnswer {
	const body = page.body as FeedAnswer | null;
	if (!body || typeof body !== 'object' || !Array.isArray(body.data)) {
		throw new PollFailure('api', `The answer of ${new URL(page.url).pathname} is not a change feed ({ from, to, data: [...], moreDataAvailable, nextChunkUrl }): check the role and what to watch.`, false);
	}
	return body;
}

interface Collected {
	record: IDataObject;
	timeMs: number;
}

/**
 * The API's now: the answer's `to` (to the millisecond), but not past its Date header (whole seconds) when n8n's
 * clock runs ahead and the API echoes it; either alone when only one is there; else n8n's clock.
 */
function apiNowOf(page: Page, answer: FeedAnswer, nowMs: number): number {
	const to = timeMsOf(answer.to, NaN);
	const server = timeMsOf(page.serverDate, NaN);
	if (Number.isFinite(to) && Number.isFinite(server)) return Math.min(to, server + 999);
	return Number.isFinite(to) ? to : Number.isFinite(server) ? server : nowMs;
}

export async function pollFeed(client: TriggerClient, settings: FeedSettings, run: PollRun, stored: FeedState | undefined, first: FirstRun): Promise<PollOutcome<FeedState>> {
	if (run.manual) return await sampleFeed(client, settings, run);
	if (!stored && first.kind === 'now') {
		// Only the API's now is needed; the request also proves the credential at activation.
		const page = await client.get(feedUrl(settings, new Date(run.now()).toISOString()), remaining(run));
		return { records: [], state: firstFeedState(first, apiNowOf(page, answerOf(page), run.now()), settings.lookbackMs) };
	}
	const feed = stored ?? firstFeedState(first, run.now(), settings.lookbackMs);
	const seen = new Map(feed.seen);
	const collected: Collected[] = [];
	let from = feed.from;
	let url: string | undefined = feed.resumeUrl ?? feedUrl(settings, windowStart(feed, settings.overlapMs));
	let lastPage: Page | undefined;
	const fetched = await fetchWithin(client, run, () => collected.length, async (page) => {
		lastPage = page;
		const answer = answerOf(page);
		const toMs = timeMsOf(answer.to, run.now());
		const records = answer.data.filter((record): record is IDataObject => !!record && typeof record === 'object');
		const events = records.map((record) => {
			const time = getPath(record, settings.timeField);
			return { key: eventKey(String(getPath(record, settings.idField) ?? ''), String(time ?? ''), record), timeMs: timeMsOf(time, toMs) };
		});
		for (const index of acceptEvents(seen, feed.floorMs, events)) collected.push({ record: records[index], timeMs: events[index].timeMs });
		const next = answer.moreDataAvailable === true && typeof answer.nextChunkUrl === 'string' && answer.nextChunkUrl ? answer.nextChunkUrl : undefined;
		// Within a chain the stored cursor only moves to the chunk's start: a resumed chain must not skip its rest.
		from = next ? maxIso(from, answer.from) : nextFrom(from, answer.to, page.serverDate);
		return next;
	}, url);
	url = fetched.resumeUrl;
	const ordered = collected.map((entry, index) => ({ ...entry, index })).sort((a, b) => a.timeMs - b.timeMs || a.index - b.index);
	let records = ordered.map(({ record }) => record);
	let floorMs = feed.floorMs;
	if (!stored && first.kind === 'latest') {
		records = latest(ordered, first.count, (entry) => entry.timeMs).map(({ record }) => record);
		if (url !== undefined && lastPage) {
			// A first sync is a sample, not a replay: what the poll did not reach is skipped, from the API's now on.
			const nowMs = timeMsOf(lastPage.serverDate, run.now());
			from = new Date(nowMs).toISOString();
			floorMs = nowMs - 1;
			url = undefined;
		}
	}
	const bounded = boundSeen(seen, Date.parse(windowStart({ from, seen: [], floorMs }, settings.overlapMs)), settings.seenLimit, floorMs);
	return { records, stopped: fetched.stopped, state: { from, seen: bounded.seen, floorMs: bounded.floorMs, resumeUrl: url } };
}

function maxIso(current: string, candidate: unknown): string {
	const ms = timeMsOf(candidate, -Infinity);
	return ms > Date.parse(current) ? new Date(ms).toISOString() : current;
}

/** How far back "Fetch Test Event" looks, nearest first: the first window with records is shown. */
const SAMPLE_WINDOWS_MS = [3_600_000, 24 * 3_600_000];

/** "Fetch Test Event": real records of the most recent window that has some (newest last); the cursor is not touched. */
async function sampleFeed(client: TriggerClient, settings: FeedSettings, run: PollRun): Promise<PollOutcome<FeedState>> {
	for (const backMs of [...SAMPLE_WINDOWS_MS.filter((ms) => ms < settings.lookbackMs), settings.lookbackMs]) {
		const page = await client.get(feedUrl(settings, new Date(run.now() - backMs).toISOString()), remaining(run));
		const answer = answerOf(page);
		const toMs = timeMsOf(answer.to, run.now());
		const records = answer.data.filter((record): record is IDataObject => !!record && typeof record === 'object');
		if (records.length > 0) return { records: latest(records, SAMPLE_SIZE, (record) => timeMsOf(getPath(record, settings.timeField), toMs)) };
	}
	return { records: [] };
}
