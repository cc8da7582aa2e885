/**
 * What the trigger keeps between polls, in the node's workflow static data (n8n saves it only after a poll that
 * did not throw, and only for active runs). Read defensively: a state from another configuration, another version
 * or hand-edited JSON is not trusted, and the trigger starts over as on first activation. Pure.
 */
import type { IDataObject } from 'n8n-workflow';

import type { FeedState } from './feedCursor';

export interface ListState {
	/** [id, change value] pairs, least recently seen first (listSeen.ts). */
	seen: Array<[string, string]>;
	/** The "changed since" value for the next sweep (API clock), when the list has that parameter. */
	since?: string;
	/** When the sweep under way began (API clock): the next sweep's `since` once it ends. */
	sweepStartedAt?: string;
	/** The page a poll stopped before (it reached a bound). */
	resumeUrl?: string;
	/** The first sweep after activation, still under way: what it finds is remembered, not emitted. */
	baseline?: boolean;
	/** First activation from a date, list without "changed since": records changed before it are remembered, not emitted. */
	minChangeMs?: number;
}

export interface TriggerState {
	version: 1;
	/** The configuration the state belongs to (what is watched, and where). */
	config: string;
	feed?: FeedState;
	list?: ListState;
}

const KEY = 'jasTrigger';

const isPairList = (value: unknown, second: 'string' | 'number'): boolean =>
	Array.isArray(value) && value.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === second);

function validFeed(value: unknown): value is FeedState {
	const feed = value as FeedState | undefined;
	return !!feed && typeof feed.from === 'string' && Number.isFinite(Date.parse(feed.from)) && isPairList(feed.seen, 'number');
}

function validList(value: unknown): value is ListState {
	const list = value as ListState | undefined;
	return !!list && isPairList(list.seen, 'string');
}

/** The stored state if it belongs to this configuration and is well-formed; undefined means "first activation". */
export function readState(staticData: IDataObject, config: string): TriggerState | undefined {
	const state = staticData[KEY] as TriggerState | undefined;
	if (!state || typeof state !== 'object' || state.version !== 1 || state.config !== config) return undefined;
	if (state.feed !== undefined && !validFeed(state.feed)) return undefined;
	if (state.list !== undefined && !validList(state.list)) return undefined;
	return state;
}

/** Stores a poll's new state. Called only once a poll has succeeded (and never for a manual test). */
export function writeState(staticData: IDataObject, state: TriggerState): void {
	staticData[KEY] = state as unknown as IDataObject;
}

/** A fingerprint of what the state is about: change the watched feed, path or id field, and the trigger starts over. */
export function configKey(parts: Array<string | number | boolean | undefined>): string {
	return JSON.stringify(parts.map((part) => part ?? null));
}

export type FirstRun = { kind: 'now' } | { kind: 'date'; fromMs: number } | { kind: 'latest'; count: number };

/** The first-activation option as a decision; an unusable date falls back to "now", the safe choice (no flood). */
export function firstRunOf(option: string, date: unknown, count: unknown): FirstRun {
	if (option === 'date') {
		const fromMs = typeof date === 'string' || typeof date === 'number' ? new Date(date).getTime() : NaN;
		return Number.isFinite(fromMs) ? { kind: 'date', fromMs } : { kind: 'now' };
	}
	if (option === 'latest') return { kind: 'latest', count: Math.max(1, Math.floor(Number(count) || 1)) };
	return { kind: 'now' };
}

/**
 * The feed state a first activation starts from. "now" is the API's now (`apiNowMs`, from its Date header), not
 * n8n's: with the clocks apart, n8n's now would skip or replay the difference. The floor keeps events from before
 * the start (that the overlap would fetch) from being emitted.
 */
export function firstFeedState(first: FirstRun, apiNowMs: number, lookbackMs: number): FeedState {
	if (first.kind === 'date') return { from: new Date(first.fromMs).toISOString(), seen: [], floorMs: first.fromMs - 1 };
	if (first.kind === 'latest') return { from: new Date(apiNowMs - lookbackMs).toISOString(), seen: [] };
	return { from: new Date(apiNowMs).toISOString(), seen: [], floorMs: apiNowMs - 1 };
}

/** The last `count` of what a first "latest N" poll found, by change time (ties keep the feed's order). */
export function latest<T>(items: T[], count: number, timeOf: (item: T) => number): T[] {
	return items
		.map((item, index) => ({ item, index, time: timeOf(item) }))
		.sort((a, b) => a.time - b.time || a.index - b.index)
		.slice(-count)
		.map(({ item }) => item);
}
