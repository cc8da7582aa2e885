/**
 * Turns one item's resolved parameters into an HTTP request. Pure: every problem is an InputError whose
 * message says what to fix; the node decides whether that stops the workflow or routes the item.
 */
import { TOKEN, validateHeaders } from '../shared/http/validation';
import { attempt, messageOf } from '../shared/http/settle';
import { httpExample, isHttpUrl, trimTrailingSlashes, tryParseUrl } from '../shared/http/url';

export class InputError extends Error {
	readonly name = 'InputError';
}

export type BodyType = 'none' | 'json' | 'form' | 'raw' | 'binary';

export interface NameValue {
	name?: string;
	value?: unknown;
}

export interface ItemRequestParameters {
	method: string;
	url: string;
	query: NameValue[];
	headers: NameValue[];
	bodyType: BodyType;
	/** The JSON parameter: a string to parse, or an object n8n already parsed. */
	jsonBody?: unknown;
	formBody?: NameValue[];
	rawBody?: string;
	rawContentType?: string;
	/** For bodyType binary: the file, read by the node from the input item. */
	binary?: { data: Buffer; mimeType: string };
}

export interface PreparedRequest {
	method: string;
	url: string;
	/** `url` parsed, when the builder had it in hand (used only while its href is still `url`). */
	target?: URL;
	headers: Record<string, string>;
	/** The builder checked `headers` with `body` (validateHeaders): the transport need not again. */
	headersValidated?: boolean;
	body?: string | Buffer;
}

/** The methods whose requests carry a body (the editor shows the body fields for these). */
export const METHODS_WITH_BODY: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Of those, the ones that carry it only when Send Body is on (version 1.1; absent, as on version 1, means on). */
export const METHODS_WITH_OPTIONAL_BODY: readonly string[] = ['DELETE'];

/** Whether a request of `method` has a body, given Send Body. */
export function sendsBody(method: string, sendBody: boolean): boolean {
	return METHODS_WITH_BODY.includes(method) && (sendBody || !METHODS_WITH_OPTIONAL_BODY.includes(method));
}

/** Never sent: CONNECT opens a tunnel (undici refuses it), TRACE and TRACK make the server echo the request, token included. */
const REFUSED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Resolves `url` against the API base URL. A path is appended to the base path (JTL's base ends in
 * /api, which WHATWG URL resolution would drop); an absolute URL must stay on the API's origin, since
 * the credential's token is only ever sent there.
 */
export function resolveUrl(baseUrl: string, url: string): URL {
	const trimmed = url.trim();
	if (trimmed === '') throw new InputError('The URL is empty. Enter a path such as /v1/users/current, or a full URL.');
	const { base, prefix, http } = parsedBase(baseUrl);
	if (baseUrl && !http) throw new InputError(`The credential's API URL "${baseUrl}" needs http(s)://, e.g. ${httpExample(baseUrl)}. Fix it in the credential (Base URL).`);
	if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
		const absolute = tryParseUrl(trimmed);
		if (!absolute) throw new InputError(`The URL "${trimmed}" is not valid. Enter a path such as /v1/users/current, or a full http(s) URL.`);
		if (absolute.protocol !== 'http:' && absolute.protocol !== 'https:') {
			throw new InputError(`The URL "${trimmed}" uses ${absolute.protocol}; only http and https are supported.`);
		}
		if (base && absolute.origin !== base.origin) {
			throw new InputError(
				`The URL "${absolute.origin}" is not on the credential's API host (${base.origin}). The token is only sent to that host: use a path, or a credential for the other host.`,
			);
		}
		return absolute;
	}
	if (!base) throw new InputError('The credential has no API URL, so a relative URL cannot be resolved. Set it in the credential or use a full URL.');
	const joined = prefix + trimmed.replace(/^\/+/, '');
	const resolved = tryParseUrl(joined);
	if (!resolved) throw new InputError(`The URL "${trimmed}" is not valid.`);
	return resolved;
}

/** The last base URL parsed (a run has one), with the prefix paths are appended to. Never handed out: it is only read. */
let lastBase: { text: string; base: URL | undefined; prefix: string; http: boolean } | undefined;

function parsedBase(baseUrl: string): { base: URL | undefined; prefix: string; http: boolean } {
	if (lastBase?.text !== baseUrl) {
		const base = baseUrl ? tryParseUrl(baseUrl) : undefined;
		lastBase = { text: baseUrl, base, prefix: base ? trimTrailingSlashes(base.href) + '/' : '', http: !!base && isHttpUrl(base.href) };
	}
	return lastBase;
}

/** A pair left as the editor adds it (no name, no value): nothing to send. */
const isBlank = ({ name, value }: NameValue) => (name === undefined || name === '') && (value === undefined || value === '');

function named(list: NameValue[], what: string): Array<[string, string]> {
	return list.flatMap((pair, index): Array<[string, string]> => {
		if (isBlank(pair)) return [];
		const { name, value } = pair;
		const key = typeof name === 'string' ? name.trim() : '';
		if (!key) throw new InputError(`${what} ${index + 1} has no name. Give it a name or remove it.`);
		return [[key, value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)]];
	});
}

function jsonBodyText(value: unknown): string {
	if (typeof value !== 'string') return JSON.stringify(value ?? {});
	const text = value.trim();
	if (text === '') return '{}';
	const parsed = attempt(() => JSON.parse(text) as unknown);
	if (!parsed.ok) {
		const reason = messageOf(parsed.error);
		throw new InputError(`The JSON body is not valid JSON (${reason}). Check quotes and commas, and wrap text from expressions in quotes.`);
	}
	return text;
}

export function buildRequest(baseUrl: string, p: ItemRequestParameters): PreparedRequest {
	const method = p.method.toUpperCase();
	// An expression (or an agent's model) may write any method: a bad one is the item's problem, not the network's.
	if (!TOKEN.test(method) || REFUSED_METHODS.has(method)) {
		throw new InputError(`"${method.slice(0, 30)}" is not a method this node sends. Use GET, POST, PUT, PATCH, DELETE or HEAD.`);
	}
	const url = resolveUrl(baseUrl, p.url);
	for (const [name, value] of named(p.query, 'Query parameter')) url.searchParams.append(name, value);

	const headers: Record<string, string> = { Accept: 'application/json, text/plain;q=0.9, */*;q=0.8' };
	let body: string | Buffer | undefined;
	const bodyType = METHODS_WITH_BODY.includes(method) ? p.bodyType : 'none';
	if (bodyType === 'json') {
		body = jsonBodyText(p.jsonBody);
		headers['Content-Type'] = 'application/json';
	} else if (bodyType === 'form') {
		body = new URLSearchParams(named(p.formBody ?? [], 'Form field')).toString();
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
	} else if (bodyType === 'raw') {
		body = p.rawBody ?? '';
		headers['Content-Type'] = p.rawContentType?.trim() || 'text/plain';
	} else if (bodyType === 'binary') {
		if (!p.binary) throw new InputError('No file to send: the input item has no binary data in the chosen field.');
		body = p.binary.data;
		headers['Content-Type'] = p.binary.mimeType || 'application/octet-stream';
	}

	// User headers replace ours case-insensitively; Authorization always comes from the credential.
	for (const [name, value] of named(p.headers, 'Header')) {
		if (name.toLowerCase() === 'authorization') {
			throw new InputError('Do not set an Authorization header: the token from the credential is sent for you.');
		}
		for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
		headers[name] = value;
	}
	const valid = attempt(() => validateHeaders(headers, body));
	if (!valid.ok) throw new InputError(messageOf(valid.error));
	return { method, url: url.href, target: url, headers, headersValidated: true, body };
}
