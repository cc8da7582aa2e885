/**
 * What the JAS and Partner credentials share: their fields and their behaviour (token request, preAuthentication,
 * Bearer header; implemented in nodes/shared/token/clientCredentials.ts), as one base class per
 * provider. The credential classes add their identity (name, label, documentation, icon) and their Test request.
 */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { type ClientCredentialsProvider, clientCredentialsType } from '../nodes/shared/token/clientCredentials';

/** The base class of a client-credentials credential for `provider`. */
export function clientCredentialsApi(provider: ClientCredentialsProvider) {
	const behaviour = clientCredentialsType(provider);
	return class {
		properties: INodeProperties[] = clientCredentialsFields(provider);

		preAuthentication: ICredentialType['preAuthentication'] = behaviour.preAuthentication;

		authenticate: ICredentialType['authenticate'] = behaviour.authenticate;
	};
}

/** The Client ID and Secret fields, saying where each comes from (JTL-FFN's replace those of n8n's OAuth2 type). */
export function clientFields(idHint: string, secretHint: string): INodeProperties[] {
	return [
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', required: true, hint: idHint },
		{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '', required: true, hint: secretHint },
	];
}

export function clientCredentialsFields(provider: ClientCredentialsProvider): INodeProperties[] {
	return [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://api.example.com',
			description: `${provider.baseUrlHint}. Relative URLs in the JAS Request node are resolved against it.`,
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: `<Base URL>${provider.endpointPath}`,
			description: `Leave empty to use the Base URL followed by ${provider.endpointPath}`,
		},
		...clientFields(provider.clientIdHint, provider.clientSecretHint),
		{
			displayName: 'Renew Before Expiry (Seconds)',
			name: 'renewalMarginSec',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: provider.defaultMarginSec,
			description: `A new token is fetched this long before the current one expires (${provider.defaultLifetimeSec / 60}-minute tokens). Shrinks automatically for tokens that live shorter.`,
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];
}
