/**
 * One client-credentials token request, built and validated as strictly as the provider documents it
 * (JAS: form body, docs/providers.md#jas; Partner: JSON body, docs/providers.md#partner-api). No caching here: see tokenEngine.ts.
 */
import { headerValue } from '../http/headers';
import { decideRetry, parseRetryAfter, type RetryPolicy } from '../http/retry';
import { sleep } from '../http/wait';
import { settle } from '../http/settle';
import { displayUrl, httpExample, isHttpUrl, tryParseUrl } from '../http/url';
import { redact, redactAndCut } from '../secrets';
import { TokenError } from './tokenErrors';

export type TokenBodyStyle = 'form' | 'json';

export interface ClientCredentialsConfig {
	/** Credential display name, used in messages: the name the user gave it, else the type's ("JAS OAuth2 API"). */
	label: string;
	tokenUrl: string;
	/** Set when the Token URL was left empty and is this Base URL plus the provider's path: messages then name the Base URL. */
	derivedFromBaseUrl?: string;
	clientId: string;
	clientSecret: string;
	scope: string;
	bodyStyle: TokenBodyStyle;
	/** Lifetime assumed when the answer omits expires_in: the provider's documented lifetime. */
	defaultLifetimeSec: number;
}

export interface TokenHttpRequest {
	url: string;
	method: 'POST';
	headers: Record<string, string>;
	body: string;
}

export interface TokenHttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

/** Performs one HTTP exchange; throws (any error) only when no HTTP answer arrived. */
export type TokenHttp = (request: TokenHttpRequest) => Promise<TokenHttpResponse>;

export interface TokenSet {
	accessToken: string;
	lifetimeMs: number;
}

/** What of a credential's configuration is secret: the client secret, and a password typed into the Token URL. */
export function configSecrets(config: Pick<ClientCredentialsConfig, 'clientSecret' | 'tokenUrl'>): string[] {
	const password = tryParseUrl(config.tokenUrl)?.password;
	return [config.clientSecret, ...(password ? [password, safeDecode(password)] : [])].filter((value) => value !== '');
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

export function buildTokenRequest(config: ClientCredentialsConfig): TokenHttpRequest {
	const fields: Record<string, string> = {
		grant_type: 'client_credentials',
		client_id: config.clientId,
		client_secret: config.clientSecret,
	};
	if (config.scope) fields.scope = config.scope;
	if (config.bodyStyle === 'json') {
		return {
			url: config.tokenUrl,
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify(fields),
		};
	}
	return {
		url: config.tokenUrl,
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
		body: new URLSearchParams(fields).toString(),
	};
}


/**
 * The OAuth error code and description from an error body, when it has them (RFC 6749 5.2). Redacted before it
 * is shortened: a cut through a secret would leave its start readable.
 */
function oauthErrorOf(body: string, secrets: string[]): string {
	try {
		const parsed = JSON.parse(body) as Record<string, unknown>;
		const parts = [parsed.error, parsed.error_description ?? parsed.message].filter(
			(part): part is string => typeof part === 'string' && part !== '',
		);
		return parts.length ? ` (${redactAndCut(parts.join(': '), 200, secrets)})` : '';
	} catch {
		return '';
	}
}

/** Where a redirect pointed, as origin only (its path or query could carry anything). */
function redirectTarget(location: string | undefined, base: string): string {
	return tryParseUrl(location ?? '', base)?.origin ?? 'an invalid location';
}

/** How messages name the token endpoint: its URL as displayed (never a user:password@ in it). */
function endpointOf(config: ClientCredentialsConfig): string {
	return `The token endpoint of credential "${config.label}" (${displayUrl(config.tokenUrl)})`;
}

/** Turns a non-2xx token endpoint answer into an error that says what to fix. */
export function tokenEndpointError(config: ClientCredentialsConfig, response: TokenHttpResponse, nowMs: number): TokenError {
	const { status } = response;
	const detail = oauthErrorOf(response.body, configSecrets(config));
	const where = endpointOf(config);
	if (status >= 300 && status < 400) {
		return new TokenError(
			'config',
			`${where} answered ${status}, a redirect to ${redirectTarget(headerValue(response.headers, 'location'), config.tokenUrl)}. Token requests never follow redirects, so the client secret only goes to the Token URL you entered: enter the final token URL in the credential.`,
			status,
		);
	}
	if (status === 401) {
		return new TokenError('rejected', `${where} rejected the client (401)${detail}. Check the Client ID and Client Secret in the credential.`, status);
	}
	if (status === 403) {
		return new TokenError(
			'rejected',
			`${where} denied access (403)${detail}. Check the Client ID and Client Secret, and that the application is subscribed to the API in the provider's portal.`,
			status,
		);
	}
	if (status === 400 || status === 415) {
		const expected = config.bodyStyle === 'json' ? 'a JSON body (Content-Type: application/json)' : 'a form body (Content-Type: application/x-www-form-urlencoded)';
		return new TokenError(
			'badRequest',
			`${where} refused the request (${status})${detail}. It expects ${expected} with grant_type, client_id and client_secret: check the Token URL points at the right provider, and the Client ID.`,
			status,
		);
	}
	if (status === 404 || status === 405) {
		return new TokenError('config', `${where} answered ${status}${detail}. Check the Token URL in the credential.`, status);
	}
	const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'), nowMs);
	if (status === 429) {
		return new TokenError('rateLimited', `${where} is rate limiting token requests (429)${detail}. Try again later.`, status, retryAfterMs);
	}
	if (status >= 500) {
		return new TokenError('server', `${where} failed with a server error (${status})${detail}. Try again later.`, status, retryAfterMs);
	}
	return new TokenError('badRequest', `${where} answered ${status}${detail}.`, status);
}

/**
 * Validates a 2xx token answer. Rule for `expires_in` (documented in the README):
 * absent → the provider's documented lifetime is assumed (a 401 still triggers renewal);
 * a positive number or numeric string → used; anything else (zero, negative, non-numeric) → error.
 */
export function parseTokenResponse(config: ClientCredentialsConfig, response: TokenHttpResponse): TokenSet {
	const where = endpointOf(config);
	const invalid = (what: string) => new TokenError('invalidResponse', `${where} answered ${response.status} but ${what}. Check the Token URL in the credential.`, response.status);
	let parsed: unknown;
	try {
		parsed = JSON.parse(response.body);
	} catch {
		const looksHtml = /^\s*</.test(response.body);
		throw invalid(looksHtml ? 'with an HTML page instead of JSON (is the Token URL a web page?)' : 'with a body that is not JSON');
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('with JSON that is not an object');
	const body = parsed as Record<string, unknown>;
	// Echoed values are shown redacted (the secret, the token) and only then shortened: a cut must not keep a prefix.
	const shown = (value: string) => redactAndCut(value, 40, [...configSecrets(config), typeof body.access_token === 'string' ? body.access_token : '']);
	if (typeof body.access_token !== 'string' || body.access_token.trim() === '') throw invalid('without an access_token');
	if (body.token_type !== undefined && (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer')) {
		throw invalid(`with token_type "${shown(String(body.token_type))}" (only Bearer is supported)`);
	}
	let lifetimeSec = config.defaultLifetimeSec;
	if (body.expires_in !== undefined && body.expires_in !== null) {
		const value = typeof body.expires_in === 'string' && body.expires_in.trim() !== '' ? Number(body.expires_in) : body.expires_in;
		if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
			throw invalid(`with an unusable expires_in (${shown(JSON.stringify(body.expires_in) ?? '')}; a positive number of seconds is required)`);
		}
		// A lifetime below a second would make nearly every request fetch a token: treated as one second.
		lifetimeSec = Math.max(MIN_LIFETIME_SEC, value);
	}
	return { accessToken: body.access_token, lifetimeMs: lifetimeSec * 1000 };
}

/** Per token request attempt, on every path: the shared request belongs to no execution and its timeout. */
export const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

/** Floor for `expires_in` (documented in the README). */
export const MIN_LIFETIME_SEC = 1;

export const TOKEN_RETRY_POLICY: RetryPolicy = {
	maxRetries: 2,
	maxTotalWaitMs: 10_000,
	baseDelayMs: 250,
	maxDelayMs: 4_000,
	// A client-credentials request mints a token and changes nothing: safe to repeat.
	retryNonIdempotent: true,
};

export interface RequestTokenOptions {
	http: TokenHttp;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	policy?: RetryPolicy;
	random?: () => number;
}

/** Asks the token endpoint for a token, retrying 429, 5xx and network failures within the policy. */
export async function requestToken(config: ClientCredentialsConfig, options: RequestTokenOptions): Promise<TokenSet> {
	if (!config.tokenUrl || !config.clientId || !config.clientSecret) {
		throw new TokenError('config', `Credential "${config.label}" is incomplete: it needs a Token URL (or Base URL), a Client ID and a Client Secret.`);
	}
	if (!isHttpUrl(config.tokenUrl)) {
		if (config.derivedFromBaseUrl !== undefined) {
			throw new TokenError(
				'config',
				`Credential "${config.label}": its Base URL "${displayUrl(config.derivedFromBaseUrl)}" needs http(s)://, e.g. ${httpExample(config.derivedFromBaseUrl)}. (The Token URL is left empty, so the token is asked for at the Base URL.)`,
			);
		}
		throw new TokenError('config', `Credential "${config.label}" has an invalid Token URL "${displayUrl(config.tokenUrl)}". Enter a full URL with http(s)://, such as https://api.example.com/oauth2/token.`);
	}
	const now = options.now ?? Date.now;
	const wait = options.sleep ?? (async (ms: number) => void (await sleep(ms)));
	const policy = options.policy ?? TOKEN_RETRY_POLICY;
	const request = buildTokenRequest(config);
	let waitedMs = 0;
	for (let attempts = 1; ; attempts++) {
		let error: TokenError;
		const answered = await settle(options.http(request));
		if (answered.ok) {
			const response = answered.value;
			if (response.status >= 200 && response.status < 300) return parseTokenResponse(config, response);
			error = tokenEndpointError(config, response, now());
		} else {
			const cause = answered.error;
			const reason = redact(cause instanceof Error ? cause.message : String(cause), configSecrets(config)).replace(/\.+$/, '');
			error = new TokenError(
				'network',
				`Could not reach the token endpoint of credential "${config.label}" (${displayUrl(config.tokenUrl)}): ${reason}. Check the Token URL and the network.`,
			);
			// The user stopped the execution: no retry, no further requests.
			if ((cause as { code?: unknown } | null)?.code === 'aborted') throw error;
		}
		if (!error.transient) throw error;
		const decision = decideRetry({ attempts, status: error.status, method: 'POST', retryAfterMs: error.retryAfterMs, waitedMs }, policy, options.random);
		if (!decision.retry) throw error;
		waitedMs += decision.delayMs;
		await wait(decision.delayMs);
	}
}
