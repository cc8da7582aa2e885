/**
 * What a followed redirect does to the request, decided without I/O: where it goes, whether the method and body
 * change (Fetch rules, as n8n's own requests), and which headers are dropped. Credentials go only to the origin the
 * caller addressed: once a hop leaves it they are dropped for good, even if a later hop comes back.
 */
import type { TransportErrorCode } from './errors';
import { displayUrl } from './url';

export interface Hop {
	method: string;
	url: URL;
	headers: Record<string, string>;
	body?: string | Buffer;
	/** Whether credential headers were dropped on the way (a cross-origin hop). */
	credentialsDropped: boolean;
	/** Redirects followed so far. */
	redirects: number;
}

export type NextHop = { ok: true; hop: Hop } | { ok: false; code: TransportErrorCode; message: string };

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** Fetch rules (and n8n's): 303 turns anything but GET/HEAD into GET; 301/302 turn POST into GET; 307/308 keep. */
function redirectDropsBody(method: string, status: number): boolean {
	if (status === 303) return method !== 'GET' && method !== 'HEAD';
	return (status === 301 || status === 302) && method === 'POST';
}

export interface RedirectLimits {
	originalOrigin: string;
	maxRedirects: number;
	/** The first request as a message names it (built only when a message is needed). */
	originalTarget: () => string;
}

/** The hop a redirect answer (`status`, `location`) leads to, or why it cannot be followed. */
export function nextHop(hop: Hop, status: number, location: string, limits: RedirectLimits): NextHop {
	const target = () => `${hop.method} ${displayUrl(hop.url.href)}`;
	let next: URL;
	try {
		next = new URL(location, hop.url);
	} catch {
		return { ok: false, code: 'network', message: `${target()} was redirected (${status}) to an invalid Location. Check the URL; the server's redirect is broken.` };
	}
	if (next.protocol !== 'http:' && next.protocol !== 'https:') {
		return { ok: false, code: 'network', message: `${target()} was redirected (${status}) to a ${next.protocol} URL, which cannot be followed. Check the URL.` };
	}
	if (hop.redirects >= limits.maxRedirects) {
		const message = `${limits.originalTarget()} was redirected more than ${limits.maxRedirects} time(s) (last to ${displayUrl(next.href)}). Check the URL, or raise the redirect limit.`;
		return { ok: false, code: 'tooManyRedirects', message };
	}
	const dropBody = redirectDropsBody(hop.method, status);
	const crossOrigin = next.origin !== limits.originalOrigin;
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(hop.headers)) {
		const lower = name.toLowerCase();
		const dropped = lower === 'host' || (crossOrigin && CREDENTIAL_HEADERS.has(lower)) || (dropBody && (lower.startsWith('content-') || lower === 'transfer-encoding'));
		if (!dropped) headers[name] = value;
	}
	next.hash = '';
	return {
		ok: true,
		hop: {
			method: dropBody ? 'GET' : hop.method,
			url: next,
			headers,
			body: dropBody ? undefined : hop.body,
			credentialsDropped: hop.credentialsDropped || crossOrigin,
			redirects: hop.redirects + 1,
		},
	};
}
