/**
 * The node's run-wide settings, read once per execution from the Options collection. Every number is clamped to
 * its documented range here, whatever an expression or an old workflow delivers: a numeric string counts as its
 * number, anything unusable falls back to the default.
 */
import type { IDataObject } from 'n8n-workflow';

import { RETRY_LIMITS } from '../shared/http/retry';
import type { PaginationSettings } from './pagination';
import type { ResponseFormat } from './responseBody';

export interface NumberRange {
	min: number;
	max: number;
	fallback: number;
	integer?: boolean;
	/** Where 0 means "none": the smallest value a positive input may become (0.5 ms must not round to "no timeout"). */
	minPositive?: number;
}

/** The documented ranges: the option fields (description.ts) are built from them, the README is tested against them. */
export const LIMITS = {
	concurrency: { min: 1, max: 100, fallback: 10, integer: true },
	/** Milliseconds; 0 = no timeout. */
	timeout: { min: 0, max: 3_600_000, fallback: 30_000, integer: true, minPositive: 1 },
	maxRetries: { min: 0, max: RETRY_LIMITS.maxRetries, fallback: 3, integer: true },
	/** Seconds. */
	maxRetryWait: { min: 0, max: RETRY_LIMITS.maxTotalWaitMs / 1000, fallback: 60 },
	maxPages: { min: 1, max: 100_000, fallback: 100, integer: true },
	pageSize: { min: 1, max: 100_000, fallback: 100, integer: true },
	/** MB, for JSON and text bodies kept in memory (a JS string cannot hold much more than 500 MB). */
	maxResponseSizeMb: { min: 1, max: 500, fallback: 100 },
	/** MB, for files streamed to n8n's binary storage; 0 = no limit. */
	maxFileSizeMb: { min: 0, max: 1_000_000, fallback: 0, minPositive: 1 / (1024 * 1024) },
	/** Requests per second per credential in this process; 0 = no limit. */
	maxRequestsPerSecond: { min: 0, max: 10_000, fallback: 0, minPositive: 0.01 },
	/** Tool mode: the most characters of one answer an AI agent's model receives. */
	toolMaxCharacters: { min: 500, max: 1_000_000, fallback: 20_000, integer: true },
} satisfies Record<string, NumberRange>;

/** `value` as a number in `range`: numbers and numeric strings are clamped, anything else is the fallback. */
export function clampNumber(value: unknown, range: NumberRange): number {
	const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof parsed !== 'number' || !Number.isFinite(parsed)) return range.fallback;
	const rounded = range.integer ? Math.floor(parsed) : parsed;
	const clamped = Math.min(range.max, Math.max(range.min, rounded));
	return range.minPositive !== undefined && parsed > 0 ? Math.min(range.max, Math.max(range.minPositive, clamped)) : clamped;
}

const MB = 1024 * 1024;

export interface RunSettings {
	concurrency: number;
	/** Per attempt; 0 = none. */
	timeoutMs: number;
	followRedirects: boolean;
	allowUnauthorizedCerts: boolean;
	maxRetries: number;
	maxRetryWaitMs: number;
	retryNonIdempotent: boolean;
	responseFormat: ResponseFormat;
	outputBinaryPropertyName: string;
	fullResponse: boolean;
	splitField: string;
	pagination?: PaginationSettings;
	maxResponseBytes: number;
	/** 0 = no limit. */
	maxFileBytes: number;
	/** 0 = no limit. */
	maxRequestsPerSecond: number;
}

/** What a pagination field is when left as it came (the editor's defaults, and what an old workflow lacks). */
export const PAGINATION_DEFAULTS = { mode: 'nextUrl', nextUrlField: '_links.next', offsetParameter: '$skip', limitParameter: '$top', itemsField: 'items' } as const;

/** The pagination fields of version 1.1 (their own parameters; Pagination = `paginationMode`). */
export const PAGINATION_PARAMETERS = ['nextUrlField', 'offsetParameter', 'limitParameter', 'pageSize', 'itemsField', 'maxPages'] as const;

/**
 * Pagination from version 1.1's fields (`fields`, with `paginationMode`) when a mode is chosen there, else from the
 * "Pagination (Version 1)" option a version-1 node was saved with: same names, same meaning.
 */
function readPagination(options: IDataObject, fields: IDataObject | undefined): PaginationSettings | undefined {
	const chosen: IDataObject | undefined = fields && fields.paginationMode !== undefined && fields.paginationMode !== 'off' ? { ...fields, mode: fields.paginationMode } : undefined;
	const pagination = chosen ?? ((options.pagination as IDataObject | undefined)?.settings as IDataObject | undefined);
	if (!pagination) return undefined;
	const maxPages = clampNumber(pagination.maxPages, LIMITS.maxPages);
	if (pagination.mode === 'linkHeader') return { mode: 'linkHeader', maxPages };
	if (pagination.mode === 'offset') {
		return {
			mode: 'offset',
			offsetParameter: String(pagination.offsetParameter ?? PAGINATION_DEFAULTS.offsetParameter),
			limitParameter: String(pagination.limitParameter ?? PAGINATION_DEFAULTS.limitParameter),
			pageSize: clampNumber(pagination.pageSize, LIMITS.pageSize),
			itemsField: String(pagination.itemsField ?? PAGINATION_DEFAULTS.itemsField),
			maxPages,
		};
	}
	return { mode: 'nextUrl', nextUrlField: String(pagination.nextUrlField ?? PAGINATION_DEFAULTS.nextUrlField), maxPages };
}

const RESPONSE_FORMATS: ResponseFormat[] = ['auto', 'text', 'file'];

/** `pagination`: version 1.1's pagination parameters (PAGINATION_PARAMETERS and paginationMode), as set. */
export function readSettings(options: IDataObject, pagination?: IDataObject): RunSettings {
	const format = String(options.responseFormat ?? 'auto') as ResponseFormat;
	return {
		concurrency: clampNumber(options.concurrency, LIMITS.concurrency),
		timeoutMs: clampNumber(options.timeout, LIMITS.timeout),
		followRedirects: options.followRedirects !== false,
		allowUnauthorizedCerts: options.allowUnauthorizedCerts === true,
		maxRetries: clampNumber(options.maxRetries, LIMITS.maxRetries),
		maxRetryWaitMs: clampNumber(options.maxRetryWait, LIMITS.maxRetryWait) * 1000,
		retryNonIdempotent: options.retryNonIdempotent === true,
		responseFormat: RESPONSE_FORMATS.includes(format) ? format : 'auto',
		outputBinaryPropertyName: String(options.outputBinaryPropertyName ?? 'data').trim() || 'data',
		fullResponse: options.fullResponse === true,
		splitField: String(options.splitField ?? ''),
		pagination: readPagination(options, pagination),
		maxResponseBytes: Math.round(clampNumber(options.maxResponseSizeMb, LIMITS.maxResponseSizeMb) * MB),
		maxFileBytes: Math.ceil(clampNumber(options.maxFileSizeMb, LIMITS.maxFileSizeMb) * MB),
		maxRequestsPerSecond: clampNumber(options.maxRequestsPerSecond, LIMITS.maxRequestsPerSecond),
	};
}
