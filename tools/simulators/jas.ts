/**
 * JAS ("My JAS Connect", docs/providers.md#jas): POST /oauth2/token, form-urlencoded client_credentials with the
 * credentials in the body ("Auth type: No Auth"), 10-minute tokens, the JAS error table.
 */
import { clientCredentialsGrant } from './clientCredentials';
import { startSimulator, type ProviderSpec } from './common';
import { acceptsJson, headerValue, httpError, mediaType, oauthError, parseForm } from './http';
import type { Simulator, SimulatorOptions } from './types';

export const JAS_DEMO_CLIENT = { clientId: 'jas-demo-client', clientSecret: 'jas-demo-secret-7f3a9c' } as const;
export const JAS_NOSUB_CLIENT = { clientId: 'jas-nosub-client', clientSecret: 'jas-nosub-secret-51be02' } as const;

export const jasSpec: ProviderSpec = {
	name: 'jas',
	tokenPath: '/oauth2/token',
	defaultLifetimeSec: 600,
	defaultClients: [
		{ ...JAS_DEMO_CLIENT, subscribed: true },
		{ ...JAS_NOSUB_CLIENT, subscribed: false },
	],
	handleToken(ctx, req) {
		if (req.method !== 'POST') return httpError(405, undefined, { Allow: 'POST' });
		if (!acceptsJson(headerValue(req.headers.accept))) return httpError(406, 'this endpoint answers application/json');
		const type = mediaType(req.headers['content-type']);
		if (!type) return oauthError(400, 'invalid_request', 'Missing Content-Type header');
		if (type !== 'application/x-www-form-urlencoded') {
			return httpError(415, 'use application/x-www-form-urlencoded');
		}
		const form = parseForm(req.body);
		if ('repeated' in form) return oauthError(400, 'invalid_request', `${form.repeated} must not be repeated`);
		const { params } = form;
		return clientCredentialsGrant(
			ctx,
			{ grantType: params.get('grant_type'), clientId: params.get('client_id'), clientSecret: params.get('client_secret') },
			{
				missingClientId: req.headers.authorization
					? 'client_id is missing: send client_id and client_secret in the form body (an Authorization header is not accepted)'
					: 'client_id is required',
				success: (accessToken, expiresIn) => ({ access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn }),
			},
		);
	},
};

export async function startJasSimulator(options?: SimulatorOptions): Promise<Simulator> {
	return (await startSimulator(jasSpec, options)).simulator;
}
