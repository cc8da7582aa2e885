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

/** Whether `text` parses as an http or https URL. */
export const isHttpUrl = (text: string): boolean => /^https?:$/.test(tryParseUrl(text)?.protocol ?? '');

/**
 * A URL typed without http(s)://, as the user meant it: `api.jas.com` → https://api.jas.com. Another scheme, user
 * info (which may hold a password), or text that is no URL even so gets a neutral example instead.
 */
export function httpExample(url: string): string {
	const meant = `https://${url.trim()}`;
	const usable = !/^[a-z][\w+.-]*:\/\//i.test(url.trim()) && !url.includes('@') && !/\s/.test(url.trim()) && tryParseUrl(meant) !== undefined;
	return usable ? meant : 'https://api.example.com';
}
