/** How a response body becomes item JSON: parsing, full-response wrapping, splitting into items. */
import type { IDataObject } from 'n8n-workflow';

import { getPath } from './dotPath';
import { isSensitiveHeader } from './secrets';

export type ResponseFormat = 'auto' | 'text' | 'file';

export function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : value;
}

function isJsonContentType(contentType: string | undefined): boolean {
	return !!contentType && /^application\/(?:[\w.+-]*\+)?json\b|^text\/json\b/i.test(contentType.trim());
}

/**
 * The body as JSON when the server says it is JSON (and it parses), else as text; an empty body is
 * undefined. Error bodies use the same rule, so error.body is parsed when JSON.
 */
export function parseBody(body: Buffer, headers: Record<string, string | string[]>, format: ResponseFormat): unknown {
	if (body.length === 0) return undefined;
	const text = body.toString('utf8');
	if (format === 'auto' && isJsonContentType(headerValue(headers, 'content-type'))) {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return text;
		}
	}
	return text;
}

/** Response headers safe to show: no cookies or authorization. */
export function safeHeaders(headers: Record<string, string | string[]>): IDataObject {
	const out: IDataObject = {};
	for (const [name, value] of Object.entries(headers)) if (!isSensitiveHeader(name)) out[name] = value;
	return out;
}

function asObject(value: unknown): IDataObject {
	if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	return value === undefined ? {} : { data: value as IDataObject[keyof IDataObject] };
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

/**
 * Item JSONs for one successful response. Splitting takes an array at `splitField` ("." = the body)
 * and makes one item per element; a missing or non-array field is an error the caller reports.
 */
export function shapeSuccess(body: unknown, meta: ResponseMeta, options: ShapeOptions): IDataObject[] | { splitError: string } {
	let parts: unknown[] = [body];
	if (options.splitField.trim() !== '') {
		const found = getPath(body, options.splitField);
		if (!Array.isArray(found)) {
			return { splitError: `The response has no array at "${options.splitField}" to split into items. Check "Split Into Items", or clear it.` };
		}
		parts = found;
	}
	return parts.map((part) =>
		options.fullResponse
			? { statusCode: meta.status, statusMessage: meta.statusText, headers: safeHeaders(meta.headers), body: part as IDataObject }
			: asObject(part),
	);
}
