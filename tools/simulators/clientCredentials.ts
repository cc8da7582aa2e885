/**
 * The client_credentials grant as JAS and the Partner API implement it (credentials in the request body).
 * Only how the body arrives (form vs JSON) and the answer's wording differ per provider.
 */
import type { SimContext } from './common';
import { jsonReply, oauthError, type Reply } from './http';

export interface ClientCredentialsParams {
	grantType: unknown;
	clientId: unknown;
	clientSecret: unknown;
}

export interface ClientCredentialsWording {
	/** error_description when client_id is missing */
	missingClientId?: string;
	/** error_description for a grant_type other than client_credentials */
	unsupportedGrant?(grantType: string): string;
	/** shapes the success body (providers order the fields differently) */
	success(accessToken: string, expiresIn: number): Record<string, unknown>;
}

function isMissing(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/**
 * Checks in order: missing grant_type, unsupported grant_type, missing/non-string client_id and client_secret,
 * unknown client or wrong secret (401 invalid_client), no subscription (403), then issues a token.
 */
export function clientCredentialsGrant(ctx: SimContext, p: ClientCredentialsParams, wording: ClientCredentialsWording): Reply {
	if (isMissing(p.grantType)) return oauthError(400, 'invalid_request', 'grant_type is required');
	if (p.grantType !== 'client_credentials') {
		const grant = String(p.grantType);
		return oauthError(
			400,
			'unsupported_grant_type',
			wording.unsupportedGrant?.(grant) ?? `grant_type "${grant}" is not supported; use client_credentials`,
		);
	}
	if (isMissing(p.clientId)) return oauthError(400, 'invalid_request', wording.missingClientId ?? 'client_id is required');
	if (isMissing(p.clientSecret)) return oauthError(400, 'invalid_request', 'client_secret is required');
	if (typeof p.clientId !== 'string' || typeof p.clientSecret !== 'string') {
		return oauthError(400, 'invalid_request', 'client_id and client_secret must be strings');
	}
	const client = ctx.authenticateClient(p.clientId, p.clientSecret);
	if (!client) return oauthError(401, 'invalid_client', 'Authentication Failure: unknown client or wrong client_secret');
	if (client.subscribed === false) {
		return oauthError(403, 'access_denied', 'Access Denied: the application has no subscription to this API');
	}
	const { accessToken, expiresIn } = ctx.issueAccessToken(client.clientId);
	return jsonReply(200, wording.success(accessToken, expiresIn));
}
