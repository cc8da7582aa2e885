/**
 * The trigger's parameters, read once per poll into plain settings for feedPoll.ts / listPoll.ts, with ranges enforced
 * in code (the UI's ranges are only hints). What each JTL-FFN feed is called and which fields identify its records:
 * docs/providers.md#jtl-ffn-change-feeds.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../shared/token/credentialTypes';
import type { PaginationSettings } from './api';
import type { CredentialType } from './client';
import type { FeedSettings } from './feedPoll';
import type { ListSettings } from './listPoll';
import { pollLimits, type PollLimits } from './pollBounds';
import { configKey, type FirstRun, firstRunOf } from './state';

export type Watch = 'outbounds' | 'inbounds' | 'returns' | 'stocks';

/** The fields that identify a change event of each feed, unless the user names others. */
export const FEED_FIELDS: Record<Watch, { idField: string; timeField: string }> = {
	outbounds: { idField: 'outboundId', timeField: 'modificationInfo.updatedAt' },
	inbounds: { idField: 'inboundId', timeField: 'modificationInfo.updatedAt' },
	returns: { idField: 'returnId', timeField: 'modificationInfo.updatedAt' },
	stocks: { idField: 'stockChangeId', timeField: 'modificationInfo.updatedAt' },
};

export const RANGES = {
	overlapSeconds: { min: 0, max: 86_400, fallback: 60 },
	seenLimit: { min: 100, max: 100_000, fallback: 10_000 },
	maxPages: { min: 1, max: 1_000, fallback: 20 },
	maxRecords: { min: 1, max: 100_000, fallback: 5_000 },
	maxSeconds: { min: 5, max: 3_600, fallback: 120 },
	lookbackHours: { min: 1, max: 24 * 90, fallback: 24 * 7 },
} as const;

export function clamp(value: unknown, range: { min: number; max: number; fallback: number }): number {
	const n = Number(value);
	if (!Number.isFinite(n)) return range.fallback;
	return Math.min(range.max, Math.max(range.min, Math.floor(n)));
}

export type TriggerSettings =
	| { source: 'jtlFeed'; credential: CredentialType; feed: FeedSettings; common: Common }
	| { source: 'list'; credential: CredentialType; list: ListSettings; common: Common };

interface Common {
	config: string;
	first: FirstRun;
	limits: PollLimits;
}

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value.trim() : fallback);

function readPagination(value: unknown): PaginationSettings | undefined {
	const p = ((value as IDataObject | undefined)?.settings ?? undefined) as IDataObject | undefined;
	if (!p || p.mode === 'none' || p.mode === undefined) return undefined;
	const maxPages = Number.MAX_SAFE_INTEGER; // the poll's own bounds apply instead
	if (p.mode === 'linkHeader') return { mode: 'linkHeader', maxPages };
	if (p.mode === 'offset') {
		return {
			mode: 'offset',
			offsetParameter: text(p.offsetParameter, '$skip') || '$skip',
			limitParameter: text(p.limitParameter, '$top') || '$top',
			pageSize: clamp(p.pageSize, { min: 1, max: 10_000, fallback: 100 }),
			itemsField: text(p.itemsField, 'items'),
			maxPages,
		};
	}
	return { mode: 'nextUrl', nextUrlField: text(p.nextUrlField, '_links.next') || '_links.next', maxPages };
}

export function readTriggerSettings(ctx: IPollFunctions): TriggerSettings {
	const param = <T>(name: string, fallback: T): T => ctx.getNodeParameter(name, fallback) as T;
	const options = param<IDataObject>('options', {});
	const overlapMs = clamp(options.overlapSeconds, RANGES.overlapSeconds) * 1000;
	const seenLimit = clamp(options.seenLimit, RANGES.seenLimit);
	const limits = pollLimits(
		{ maxPages: clamp(options.maxPages, RANGES.maxPages), maxItems: clamp(options.maxRecords, RANGES.maxRecords), maxSeconds: clamp(options.maxSeconds, RANGES.maxSeconds) },
		typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : undefined,
	);
	const first = firstRunOf(param<string>('firstRun', 'now'), param('firstRunDate', ''), param('firstRunCount', 10));
	if (param<string>('source', 'jtlFeed') === 'jtlFeed') {
		const role = param<string>('role', 'merchant') === 'fulfiller' ? 'fulfiller' : 'merchant';
		const watch = (Object.keys(FEED_FIELDS).includes(param<string>('watch', 'outbounds')) ? param<string>('watch', 'outbounds') : 'outbounds') as Watch;
		const fields = FEED_FIELDS[watch];
		const feed: FeedSettings = {
			path: `/v1/${role}/${watch}/updates`,
			query: Object.fromEntries(
				(['ignoreOwnApplicationId', 'ignoreOwnUserId'] as const).filter((name) => options[name] === true).map((name) => [name, 'true']),
			),
			idField: text(options.idField) || fields.idField,
			timeField: text(options.timeField) || fields.timeField,
			overlapMs,
			seenLimit,
			lookbackMs: clamp(options.lookbackHours, RANGES.lookbackHours) * 3_600_000,
		};
		return { source: 'jtlFeed', credential: CREDENTIAL_TYPES.jtl, feed, common: { config: configKey(['feed', feed.path, feed.idField, feed.timeField]), first, limits } };
	}
	const credential = param<CredentialType>('authentication', CREDENTIAL_TYPES.jas);
	const list: ListSettings = {
		path: text(param('path', '')),
		recordsField: text(param('recordsField', 'items')),
		idField: text(param('idField', 'id')) || 'id',
		changeField: text(param('changeField', '')),
		sinceParameter: text(param('sinceParameter', '')),
		pagination: readPagination(param('pagination', {})),
		overlapMs,
		seenLimit,
	};
	return { source: 'list', credential, list, common: { config: configKey(['list', credential, list.path, list.recordsField, list.idField, list.changeField]), first, limits } };
}
