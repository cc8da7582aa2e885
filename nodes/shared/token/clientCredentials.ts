/**
 * What JAS and Partner credentials share: their fields, how a credential's values become a token
 * request, and n8n's `preAuthentication` hook. One implementation, parametrised by provider.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
} from 'n8n-workflow';

import { authenticateForApiOrigin } from './bearerScope';
import { fieldExpression, fieldValue, tokenUrlExpression, tokenUrlOf } from './credentialFields';
import { type CachedToken, tokenCacheKey, tokenEngine, TokenEngine } from './tokenEngine';
import { n8nTokenHttp } from './tokenHttp';
import { type ClientCredentialsConfig, configSecrets, requestToken, type TokenBodyStyle, type TokenHttp } from './tokenRequest';
import { CREDENTIAL_TYPES } from './credentialTypes';
import { settle } from '../http/settle';
import type { WaitBounds } from '../http/wait';
import { redact } from '../secrets';

export interface ClientCredentialsProvider {
	credentialType: typeof CREDENTIAL_TYPES.jas | typeof CREDENTIAL_TYPES.partner;
	label: string;
	bodyStyle: TokenBodyStyle;
	/** The token endpoint's path, appended to the Base URL when the Token URL is left empty. */
	endpointPath: string;
	defaultLifetimeSec: number;
	defaultMarginSec: number;
	baseUrlHint: string;
	/** Where the user finds the client ID and secret (the credential form's hints). */
	clientIdHint: string;
	clientSecretHint: string;
}

export const JAS_PROVIDER: ClientCredentialsProvider = {
	credentialType: CREDENTIAL_TYPES.jas,
	label: 'JAS OAuth2 API',
	bodyStyle: 'form',
	endpointPath: '/oauth2/token',
	defaultLifetimeSec: 600,
	defaultMarginSec: 60,
	baseUrlHint: 'The API URL shown in the My JAS Connect portal, e.g. https://api.jas.com',
	clientIdHint: 'The "Key" of your application under MyAccount in the My JAS Connect portal',
	clientSecretHint: 'The "Secret" of that application. n8n stores it encrypted; it is only sent to the Token URL.',
};

export const PARTNER_PROVIDER: ClientCredentialsProvider = {
	credentialType: CREDENTIAL_TYPES.partner,
	label: 'Partner OAuth2 API',
	bodyStyle: 'json',
	endpointPath: '/api/oauth/token',
	defaultLifetimeSec: 3600,
	defaultMarginSec: 300,
	baseUrlHint: 'The base URL of the partner API, e.g. https://partner.example.com',
	clientIdHint: 'The client ID the partner issued for your integration',
	clientSecretHint: 'The client secret issued with it. n8n stores it encrypted; it is only sent to the Token URL.',
};

/** The Token URL: as entered, or the Base URL plus the provider's documented path (credentialFields.ts). */
export function resolveTokenUrl(provider: ClientCredentialsProvider, credentials: ICredentialDataDecryptedObject): string {
	return tokenUrlOf(credentials, provider.endpointPath);
}

export interface ClientCredentialsSettings extends ClientCredentialsConfig {
	cacheKey: string;
	marginMs: number;
}

/** `name`: the credential's own name (the node's reference holds it), for messages; else the type's label. */
export function clientCredentialsSettings(
	provider: ClientCredentialsProvider,
	credentials: ICredentialDataDecryptedObject,
	name?: string,
): ClientCredentialsSettings {
	const config: ClientCredentialsConfig = {
		label: name?.trim() || provider.label,
		tokenUrl: resolveTokenUrl(provider, credentials),
		derivedFromBaseUrl: fieldValue(credentials, 'tokenUrl') ? undefined : fieldValue(credentials, 'baseUrl') || undefined,
		clientId: fieldValue(credentials, 'clientId'),
		clientSecret: fieldValue(credentials, 'clientSecret'),
		scope: fieldValue(credentials, 'scope'),
		bodyStyle: provider.bodyStyle,
		defaultLifetimeSec: provider.defaultLifetimeSec,
	};
	const margin = Number(credentials.renewalMarginSec ?? provider.defaultMarginSec);
	return {
		...config,
		cacheKey: tokenCacheKey(config),
		marginMs: (Number.isFinite(margin) && margin >= 0 ? margin : provider.defaultMarginSec) * 1000,
	};
}

/** A token with time left, from the process-wide cache or the token endpoint. */
export async function getClientCredentialsToken(
	settings: ClientCredentialsSettings,
	http: TokenHttp,
	engine: TokenEngine = tokenEngine,
	/** The caller's Timeout and Stop: they end only this caller's wait, never the shared request. */
	bounds: WaitBounds = {},
): Promise<CachedToken> {
	return await engine.getToken(settings.cacheKey, async () => await requestToken(settings, { http }), settings.marginMs, bounds);
}

/**
 * n8n's preAuthentication: called when the stored token is empty, after a 401, or on a credential test.
 * The stored token (if any) has just been rejected or is unknown, so exactly it is invalidated first.
 */
export async function preAuthenticate(
	helper: IHttpRequestHelper,
	provider: ClientCredentialsProvider,
	credentials: ICredentialDataDecryptedObject,
): Promise<IDataObject> {
	const settings = clientCredentialsSettings(provider, credentials);
	const stored = typeof credentials.accessToken === 'string' ? credentials.accessToken.trim() : '';
	if (stored) tokenEngine.invalidate(settings.cacheKey, stored);
	const token = await getClientCredentialsToken(settings, n8nTokenHttp(helper.helpers));
	return { accessToken: token.accessToken };
}

/**
 * What preAuthentication throws when no token could be had: the message alone. n8n wraps a hook's error in its
 * NodeApiError, which replaces the message of any error carrying an HTTP status (our TokenError has one) by a generic
 * "Authorization failed - please check your credentials": the Test button and the HTTP Request node would show that
 * instead of what to fix. The message is redacted against the client secret once more, whatever its source.
 */
export function preAuthenticationError(error: unknown, credentials: ICredentialDataDecryptedObject): Error {
	const message = error instanceof Error ? error.message : String(error);
	return new Error(redact(message, configSecrets({ clientSecret: fieldValue(credentials, 'clientSecret'), tokenUrl: fieldValue(credentials, 'tokenUrl') })));
}

/**
 * The Test button: repeats the documented token request itself, so it answers exactly "do this client
 * id and secret work". n8n runs preAuthentication first; when that fails, its message (see preAuthenticationError)
 * is what the dialog shows, and these rules are only the fallback.
 */
export function clientCredentialsTest(provider: ClientCredentialsProvider): ICredentialTestRequest {
	return {
		request: {
			method: 'POST',
			url: tokenUrlExpression(provider.endpointPath),
			// As every token request: a redirect would re-post the client secret to another host.
			disableFollowRedirect: true,
			headers: {
				'Content-Type': provider.bodyStyle === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: {
				grant_type: 'client_credentials',
				client_id: `={{ ${fieldExpression('clientId')} }}`,
				client_secret: `={{ ${fieldExpression('clientSecret')} }}`,
			},
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'The Client ID or Client Secret is wrong.' } },
			{
				type: 'responseCode',
				properties: { value: 403, message: 'Access denied: check the Client ID and Client Secret, and that the application is subscribed to the API.' },
			},
		],
	};
}

/** The behaviour a client-credentials credential class declares (its fields: credentials/clientCredentialsFields.ts). */
export function clientCredentialsType(
	provider: ClientCredentialsProvider,
): Required<Pick<ICredentialType, 'preAuthentication' | 'authenticate'>> {
	return {
		async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
			const outcome = await settle(preAuthenticate(this, provider, credentials));
			if (!outcome.ok) throw preAuthenticationError(outcome.error, credentials);
			return outcome.value;
		},
		// A function, not a generic header: it sees the request, so the token goes only to the API origin (bearerScope.ts).
		authenticate: authenticateForApiOrigin,
	};
}
