/** Reading response headers (undici and n8n give lower-case names; a repeated header arrives as an array). */

export type HeaderValue = string | string[] | undefined;

/** The first value of a header. */
export function firstHeader(value: HeaderValue): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** A header by name (any case asked, lower-case stored), repeated values joined as HTTP allows. */
export function headerValue(headers: Record<string, HeaderValue>, name: string): string | undefined {
	const value = headers[name.toLowerCase()] ?? headers[name];
	return Array.isArray(value) ? value.join(', ') : value;
}
