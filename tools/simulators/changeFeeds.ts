/**
 * JTL-FFN change feeds (docs/providers.md#jtl-ffn-change-feeds): `GET /api/v1/{merchant|fulfiller}/{outbounds|
 * inbounds|returns|stocks}/updates?fromDate=&toDate=&page=` answering `{ from, to, data, moreDataAvailable,
 * nextChunkUrl }`. A window runs from `fromDate` to `toDate` (default: now), at most `windowMs` long and never past
 * now, both ends inclusive (so an event at a window's `to` is also in the next window, as a careful client must
 * expect); `pageSize` events per answer. `moreDataAvailable` says there is another page of this window, or that the
 * window was cut short; `nextChunkUrl` is where to continue (the same request with `page+1`, or the next window
 * from this one's `to`). Changes are injected through the admin API or `record`.
 */
import type { ApiRequest, SimRequest } from './requests';
import { apiError, httpError, jsonReply, oauthError, parseJsonObject, type Reply } from './http';

export const FEED_ROLES = ['merchant', 'fulfiller'] as const;
export const FEED_RESOURCES = ['outbounds', 'inbounds', 'returns', 'stocks'] as const;
export type FeedName = `${(typeof FEED_ROLES)[number]}/${(typeof FEED_RESOURCES)[number]}`;

/** The id field of each resource's records (what the node's defaults expect). */
export const FEED_ID_FIELDS: Record<(typeof FEED_RESOURCES)[number], string> = {
	outbounds: 'outboundId',
	inbounds: 'inboundId',
	returns: 'returnId',
	stocks: 'stockChangeId',
};

export interface FeedChange {
	/** The record's id (its id field is set to it). */
	id: string;
	/** When it changed (ms); default now. A time in the past stands for a change the API committed late. */
	at?: number;
	/** Fields of the record's new state (e.g. { status: 'Shipped' }). */
	fields?: Record<string, unknown>;
}

interface StoredEvent {
	seq: number;
	at: number;
	record: Record<string, unknown>;
}

export interface FeedOptions {
	pageSize: number;
	windowMs: number;
}

const FEED_PATH = /^\/api\/v1\/(merchant|fulfiller)\/(outbounds|inbounds|returns|stocks)\/updates$/;

export class ChangeFeeds {
	private readonly feeds = new Map<string, StoredEvent[]>();
	private seq = 0;
	options: FeedOptions = { pageSize: 50, windowMs: 24 * 3_600_000 };
	/** Feed answers served (for tests: how many polls and chunks reached the API). */
	requests = 0;

	/** Records changes; returns the records as the feed will show them. */
	record(feed: FeedName, changes: FeedChange[], now = Date.now()): Array<Record<string, unknown>> {
		const resource = feed.split('/')[1] as (typeof FEED_RESOURCES)[number];
		const events = this.feeds.get(feed) ?? [];
		const added = changes.map((change) => {
			const at = change.at ?? now;
			const record = { [FEED_ID_FIELDS[resource]]: change.id, ...change.fields, modificationInfo: { updatedAt: new Date(at).toISOString() } };
			events.push({ seq: ++this.seq, at, record });
			return record;
		});
		events.sort((a, b) => a.at - b.at || a.seq - b.seq);
		this.feeds.set(feed, events);
		return added;
	}

	events(feed: FeedName): Array<Record<string, unknown>> {
		return (this.feeds.get(feed) ?? []).map((event) => event.record);
	}

	clear(): void {
		this.feeds.clear();
	}

	/** The answer to a feed request, or undefined when the path is not a feed. */
	reply(req: ApiRequest, now = Date.now()): Reply | undefined {
		const match = FEED_PATH.exec(req.url.pathname);
		if (!match || req.method !== 'GET') return undefined;
		const q = req.url.searchParams;
		const from = Date.parse(q.get('fromDate') ?? '');
		if (!Number.isFinite(from)) return apiError(400, 'invalid_request', 'fromDate is required (an ISO 8601 time)');
		const requestedTo = q.has('toDate') ? Date.parse(q.get('toDate') ?? '') : now;
		if (!Number.isFinite(requestedTo)) return apiError(400, 'invalid_request', 'toDate must be an ISO 8601 time');
		const page = Number(q.get('page') ?? '1');
		if (!Number.isInteger(page) || page < 1) return apiError(400, 'invalid_request', 'page must be an integer >= 1');
		this.requests++;
		const to = Math.max(from, Math.min(requestedTo, now, from + this.options.windowMs));
		const inWindow = (this.feeds.get(`${match[1]}/${match[2]}`) ?? []).filter((event) => event.at >= from && event.at <= to);
		const size = this.options.pageSize;
		const data = inWindow.slice((page - 1) * size, page * size).map((event) => event.record);
		const morePages = inWindow.length > page * size;
		const cutShort = to < Math.min(requestedTo, now);
		// The next page repeats the request with page+1; the next window starts at this one's `to`.
		const next = new URL(req.url.href);
		if (morePages) next.searchParams.set('page', String(page + 1));
		else {
			next.searchParams.set('fromDate', new Date(to).toISOString());
			next.searchParams.delete('page');
		}
		const moreDataAvailable = morePages || cutShort;
		return jsonReply(200, {
			from: new Date(from).toISOString(),
			to: new Date(to).toISOString(),
			data,
			moreDataAvailable,
			nextChunkUrl: moreDataAvailable ? next.toString() : null,
		});
	}
}

/** Validates an admin body `{ changes: [{ id, at?, fields? }] }`. */
export function parseChanges(body: Record<string, unknown>): FeedChange[] | string {
	const changes = body.changes;
	if (!Array.isArray(changes)) return 'changes must be an array of { id, at?, fields? }';
	const parsed: FeedChange[] = [];
	for (const change of changes as Array<Record<string, unknown>>) {
		if (!change || typeof change.id !== 'string' || change.id === '') return 'every change needs an id (string)';
		const at = change.at === undefined ? undefined : typeof change.at === 'number' ? change.at : Date.parse(String(change.at));
		if (at !== undefined && !Number.isFinite(at)) return 'at must be an ISO time or ms since the epoch';
		if (change.fields !== undefined && (typeof change.fields !== 'object' || change.fields === null)) return 'fields must be an object';
		parsed.push({ id: change.id, at, fields: change.fields as Record<string, unknown> | undefined });
	}
	return parsed;
}

export function isFeedName(value: string): value is FeedName {
	const [role, resource] = value.split('/');
	return (FEED_ROLES as readonly string[]).includes(role) && (FEED_RESOURCES as readonly string[]).includes(resource) && value.split('/').length === 2;
}

/**
 * `GET|POST /__admin/feeds/<role>/<resource>`: the feed's records; record changes (`{ changes: [{ id, at?, fields? }] }`).
 * `POST /__admin/feeds` `{ pageSize?, windowSec? }`: the feeds' answer size and longest window.
 */
export function feedAdmin(feeds: ChangeFeeds, req: SimRequest): Reply | undefined {
	const path = req.url.pathname;
	if (path === '/__admin/feeds' && req.method === 'POST') {
		const body = parseJsonObject(req.body) ?? {};
		const pageSize = body.pageSize === undefined ? feeds.options.pageSize : Number(body.pageSize);
		const windowMs = body.windowSec === undefined ? feeds.options.windowMs : Number(body.windowSec) * 1000;
		if (!(Number.isInteger(pageSize) && pageSize >= 1) || !(windowMs > 0)) return oauthError(400, 'invalid_request', 'pageSize must be an integer >= 1, windowSec > 0');
		feeds.options = { pageSize, windowMs };
		return jsonReply(200, { pageSize, windowSec: windowMs / 1000 });
	}
	const name = /^\/__admin\/feeds\/(\w+\/\w+)$/.exec(path)?.[1];
	if (!name) return undefined;
	if (!isFeedName(name)) return httpError(404);
	if (req.method === 'GET') return jsonReply(200, { records: feeds.events(name) });
	if (req.method !== 'POST') return httpError(405);
	const changes = parseChanges(parseJsonObject(req.body) ?? {});
	if (typeof changes === 'string') return oauthError(400, 'invalid_request', changes);
	return jsonReply(200, { records: feeds.record(name, changes) });
}

