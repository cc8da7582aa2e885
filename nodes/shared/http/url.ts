/** URL text helpers shared by the token layer, the transport and the node. */

/** The URL as shown in messages: without user:password@ and fragment. */
export function displayUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = '';
		parsed.password = '';
		parsed.hash = '';
		return parsed.href;
	} catch {
		return url.replace(/\/\/[^/?#]*@/, '//').slice(0, 300);
	}
}

/** `text` as a URL, or undefined when it is not one (callers say what to fix). */
export function tryParseUrl(text: string, base?: string): URL | undefined {
	try {
		return new URL(text, base);
	} catch {
		return undefined;
	}
}

/** `url` without trailing slashes, so a path can be appended with exactly one. */
export function trimTrailingSlashes(url: string): string {
	return url.replace(/\/+$/, '');
}
