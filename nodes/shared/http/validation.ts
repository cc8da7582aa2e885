/** Checks of what is about to be sent: method, URL and header names and values, with messages that never show a value. */
import { TransportError } from './errors';
import { displayUrl, tryParseUrl } from './url';

// RFC 9110 5.6.2 token characters: what a header name (and a method) may consist of.
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What undici accepts in a header value (tab, visible ASCII, Latin-1); anything else it rejects.
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Throws TransportError('invalidRequest') naming the header, never showing its value. */
export function validateHeaders(headers: Record<string, string>): void {
	for (const [name, raw] of Object.entries(headers)) {
		const value = String(raw);
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


export function parseTarget(method: string, url: string): URL {
	const parsed = tryParseUrl(url);
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
