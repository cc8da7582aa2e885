import { TokenError } from '../../nodes/shared/token/tokenErrors';
import {
	buildTokenRequest,
	type ClientCredentialsConfig,
	parseTokenResponse,
	requestToken,
	tokenEndpointError,
	type TokenHttpResponse,
} from '../../nodes/shared/token/tokenRequest';

const SECRET = 'sup3r-s3cret-value';
const form: ClientCredentialsConfig = {
	label: 'JAS OAuth2 API',
	tokenUrl: 'https://jas.example/oauth2/token',
	clientId: 'client one',
	clientSecret: SECRET,
	scope: '',
	bodyStyle: 'form',
	defaultLifetimeSec: 600,
};
const json: ClientCredentialsConfig = { ...form, label: 'Partner OAuth2 API', bodyStyle: 'json', defaultLifetimeSec: 3600 };

const ok = (body: unknown, status = 200): TokenHttpResponse => ({ status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) });

function errorOf(fn: () => unknown): TokenError {
	try {
		fn();
	} catch (error) {
		if (error instanceof TokenError) return error;
		throw error;
	}
	throw new Error('expected a TokenError');
}

describe('buildTokenRequest', () => {
	it('JAS: form body, form content type, no Authorization header', () => {
		const request = buildTokenRequest(form);
		expect(request.method).toBe('POST');
		expect(request.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
		expect(request.headers).not.toHaveProperty('Authorization');
		expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
			grant_type: 'client_credentials',
			client_id: 'client one',
			client_secret: SECRET,
		});
	});
	it('Partner: JSON body with JSON content type and Accept', () => {
		const request = buildTokenRequest(json);
		expect(request.headers).toEqual({ 'Content-Type': 'application/json', Accept: 'application/json' });
		expect(JSON.parse(request.body)).toEqual({ grant_type: 'client_credentials', client_id: 'client one', client_secret: SECRET });
	});
	it('adds scope only when set', () => {
		expect(new URLSearchParams(buildTokenRequest({ ...form, scope: 'a b' }).body).get('scope')).toBe('a b');
	});
});

describe('parseTokenResponse', () => {
	it('accepts the documented answer', () => {
		expect(parseTokenResponse(form, ok({ access_token: 'abc', token_type: 'Bearer', expires_in: 600 }))).toEqual({ accessToken: 'abc', lifetimeMs: 600_000 });
	});
	it('accepts a lower-case token type and a numeric string lifetime', () => {
		expect(parseTokenResponse(form, ok({ access_token: 'abc', token_type: 'bearer', expires_in: '30' })).lifetimeMs).toBe(30_000);
	});
	it('assumes the documented lifetime when expires_in is absent', () => {
		expect(parseTokenResponse(json, ok({ access_token: 'abc' })).lifetimeMs).toBe(3_600_000);
	});
	it.each([
		['missing access_token', { token_type: 'Bearer', expires_in: 600 }, /without an access_token/],
		['empty access_token', { access_token: ' ', expires_in: 600 }, /without an access_token/],
		['non-Bearer token type', { access_token: 'a', token_type: 'mac', expires_in: 600 }, /token_type "mac"/],
		['non-numeric expires_in', { access_token: 'a', expires_in: 'soon' }, /unusable expires_in/],
		['zero expires_in', { access_token: 'a', expires_in: 0 }, /unusable expires_in/],
		['array body', [1], /not an object/],
	])('rejects %s', (_name, body, message) => {
		const error = errorOf(() => parseTokenResponse(form, ok(body)));
		expect(error.kind).toBe('invalidResponse');
		expect(error.message).toMatch(message);
	});
	it('says when an HTML page came back', () => {
		expect(errorOf(() => parseTokenResponse(form, ok('<!doctype html><p>login</p>'))).message).toMatch(/HTML page/);
	});
	it('says when the body is not JSON', () => {
		expect(errorOf(() => parseTokenResponse(form, ok('access_token=abc'))).message).toMatch(/not JSON/);
	});
});

describe('requestToken', () => {
	const noSleep = jest.fn(async () => undefined);
	beforeEach(() => noSleep.mockClear());

	async function failWith(response: TokenHttpResponse, config = form): Promise<TokenError> {
		const error = await requestToken(config, { http: async () => response, sleep: noSleep }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TokenError);
		return error as TokenError;
	}

	it.each([
		[400, 'badRequest', /form body \(Content-Type: application\/x-www-form-urlencoded\)/],
		[415, 'badRequest', /expects a form body/],
		[401, 'rejected', /Check the Client ID and Client Secret/],
		[403, 'rejected', /subscribed to the API/],
		[404, 'config', /Check the Token URL/],
	])('maps %i to %s with a message that says what to fix', async (status, kind, message) => {
		const error = await failWith(ok({ error: 'x', error_description: `echo ${SECRET}` }, status));
		expect(error.kind).toBe(kind);
		expect(error.status).toBe(status);
		expect(error.message).toMatch(message);
		expect(error.message).toContain('JAS OAuth2 API');
		expect(error.message).not.toContain(SECRET);
		expect(noSleep).not.toHaveBeenCalled();
	});

	it('retries 503 then succeeds', async () => {
		const answers = [ok({}, 503), ok({}, 503), ok({ access_token: 'T', expires_in: 60 })];
		const http = jest.fn(async () => answers.shift()!);
		await expect(requestToken(form, { http, sleep: noSleep, random: () => 0 })).resolves.toEqual({ accessToken: 'T', lifetimeMs: 60_000 });
		expect(http).toHaveBeenCalledTimes(3);
		expect(noSleep).toHaveBeenCalledTimes(2);
	});

	it('honours Retry-After on 429 and gives up after the retries', async () => {
		const http = jest.fn(async () => ({ status: 429, headers: { 'retry-after': '2' }, body: '{}' }));
		const error = (await requestToken(form, { http, sleep: noSleep }).catch((e: unknown) => e)) as TokenError;
		expect(error.kind).toBe('rateLimited');
		expect(error.retryAfterMs).toBe(2000);
		expect(http).toHaveBeenCalledTimes(3);
		expect(noSleep).toHaveBeenCalledWith(2000);
	});

	it('turns a network failure into a network error without the secret', async () => {
		const http = jest.fn(async () => {
			throw new Error(`connect ECONNREFUSED (body had ${SECRET})`);
		});
		const error = (await requestToken(form, { http, sleep: noSleep }).catch((e: unknown) => e)) as TokenError;
		expect(error.kind).toBe('network');
		expect(error.message).toMatch(/Could not reach the token endpoint/);
		expect(error.message).not.toContain(SECRET);
		expect(http).toHaveBeenCalledTimes(3);
	});

	it('refuses an incomplete credential before any request', async () => {
		const http = jest.fn();
		const error = (await requestToken({ ...form, clientSecret: '' }, { http }).catch((e: unknown) => e)) as TokenError;
		expect(error.kind).toBe('config');
		expect(http).not.toHaveBeenCalled();
	});

	it('refuses an invalid Token URL', async () => {
		const error = (await requestToken({ ...form, tokenUrl: 'jas.example/token' }, { http: jest.fn() }).catch((e: unknown) => e)) as TokenError;
		expect(error.message).toMatch(/invalid Token URL/);
		const ftp = (await requestToken({ ...form, tokenUrl: 'ftp://jas.example/token' }, { http: jest.fn() }).catch((e: unknown) => e)) as TokenError;
		expect(ftp.message).toMatch(/invalid Token URL "ftp:\/\/jas.example\/token"\. Enter a full URL with http\(s\):\/\//);
	});

	it('a Token URL left empty and a Base URL without http(s)://: the message is about the Base URL, with the fix', async () => {
		const http = jest.fn();
		const derived = { ...form, tokenUrl: 'api.jas.example/oauth2/token', derivedFromBaseUrl: 'api.jas.example' };
		const error = (await requestToken(derived, { http }).catch((e: unknown) => e)) as TokenError;
		expect(error.kind).toBe('config');
		expect(error.message).toBe(
			'Credential "JAS OAuth2 API": its Base URL "api.jas.example" needs http(s)://, e.g. https://api.jas.example. (The Token URL is left empty, so the token is asked for at the Base URL.)',
		);
		expect(error.message).not.toMatch(/Token URL "/);
		const other = (await requestToken({ ...derived, tokenUrl: 'ftp://h/oauth2/token', derivedFromBaseUrl: 'ftp://h' }, { http }).catch((e: unknown) => e)) as TokenError;
		expect(other.message).toContain('"ftp://h/" needs http(s)://, e.g. https://api.example.com.');
		expect(http).not.toHaveBeenCalled();
	});
});

describe('hardening (issue 9)', () => {
	const config = { label: 'JAS OAuth2 API', tokenUrl: 'https://a/oauth2/token', clientId: 'id', clientSecret: 'the-client-secret-value-42', scope: '', bodyStyle: 'form' as const, defaultLifetimeSec: 600 };

	it('a tiny positive expires_in is floored at one second, not used as is', () => {
		const set = parseTokenResponse(config, { status: 200, headers: {}, body: '{"access_token":"abc","expires_in":0.001}' });
		expect(set.lifetimeMs).toBe(1000);
	});

	it('redacts an echoed secret before shortening the message: no prefix of it survives the cut', () => {
		const description = `${'x'.repeat(180)}${config.clientSecret} and more`;
		const error = tokenEndpointError(config, { status: 401, headers: {}, body: JSON.stringify({ error: 'invalid_client', error_description: description }) }, 0);
		// The secret starts 4 characters before the 200-character cut: cutting first would leave "the-".
		expect(error.message).not.toContain(config.clientSecret.slice(0, 4));
	});

	it('a redirect from the token endpoint is an error that says redirects are never followed, naming only the origin', () => {
		const error = tokenEndpointError(config, { status: 307, headers: { location: 'https://evil.example/steal?client_secret=x' }, body: '' }, 0);
		expect(error.message).toMatch(/answered 307, a redirect to https:\/\/evil\.example\. Token requests never follow redirects/);
		expect(error.message).not.toContain('steal');
		expect(error.transient).toBe(false);
	});
});
