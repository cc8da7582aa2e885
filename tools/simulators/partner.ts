/**
 * Partner API (docs/providers.md#partner-api): POST /api/oauth/token with a JSON body { grant_type, client_id, client_secret },
 * Accept and Content-Type application/json, 1-hour tokens that cannot be refreshed.
 */
import { clientCredentialsGrant } from './clientCredentials';
import { startSimulator, type ProviderSpec } from './common';
import { acceptsJson, headerValue, httpError, mediaType, oauthError, parseJsonObject } from './http';
import type { Simulator, SimulatorOptions } from './types';

export const PARTNER_DEMO_CLIENT = { clientId: 'partner-demo-client', clientSecret: 'partner-demo-secret-c4d1e8' } as const;

export const partnerSpec: ProviderSpec = {
	name: 'partner',
	tokenPath: '/api/oauth/token',
	defaultLifetimeSec: 3600,
	defaultClients: [{ ...PARTNER_DEMO_CLIENT, subscribed: true }],
	handleToken(ctx, req) {
		if (req.method !== 'POST') return httpError(405, undefined, { Allow: 'POST' });
		if (!acceptsJson(headerValue(req.headers.accept))) return httpError(406, 'this endpoint answers application/json');
		if (mediaType(req.headers['content-type']) !== 'application/json') {
			return httpError(415, 'send the body as application/json');
		}
		const body = parseJsonObject(req.body);
		if (!body) return oauthError(400, 'invalid_request', 'Request body must be a JSON object');
		return clientCredentialsGrant(
			ctx,
			{ grantType: body.grant_type, clientId: body.client_id, clientSecret: body.client_secret },
			{
				unsupportedGrant: (grant) =>
					grant === 'refresh_token'
						? 'Access tokens cannot be refreshed; request a new token with grant_type client_credentials'
						: `grant_type "${grant}" is not supported; use client_credentials`,
				success: (accessToken, expiresIn) => ({ token_type: 'Bearer', expires_in: expiresIn, access_token: accessToken }),
			},
		);
	},
};

export async function startPartnerSimulator(options?: SimulatorOptions): Promise<Simulator> {
	return (await startSimulator(partnerSpec, options)).simulator;
}
