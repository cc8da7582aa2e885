/** Why no HTTP answer arrived: the error type, its classification from Node/undici errors, and messages that say what to do. */
import { messageOf } from './settle';

export type TransportErrorCode =
	| 'timeout'
	| 'aborted'
	| 'dns'
	| 'refused'
	| 'reset'
	| 'tls'
	| 'blocked'
	| 'invalidRequest'
	| 'tooManyRedirects'
	| 'tooLarge'
	| 'network';

/** No HTTP answer arrived. The message says what happened and what to do; it never holds header values. */
export class TransportError extends Error {
	readonly name = 'TransportError';

	constructor(
		readonly code: TransportErrorCode,
		message: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}

const TLS_CODES = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_GET_CRL',
	'HOSTNAME_MISMATCH',
	'EPROTO',
	'UND_ERR_PRX_TLS',
]);

/** The first error code found on the error, its cause chain, or an AggregateError's members (happy eyeballs). */
function errorCodes(error: unknown, depth = 0): string[] {
	if (!error || typeof error !== 'object' || depth > 4) return [];
	const codes: string[] = [];
	const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
	if (typeof code === 'string') codes.push(code);
	if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner, depth + 1));
	codes.push(...errorCodes(cause, depth + 1));
	return codes;
}

function isSsrfError(error: unknown): boolean {
	return error instanceof Error && /^Ssrf/.test(error.name);
}

export function classify(error: unknown): TransportErrorCode {
	if (isSsrfError(error) || isSsrfError((error as { cause?: unknown } | undefined)?.cause)) return 'blocked';
	const codes = errorCodes(error);
	const message = error instanceof Error ? error.message : '';
	const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
	if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL')) return 'dns';
	if (has('ECONNREFUSED')) return 'refused';
	if (has('UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT')) return 'timeout';
	if (codes.some((code) => TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) {
		return 'tls';
	}
	if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED') || /other side closed/i.test(message)) return 'reset';
	if (has('UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'ERR_INVALID_URL')) return 'invalidRequest';
	return 'network';
}

/** Certificate verification failures, as opposed to handshake or protocol failures (e.g. https:// to an HTTP port). */
function isCertificateProblem(error: unknown): boolean {
	return errorCodes(error).some((code) => !code.startsWith('ERR_SSL_') && code !== 'EPROTO' && code !== 'UND_ERR_PRX_TLS');
}

function reasonOf(error: unknown): string {
	// OpenSSL errors carry a readable `reason`; their message names source files.
	const opensslReason = (error as { reason?: unknown } | null)?.reason;
	const message =
		typeof opensslReason === 'string' ? opensslReason : messageOf(error).split('\n')[0].trim();
	const code = errorCodes(error)[0];
	const text = message || code || 'unknown error';
	return code && !text.includes(code) ? `${text} (${code})` : text;
}

/** Where a connection error says it tried to connect: the address, port and host name on it or its causes. */
function connectTargets(error: unknown, depth = 0): Array<{ address?: unknown; port?: unknown; hostname?: unknown }> {
	if (!error || typeof error !== 'object' || depth > 4) return [];
	const { address, port, hostname, cause, errors } = error as Record<string, unknown>;
	const inner = [...(Array.isArray(errors) ? errors : []), cause].flatMap((next) => connectTargets(next, depth + 1));
	return [{ address, port, hostname }, ...inner];
}

/**
 * The proxy (of those in use) that the error failed to reach, if it names one: its host name (DNS), or its port and
 * address (a proxy given by name is matched by port alone: its address is whatever DNS gave).
 */
export function failedProxy(error: unknown, proxies: string[]): URL | undefined {
	const targets = connectTargets(error);
	for (const proxy of proxies) {
		const url = new URL(proxy);
		const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
		const host = url.hostname.replace(/^\[|\]$/g, '');
		const byAddress = /^[\d.]+$|:/.test(host);
		const reached = (t: { address?: unknown; port?: unknown; hostname?: unknown }) =>
			t.hostname === host || (Number(t.port) === port && (!byAddress || t.address === host));
		if (targets.some(reached)) return url;
	}
	return undefined;
}

const PROXY_VARIABLES = 'HTTP_PROXY, HTTPS_PROXY or ALL_PROXY';

/** A failure to reach the proxy, said as such (never its user:password). */
function proxyFailure(code: TransportErrorCode, target: string, proxy: URL, error: unknown): string | undefined {
	const where = `the proxy ${proxy.host} (${PROXY_VARIABLES} of the n8n server)`;
	if (code === 'refused') return `${target} failed: ${where} refused the connection. Check that the proxy is running and the proxy variables are right.`;
	if (code === 'dns') return `${target} failed: the host name of ${where} could not be resolved. Check the proxy variables.`;
	if (code === 'reset' || code === 'network') return `${target} failed at ${where}: ${reasonOf(error)}. Check the proxy and the proxy variables.`;
	return undefined;
}

export function describeFailure(code: TransportErrorCode, target: string, url: URL, error: unknown, timeoutMs: number, proxies: string[] = []): string {
	const proxy = proxies.length > 0 ? failedProxy(error, proxies) : undefined;
	const viaProxy = proxy && proxyFailure(code, target, proxy, error);
	if (viaProxy) return viaProxy;
	const host = url.host;
	switch (code) {
		case 'timeout':
			return `${target} got no complete response within ${timeoutMs} ms. Check that the server is up and responding, or increase the timeout.`;
		case 'aborted':
			return `${target} was cancelled because the execution was stopped.`;
		case 'dns':
			return `${target} failed: the host name "${url.hostname}" could not be resolved. Check the host in the URL, and the DNS settings of the n8n server.`;
		case 'refused':
			return `${target} failed: ${host} refused the connection. Check the URL and port, and that the service is running.`;
		case 'reset':
			return `${target} failed: the connection was closed before the response was complete (${reasonOf(error)}). Try again; if it keeps happening, check the server and any proxy or firewall in between.`;
		case 'tls':
			if (isCertificateProblem(error)) {
				return `${target} failed: the TLS certificate of ${host} could not be verified (${reasonOf(error)}). Fix the server's certificate (or trust its CA via NODE_EXTRA_CA_CERTS), or enable the node's "Ignore SSL Issues" option if you trust this server.`;
			}
			return `${target} failed: the TLS handshake with ${host} failed (${reasonOf(error)}). Check that the server speaks HTTPS on this port (http:// vs https://).`;
		case 'blocked':
			return blockedMessage(target, error);
		case 'invalidRequest':
			return `${target} could not be sent: ${reasonOf(error)}. Check the URL, method, headers and body.`;
		default:
			return `${target} failed: ${reasonOf(error)}. Check the URL and the network connection of the n8n server.`;
	}
}

export function blockedMessage(target: string, error: unknown): string {
	const reason = error instanceof Error && error.message ? ` (${error.message})` : '';
	return `n8n's outbound request policy blocked ${target}${reason}. If this destination is intended, ask your n8n administrator to allow it (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES).`;
}
