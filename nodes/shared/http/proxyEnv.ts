/**
 * The proxy settings as n8n users configure them, read from the environment when a connection pool is built:
 * `HTTP_PROXY` for http:// targets, `HTTPS_PROXY` for https:// ones, `ALL_PROXY` for either when its own variable
 * is unset (as n8n's own requests do, through proxy-from-env), `NO_PROXY` for hosts that go direct (read by undici
 * itself). Lower-case
 * names win over upper-case ones. A proxy without a scheme (`127.0.0.1:3128`) is an http:// proxy, as curl reads it.
 */
import { TransportError } from './errors';
import { tryParseUrl } from './url';

/** NO_PROXY is left to undici, which reads it afresh (n8n itself adds hosts to it at run time). */
export interface ProxySettings {
	httpProxy?: string;
	httpsProxy?: string;
}

type Env = Record<string, string | undefined>;

function variable(env: Env, name: string): string | undefined {
	const value = (env[name.toLowerCase()] ?? env[name.toUpperCase()])?.trim();
	return value ? value : undefined;
}

/** A proxy URL for undici: scheme added when missing; anything but http(s) is refused with a message that says why. */
function proxyUrl(raw: string | undefined, name: string): string | undefined {
	if (raw === undefined) return undefined;
	const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
	const parsed = tryParseUrl(withScheme);
	if (!parsed) throw new TransportError('invalidRequest', `The proxy in ${name} is not a valid URL. Set it as http://host:port (the n8n server's environment).`);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new TransportError('invalidRequest', `The proxy in ${name} is a ${parsed.protocol}// proxy; only http:// and https:// proxies are supported. Set ${name} to an HTTP proxy.`);
	}
	return parsed.href;
}

/** Which variable names the proxy for `protocol` (what a message tells the user to check). */
export function proxyVariable(env: Env, protocol: 'http:' | 'https:'): string | undefined {
	const own = protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
	if (variable(env, own)) return own;
	return variable(env, 'ALL_PROXY') ? 'ALL_PROXY' : undefined;
}

export function readProxySettings(env: Env = process.env): ProxySettings {
	const all = variable(env, 'ALL_PROXY');
	return {
		httpProxy: proxyUrl(variable(env, 'HTTP_PROXY') ?? all, proxyVariable(env, 'http:') ?? 'HTTP_PROXY'),
		httpsProxy: proxyUrl(variable(env, 'HTTPS_PROXY') ?? all, proxyVariable(env, 'https:') ?? 'HTTPS_PROXY'),
	};
}
