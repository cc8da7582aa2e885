/**
 * Small HTTP helpers shared by every simulator: status texts, the Reply value that handlers return,
 * writing a Reply, reading bodies, and media-type / Accept parsing. Node built-ins only.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

// The documented table is the documents', not the node's: both read it from the one place that holds it.
import { JAS_STATUS_TEXT } from '../../nodes/JasRequest/jasStatus';

export { JAS_STATUS_TEXT };

const ERROR_CODES: Readonly<Record<number, string>> = {
	400: 'invalid_request',
	401: 'unauthorized',
	403: 'access_denied',
	404: 'not_found',
	405: 'method_not_allowed',
	406: 'not_acceptable',
	409: 'conflict',
	413: 'payload_too_large',
	415: 'unsupported_media_type',
	429: 'rate_limit_exceeded',
	500: 'server_error',
	502: 'bad_gateway',
	503: 'temporarily_unavailable',
	504: 'gateway_timeout',
};

/** JAS table text where listed, else the standard reason phrase. */
export function statusText(status: number): string {
	return JAS_STATUS_TEXT[status] ?? STATUS_CODES[status] ?? 'Unknown Status';
}

export function errorCode(status: number): string {
	return ERROR_CODES[status] ?? (status >= 500 ? 'server_error' : 'error');
}

export type Headers = Record<string, string>;

/** What a route handler answers. `drop` destroys the socket without any response. */
export type Reply =
	| { status: number; headers?: Headers; json?: unknown; raw?: Buffer | string }
	| { drop: true };

export function jsonReply(status: number, json: unknown, headers?: Headers): Reply {
	return headers ? { status, json, headers } : { status, json };
}

/** RFC 6749 §5.2 style error: `{ error, error_description }`. */
export function oauthError(status: number, error: string, description: string, headers?: Headers): Reply {
	return jsonReply(status, { error, error_description: description }, headers);
}

/** A protected-API error: `{ error, message }`. */
export function apiError(status: number, error: string, message: string, headers?: Headers): Reply {
	return jsonReply(status, { error, message }, headers);
}

/** A non-OAuth error whose description is the JAS table text (optionally with a detail). */
export function httpError(status: number, detail?: string, headers?: Headers): Reply {
	const text = statusText(status);
	return oauthError(status, errorCode(status), detail ? `${text}: ${detail}` : text, headers);
}

const NO_BODY_STATUSES = new Set([204, 304]);

export function writeReply(res: ServerResponse, reply: Reply): void {
	if (res.destroyed || res.headersSent) return;
	if ('drop' in reply) {
		res.socket?.destroy();
		return;
	}
	let body: Buffer | undefined;
	const headers: Headers = { ...reply.headers };
	if (reply.json !== undefined) {
		body = Buffer.from(JSON.stringify(reply.json), 'utf8');
		if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
	} else if (reply.raw !== undefined) {
		body = typeof reply.raw === 'string' ? Buffer.from(reply.raw, 'utf8') : reply.raw;
	}
	if (NO_BODY_STATUSES.has(reply.status)) body = undefined;
	if (body) headers['Content-Length'] = String(body.length);
	else if (!NO_BODY_STATUSES.has(reply.status)) headers['Content-Length'] = '0';
	res.writeHead(reply.status, headers);
	res.end(body);
}

function hasHeader(headers: Headers, name: string): boolean {
	return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

export class BodyTooLargeError extends Error {
	constructor(readonly limit: number) {
		super(`Request body exceeds ${limit} bytes`);
	}
}

/** Reads the whole request body; rejects with BodyTooLargeError past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) {
				reject(new BodyTooLargeError(limit));
				req.removeAllListeners('data');
				req.resume();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
		req.on('aborted', () => reject(new Error('request aborted')));
	});
}

/** `Application/JSON; charset=utf-8` → `application/json`; missing or blank → undefined. */
export function mediaType(contentType: string | undefined): string | undefined {
	const type = contentType?.split(';')[0]?.trim().toLowerCase();
	return type ? type : undefined;
}

/** True when an Accept header admits a JSON answer (absent or empty Accept admits anything). */
export function acceptsJson(accept: string | undefined): boolean {
	if (accept === undefined || accept.trim() === '') return true;
	return accept.split(',').some((range) => {
		const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
		const q = params.find((p) => p.startsWith('q='));
		if (q !== undefined && !(Number(q.slice(2)) > 0)) return false;
		return type === '*/*' || type === 'application/*' || type === 'application/json' || type.endsWith('+json');
	});
}

/** Random URL-safe secret: 32 bytes → 43 base64url characters. */
export function randomSecret(bytes = 32): string {
	return randomBytes(bytes).toString('base64url');
}

/** Parses a JSON object body; undefined when it is not valid JSON or not an object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(body.toString('utf8'));
		return value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

/** First value of a header that node may deliver as string | string[]. */
export function headerValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** Absolute base URL as the client addressed us (for absolute links); `fallback` when Host is absent or odd. */
export function requestBaseUrl(headers: { host?: string | undefined }, fallback: string): string {
	const host = headers.host;
	return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : fallback;
}

/** Parses an application/x-www-form-urlencoded body; a repeated parameter is an error (RFC 6749 §3.2). */
export function parseForm(body: Buffer): { params: Map<string, string> } | { repeated: string } {
	const params = new Map<string, string>();
	for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
		if (params.has(key)) return { repeated: key };
		params.set(key, value);
	}
	return { params };
}
