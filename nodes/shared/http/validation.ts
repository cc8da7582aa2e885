/** Checks of what is about to be sent: method, URL and header names and values, with messages that never show a value. */
import { TransportError } from './errors';
import { displayUrl, tryParseUrl } from './url';

// RFC 9110 5.6.2 token characters: what a header name (and a method) may consist of.
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What undici accepts in a header value (tab, visible ASCII, Latin-1); anything else it rejects.
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Headers the HTTP client sets itself and refuses from the caller (undici's core/request.js), as pasted from curl
 * or Postman: why each cannot be sent.
 */
const SET_BY_THE_CLIENT: Record<string, string> = {
	'transfer-encoding': 'the body is framed by the node itself',
	'keep-alive': 'connections are kept alive by the node itself',
	upgrade: 'protocol upgrades are not supported',
	expect: '"100-continue" is not supported: the body is sent at once',
};

/** The framing headers undici checks against the request: refused ones, Connection's tokens, Content-Length. */
function validateFraming(name: string, value: string, body: string | Buffer | undefined): void {
	const lower = name.toLowerCase();
	const shownName = JSON.stringify(name.slice(0, 60));
	const reason = SET_BY_THE_CLIENT[lower];
	if (reason) throw new TransportError('invalidRequest', `The header ${shownName} cannot be sent: ${reason}. Remove it from the headers (it is often copied from curl or Postman).`);
	if (lower === 'connection' && !value.split(',').every((token) => TOKEN.test(token.trim()))) {
		throw new TransportError('invalidRequest', `The value of header ${shownName} is not a list of options such as "close". Remove the header or fix its value.`);
	}
	if (lower === 'content-length') {
		const length = body === undefined ? 0 : Buffer.byteLength(body);
		if (!/^\d+$/.test(value.trim()) || Number(value.trim()) !== length) {
			throw new TransportError(
				'invalidRequest',
				`The header ${shownName} does not match the body (${length} bytes). Remove it: the node sets the body's length itself.`,
			);
		}
	}
}

/** Headers that only matter for framing: looked at only when one is present (the common request has none). */
const FRAMING = /^(?:transfer-encoding|keep-alive|upgrade|expect|connection|content-length)$/i;

/** Throws TransportError('invalidRequest') naming the header, never showing its value. */
export function validateHeaders(headers: Record<string, string>, body?: string | Buffer): void {
	for (const [name, raw] of Object.entries(headers)) {
		const value = String(raw);
		if (FRAMING.test(name)) validateFraming(name, value, body);
		// The common case, checked first and cheaply; messages are built only for a bad header.
		if (TOKEN.test(name) && !INVALID_VALUE_CHAR.test(value)) continue;
		const shownName = JSON.stringify(name.slice(0, 60));
		if (!TOKEN.test(name)) {
			throw new TransportError(
				'invalidRequest',
				`The header name ${shownName} is not valid: names may only contain letters, digits and !#$%&'*+-.^_\`|~ (no spaces, colons or line breaks). Fix the header name.`,
			);
		}
		if (/[\r\n\0]/.test(value)) {
			throw new TransportError(
				'invalidRequest',
				`The value of header ${shownName} contains a line break or NUL character, which would corrupt the request. Remove it from the value (check expressions that build it).`,
			);
		}
		if (INVALID_VALUE_CHAR.test(value)) {
			throw new TransportError(
				'invalidRequest',
				`The value of header ${shownName} contains a control character or a character outside Latin-1, which HTTP headers cannot carry. Remove it, or encode the value (e.g. percent-encoding).`,
			);
		}
	}
}


/** The request's URL, parsed (unless the caller parsed it already) and held to what may be sent. */
export function parseTarget(method: string, target: string | URL): URL {
	const url = typeof target === 'string' ? target : target.href;
	const parsed = typeof target === 'string' ? tryParseUrl(target) : target;
	if (!parsed) throw new TransportError('invalidRequest', `"${displayUrl(url)}" is not a valid URL. Enter a full URL such as https://api.example.com/v1/items.`);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new TransportError('invalidRequest', `${method} ${displayUrl(url)}: only http:// and https:// URLs are supported. Fix the URL.`);
	}
	if (parsed.username || parsed.password) {
		throw new TransportError(
			'invalidRequest',
			`${method} ${displayUrl(url)}: URLs with a user name or password (user:password@host) are not supported. Remove them from the URL and use a credential instead.`,
		);
	}
	return parsed;
}
