/** How a response body becomes item JSON: parsing, full-response wrapping, splitting into items. */
import type { IDataObject } from 'n8n-workflow';

import { headerValue } from '../shared/http/headers';
import { getPath } from './dotPath';
import { isSensitiveHeader } from '../shared/secrets';

export type ResponseFormat = 'auto' | 'text' | 'file';


/** What the node reads from a Content-Type: whether it says JSON, and the charset it declares. */
interface MediaType {
	json: boolean;
	charset?: string;
}

/**
 * A run's answers carry one or two Content-Types: each is read once, not per response. Bounded, since the values come
 * from the API.
 */
const mediaTypes = new Map<string, MediaType>();
const MAX_REMEMBERED = 64;

function mediaType(contentType: string | undefined): MediaType {
	if (contentType === undefined) return { json: false };
	let known = mediaTypes.get(contentType);
	if (!known) {
		known = {
			json: /^application\/(?:[\w.+-]*\+)?json\b|^text\/json\b/i.test(contentType.trim()),
			charset: /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1],
		};
		if (mediaTypes.size >= MAX_REMEMBERED) mediaTypes.clear();
		mediaTypes.set(contentType, known);
	}
	return known;
}

/** One decoder per charset label (decoding without `stream` keeps no state between calls); bounded like mediaTypes. */
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();

function decoderFor(label: string): InstanceType<typeof TextDecoder> {
	let decoder = decoders.get(label);
	if (!decoder) {
		try {
			decoder = new TextDecoder(label);
		} catch {
			decoder = decoderFor('utf-8'); // an unknown charset label: UTF-8 is the web's default
		}
		if (decoders.size >= MAX_REMEMBERED) decoders.clear();
		decoders.set(label, decoder);
	}
	return decoder;
}

/**
 * The body as text: a byte-order mark decides first, then the declared charset (ISO-8859-1, UTF-16, …),
 * else UTF-8. The BOM itself is dropped (a JSON body starting with one must still parse).
 */
export function decodeText(body: Buffer, contentType: string | undefined): string {
	let label = mediaType(contentType).charset ?? 'utf-8';
	if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) label = 'utf-8';
	else if (body[0] === 0xff && body[1] === 0xfe) label = 'utf-16le';
	else if (body[0] === 0xfe && body[1] === 0xff) label = 'utf-16be';
	return decoderFor(label).decode(body);
}

/**
 * The body as JSON when the server says it is JSON (and it parses), else as text; an empty body is
 * undefined. Error bodies use the same rule, so error.body is parsed when JSON.
 */
export function parseBody(body: Buffer, headers: Record<string, string | string[]>, format: ResponseFormat): unknown {
	return parseText(bodyText(body, headers), headers, format);
}

/** The body decoded as text ('' for none). */
export function bodyText(body: Buffer, headers: Record<string, string | string[]>): string {
	return body.length === 0 ? '' : decodeText(body, headerValue(headers, 'content-type'));
}

/** parseBody for a body already decoded by bodyText. */
export function parseText(text: string, headers: Record<string, string | string[]>, format: ResponseFormat): unknown {
	if (text === '') return undefined;
	if (format === 'auto' && mediaType(headerValue(headers, 'content-type')).json) {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return text;
		}
	}
	return text;
}

/** Response headers safe to show: no cookies or authorization. */
export function safeHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(headers)) if (!isSensitiveHeader(name)) out[name] = value;
	return out;
}

function asObject(value: unknown): IDataObject {
	if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	return value === undefined ? {} : { data: value as IDataObject[keyof IDataObject] };
}

/**
 * The most items one input item may turn into (Split Into Items, over all its pages): each costs n8n memory, and a
 * hostile answer like `[{},{},…]` would otherwise turn 40 MB into tens of millions of items.
 */
export const MAX_ITEMS_PER_INPUT = 100_000;

export function tooManyItems(count: number): string {
	return `The response would make ${count > MAX_ITEMS_PER_INPUT ? count : 'more than ' + MAX_ITEMS_PER_INPUT} items from one input item, more than the ${MAX_ITEMS_PER_INPUT.toLocaleString('en-US')} allowed. Fetch smaller pages (Pagination, Max Pages), or clear "Split Into Items".`;
}

export interface ShapeOptions {
	fullResponse: boolean;
	splitField: string;
}

export interface ResponseMeta {
	status: number;
	statusText: string;
	headers: Record<string, string | string[]>;
}

/** Why a body cannot become items: the setting does not fit the answer (input), or the answer is too large (response). */
export interface ShapeProblem {
	problem: string;
	source: 'input' | 'response';
}

/**
 * Item JSONs for one successful response. Splitting takes an array at `splitField` ("." = the body)
 * and makes one item per element; a missing or non-array field is an error the caller reports.
 */
export function shapeSuccess(body: unknown, meta: ResponseMeta, options: ShapeOptions): IDataObject[] | ShapeProblem {
	let parts: unknown[] = [body];
	if (options.splitField.trim() !== '') {
		const found = getPath(body, options.splitField);
		if (!Array.isArray(found)) {
			return { problem: `The response has no array at "${options.splitField}" to split into items. Check "Split Into Items", or clear it.`, source: 'input' };
		}
		if (found.length > MAX_ITEMS_PER_INPUT) return { problem: tooManyItems(found.length), source: 'response' };
		parts = found;
	}
	return parts.map((part) =>
		options.fullResponse
			? { statusCode: meta.status, statusMessage: meta.statusText, headers: safeHeaders(meta.headers), body: part as IDataObject }
			: asObject(part),
	);
}
