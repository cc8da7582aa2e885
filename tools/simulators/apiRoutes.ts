/**
 * The protected test API every simulator serves under /api (after the bearer token was accepted in common.ts):
 * echo, status, flaky, slow, drop, redirect, binary, upload, and two paging styles (offset with `_links.next`,
 * page number with a `Link` header), and the growing lists (recordLists.ts).
 */
import { createHash } from 'node:crypto';
import type { ApiRequest, ApiRouteContext } from './types';
import { apiError, jsonReply, mediaType, statusText, type Reply } from './http';

const MAX_SLOW_MS = 120_000;
const MAX_BINARY_BYTES = 64 * 1024 * 1024;
const DEFAULT_TOTAL = 95;
const MAX_PAGE_SIZE = 100;

class BadParam extends Error {}

/** Integer query parameter within [min, max]; throws BadParam otherwise. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
	const raw = url.searchParams.get(name);
	if (raw === null || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new BadParam(`${name} must be an integer between ${min} and ${max}`);
	}
	return value;
}

function statusParam(url: URL, name: string, fallback: number): number {
	return intParam(url, name, fallback, 200, 599);
}

function retryAfterHeader(url: URL): Record<string, string> | undefined {
	const retryAfter = url.searchParams.get('retryAfter');
	return retryAfter !== null ? { 'Retry-After': retryAfter } : undefined;
}

/** Byte i is (i * 131 + 7) mod 256: deterministic, not all-equal, easy to recompute in a test. */
export function deterministicBytes(count: number): Buffer {
	const buf = Buffer.allocUnsafe(count);
	for (let i = 0; i < count; i++) buf[i] = (i * 131 + 7) & 0xff;
	return buf;
}

/** `{ method, path, query, headers (no authorization/cookie), contentType, bytes, bodyText, bodyJson?, bodyBase64? }` */
export function echoReply(req: ApiRequest): Reply {
	const { authorization: _a, cookie: _c, ...headers } = req.headers;
	const query: Record<string, string | string[]> = {};
	for (const key of new Set(req.url.searchParams.keys())) {
		const all = req.url.searchParams.getAll(key);
		query[key] = all.length === 1 ? (all[0] as string) : all;
	}
	const contentType = req.headers['content-type'] ?? null;
	let bodyText: string | null = null;
	try {
		bodyText = new TextDecoder('utf-8', { fatal: true }).decode(req.body);
	} catch {
		bodyText = null;
	}
	const result: Record<string, unknown> = {
		method: req.method,
		path: req.url.pathname,
		query,
		headers,
		contentType,
		bytes: req.body.length,
		bodyText,
	};
	if (bodyText === null) result.bodyBase64 = req.body.toString('base64');
	if (bodyText && mediaType(contentType ?? undefined)?.includes('json')) {
		try {
			result.bodyJson = JSON.parse(bodyText);
		} catch {
			// not JSON after all: bodyText says what arrived
		}
	}
	return jsonReply(200, result);
}

function status(req: ApiRequest, code: string): Reply {
	const value = Number(code);
	if (!Number.isInteger(value) || value < 200 || value > 599) {
		return apiError(400, 'invalid_request', 'status must be an integer between 200 and 599');
	}
	// ?message= stands in for an API's own words about this error (what an agent must be told).
	return jsonReply(value, { status: value, message: req.url.searchParams.get('message') ?? statusText(value) }, retryAfterHeader(req.url));
}

function flaky(ctx: ApiRouteContext, req: ApiRequest, key: string): Reply {
	const failures = intParam(req.url, 'failures', 1, 0, 1_000_000);
	const failStatus = statusParam(req.url, 'status', 503);
	const calls = (ctx.flakyCalls.get(key) ?? 0) + 1;
	ctx.flakyCalls.set(key, calls);
	if (calls <= failures) {
		return jsonReply(failStatus, { status: failStatus, message: statusText(failStatus), key, calls }, retryAfterHeader(req.url));
	}
	return jsonReply(200, { key, calls });
}

function redirect(req: ApiRequest): Reply {
	const to = req.url.searchParams.get('to');
	if (!to) return apiError(400, 'invalid_request', 'to is required');
	const code = intParam(req.url, 'status', 302, 300, 399);
	if (![301, 302, 303, 307, 308].includes(code)) {
		return apiError(400, 'invalid_request', 'status must be one of 301, 302, 303, 307, 308');
	}
	return jsonReply(code, { location: to }, { Location: to });
}

function binary(req: ApiRequest): Reply {
	const count = intParam(req.url, 'bytes', 1024, 0, MAX_BINARY_BYTES);
	return {
		status: 200,
		headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="data.bin"' },
		raw: deterministicBytes(count),
	};
}

function upload(req: ApiRequest): Reply {
	return jsonReply(200, {
		bytes: req.body.length,
		sha256: createHash('sha256').update(req.body).digest('hex'),
		contentType: req.headers['content-type'] ?? null,
	});
}

/**
 * OData-style offset paging: `?$top=&$skip=` (and `total=` to size the list) answering
 * `{ items, _page: { total, top, skip }, _links: { next? } }` with an absolute next URL.
 */
export function offsetPage(req: ApiRequest, makeItem: (index: number) => unknown): Reply {
	const total = intParam(req.url, 'total', DEFAULT_TOTAL, 0, 1_000_000);
	const top = intParam(req.url, '$top', 20, 1, MAX_PAGE_SIZE);
	const skip = intParam(req.url, '$skip', 0, 0, 1_000_000);
	const items = [];
	for (let i = skip; i < Math.min(skip + top, total); i++) items.push(makeItem(i));
	const links: { next?: string } = {};
	if (skip + top < total) {
		const next = new URL(req.url.href);
		next.searchParams.set('$top', String(top));
		next.searchParams.set('$skip', String(skip + top));
		links.next = next.toString();
	}
	return jsonReply(200, { items, _page: { total, top, skip }, _links: links });
}

/** Page-number paging (absolute links built from the request URL, i.e. the Host the client used): `?page=&pageSize=` answering a JSON array, with RFC 8288 `Link` rel="next" / rel="last". */
function numberedPage(req: ApiRequest): Reply {
	const total = intParam(req.url, 'total', DEFAULT_TOTAL, 0, 1_000_000);
	const pageSize = intParam(req.url, 'pageSize', 10, 1, MAX_PAGE_SIZE);
	const page = intParam(req.url, 'page', 1, 1, 1_000_000);
	const items = [];
	for (let i = (page - 1) * pageSize; i < Math.min(page * pageSize, total); i++) items.push(listItem(i));
	const pageUrl = (n: number): string => {
		const url = new URL(req.url.href);
		url.searchParams.set('page', String(n));
		url.searchParams.set('pageSize', String(pageSize));
		return url.toString();
	};
	const lastPage = Math.max(1, Math.ceil(total / pageSize));
	const links: string[] = [];
	if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`);
	links.push(`<${pageUrl(lastPage)}>; rel="last"`);
	return jsonReply(200, items, { Link: links.join(', '), 'X-Total-Count': String(total) });
}

function listItem(index: number): { id: number; name: string } {
	return { id: index + 1, name: `Item ${index + 1}` };
}

/** The common /api routes; undefined when the path is not one of them. */
export async function handleCommonApi(ctx: ApiRouteContext, req: ApiRequest): Promise<Reply | undefined> {
	const [, api, first = '', ...rest] = req.url.pathname.split('/');
	if (api !== 'api') return undefined;
	if (rest.length > 0 && !['echo', 'status', 'flaky', 'lists'].includes(first)) return undefined;
	try {
		const tail = rest.map((s) => decodeURIComponent(s)).join('/');
		switch (first) {
			case 'echo':
				return echoReply(req);
			case 'status':
				return rest.length === 1 ? status(req, tail) : undefined;
			case 'flaky':
				return tail ? flaky(ctx, req, tail) : undefined;
			case 'slow': {
				const ms = intParam(req.url, 'ms', 1000, 0, MAX_SLOW_MS);
				await ctx.sleep(ms);
				return jsonReply(200, { sleptMs: ms });
			}
			case 'drop':
				return { drop: true };
			case 'redirect':
				return redirect(req);
			case 'binary':
				return binary(req);
			case 'upload':
				return upload(req);
			case 'items':
				return offsetPage(req, listItem);
			case 'pages':
				return numberedPage(req);
			case 'lists':
				return ctx.lists.reply(req);
			default:
				return undefined;
		}
	} catch (err) {
		if (err instanceof BadParam || err instanceof URIError) return apiError(400, 'invalid_request', err.message);
		throw err;
	}
}
