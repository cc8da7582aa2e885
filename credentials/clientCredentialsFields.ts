/**
 * The fields of the JAS and Partner credentials: one declaration for both, parametrised by provider (the behaviour
 * lives in nodes/shared/token/clientCredentials.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import type { ClientCredentialsProvider } from '../nodes/shared/token/clientCredentials';

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
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
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
