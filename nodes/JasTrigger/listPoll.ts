/**
 * One poll of "new or changed records in a list" (any JAS or partner list): sweep the list page by page (pagination
 * as JAS Request has it), emit records not seen before or whose change field changed, and remember what was seen.
 * A sweep longer than one poll's bounds continues in the next poll. With a "changed since" parameter each sweep asks
 * only for what changed since the last one began (less the overlap), on the API's clock.
 */
import type { IDataObject } from 'n8n-workflow';

import { firstPageUrl, getPath, nextPageUrl, type PaginationSettings } from './api';
import { type Page, PollFailure, type TriggerClient } from './client';
import { timeMsOf } from './feedCursor';
import { boundList, diffRecords, type ListRecord } from './listSeen';
import { fetchWithin, type PollOutcome, type PollRun } from './pollRun';
import { type FirstRun, latest, type ListState } from './state';

export interface ListSettings {
	path: string;
	/** Dot path to the records in an answer ('' when the answer is the list itself). */
	recordsField: string;
	idField: string;
	/** Optional: a field whose new value means "changed". */
	changeField: string;
	/** Optional: the query parameter that asks for records changed since a time. */
	sinceParameter: string;
	pagination?: PaginationSettings;
	overlapMs: number;
	seenLimit: number;
}

const SAMPLE_SIZE = 10;

/** The first state: remember the first sweep (now, latest N), or emit from a date by the API's parameter or the change field. */
export function firstListState(first: FirstRun, settings: ListSettings): ListState {
	if (first.kind !== 'date') return { seen: [], baseline: true };
	if (settings.sinceParameter) return { seen: [], since: new Date(first.fromMs).toISOString() };
	if (settings.changeField) return { seen: [], minChangeMs: first.fromMs };
	return { seen: [], baseline: true };
}

function recordsOf(page: Page, field: string): IDataObject[] {
	const records = getPath(page.body, field);
	if (!Array.isArray(records)) {
		throw new PollFailure('api', `The answer of ${new URL(page.url).pathname} has no list at "${field || '(the answer itself)'}": set "Records Field" to where the records are.`, false);
	}
	return records.filter((record): record is IDataObject => !!record && typeof record === 'object');
}

const tokenOf = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

function sweepUrl(client: TriggerClient, settings: ListSettings, since: string | undefined): string {
	const url = client.resolve(settings.path);
	if (settings.sinceParameter && since) url.searchParams.set(settings.sinceParameter, new Date(Date.parse(since) - settings.overlapMs).toISOString());
	return settings.pagination ? firstPageUrl(settings.pagination, url.href) : url.href;
}

export async function pollList(client: TriggerClient, settings: ListSettings, run: PollRun, stored: ListState | undefined, first: FirstRun): Promise<PollOutcome<ListState>> {
	const list: ListState = run.manual ? { seen: [] } : (stored ?? firstListState(first, settings));
	const seen = new Map(list.seen);
	const touched = new Set<string>();
	const emitted: IDataObject[] = [];
	const found: IDataObject[] = [];
	let sweepStartedAt = list.resumeUrl ? list.sweepStartedAt : undefined;
	let pages = 0;
	const fetched = await fetchWithin(client, run, () => (run.manual ? found.length : emitted.length), (page) => {
		pages++;
		sweepStartedAt ??= new Date(timeMsOf(page.serverDate, run.now())).toISOString();
		const records = recordsOf(page, settings.recordsField);
		const keyed: Array<{ record: IDataObject; key: ListRecord }> = [];
		for (const record of records) {
			const id = getPath(record, settings.idField);
			if (id === undefined || id === null || id === '') continue;
			keyed.push({ record, key: { id: tokenOf(id), token: settings.changeField ? tokenOf(getPath(record, settings.changeField)) : '' } });
		}
		if (records.length > 0 && keyed.length === 0) {
			throw new PollFailure('config', `No record of ${new URL(page.url).pathname} has the field "${settings.idField}": set "Record ID Field" to the field that identifies a record.`, false);
		}
		for (const index of diffRecords(seen, touched, keyed.map(({ key }) => key))) {
			const { record } = keyed[index];
			found.push(record);
			if (list.baseline || run.manual) continue;
			if (list.minChangeMs !== undefined && timeMsOf(getPath(record, settings.changeField), Infinity) < list.minChangeMs) continue;
			emitted.push(record);
		}
		if (run.manual && found.length >= SAMPLE_SIZE) return undefined;
		return settings.pagination ? nextPageUrl({ ...settings.pagination, maxPages: Number.MAX_SAFE_INTEGER }, page, pages) : undefined;
	}, list.resumeUrl ?? sweepUrl(client, settings, list.since));
	if (run.manual) return { records: found.slice(0, SAMPLE_SIZE) };
	const records = !stored && first.kind === 'latest' ? latestOf(found, first.count, settings) : emitted;
	const next: ListState = { seen: boundList(seen, touched, settings.seenLimit), since: list.since };
	if (fetched.resumeUrl !== undefined) {
		Object.assign(next, { resumeUrl: fetched.resumeUrl, sweepStartedAt, baseline: list.baseline, minChangeMs: list.minChangeMs });
	} else if (settings.sinceParameter) {
		next.since = sweepStartedAt;
	}
	return { records, stopped: fetched.stopped, failure: fetched.failure, state: dropUndefined(next) };
}

/** "Latest N" of a list: by the change field when there is one, else the list's own order. */
function latestOf(found: IDataObject[], count: number, settings: ListSettings): IDataObject[] {
	return settings.changeField ? latest(found, count, (record) => timeMsOf(getPath(record, settings.changeField), 0)) : found.slice(-count);
}

function dropUndefined(state: ListState): ListState {
	return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as unknown as ListState;
}
