import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { JTL_API_URLS, JTL_SCOPES, jtlOAuthEndpointExpression } from '../nodes/shared/token/jtlEnvironment';
import { CREDENTIAL_TYPES } from '../nodes/shared/token/credentialTypes';
import { clientFields } from './clientCredentialsApi';

/**
 * JTL-FFN (docs/providers.md#jtl-ffn): authorization-code grant with client authentication by HTTP Basic, on n8n's own
 * OAuth2 machinery (Connect button, callback, refresh). Refresh tokens are single-use and rotate: n8n
 * persists the newest one, and the JAS Request node refreshes through n8n's locked, single-flight refresh.
 */
export class JtlFfnOAuth2Api implements ICredentialType {
	name = CREDENTIAL_TYPES.jtl;

	extends = ['oAuth2Api'];

	displayName = 'JTL-FFN OAuth2 API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-jas#jtl-ffn';

	icon = { light: 'file:icons/jtl.svg', dark: 'file:icons/jtl.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName:
				'Before connecting: log in once to the FFN portal of the chosen environment (otherwise the API answers 404), and pick the scopes this connection needs.',
			name: 'portalNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Sandbox', value: 'sandbox', description: JTL_API_URLS.sandbox },
				{ name: 'Production', value: 'production', description: JTL_API_URLS.production },
				{ name: 'Custom', value: 'custom', description: 'Other hosts, e.g. a local simulator' },
			],
			default: 'sandbox',
			description: 'Log in to the matching FFN portal once before connecting, or the API answers 404',
		},
		{
			displayName: 'API URL',
			name: 'customApiUrl',
			type: 'string',
			default: '',
			// The token is only ever sent to this host: without it there is nothing to hold URLs against.
			required: true,
			placeholder: 'http://127.0.0.1:8083/api',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'OAuth Server URL',
			name: 'customOAuthUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'http://127.0.0.1:8083',
			description: 'Where /authorize and /token live',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Scopes',
			name: 'scopes',
			type: 'multiOptions',
			options: [
				{ name: 'Merchant: Read', value: JTL_SCOPES[0] },
				{ name: 'Merchant: Write', value: JTL_SCOPES[1] },
				{ name: 'Fulfiller: Read', value: JTL_SCOPES[2] },
				{ name: 'Fulfiller: Write', value: JTL_SCOPES[3] },
			],
			default: [JTL_SCOPES[0]],
			required: true,
			description: 'What the connection may do; the JTL user approves these when connecting. Reconnect after changing them.',
		},
		// Same names as n8n's OAuth2 fields, which these replace in place, with a word on where they come from.
		...clientFields(
			'The client ID of your OAuth client, created at kundencenter.jtl-software.de/oauth with the OAuth Redirect URL shown above',
			'The client secret of that OAuth client. n8n stores it encrypted; it is only sent to the OAuth server.',
		),
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: jtlOAuthEndpointExpression('/authorize') },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: jtlOAuthEndpointExpression('/token') },
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			// The editor may save an untouched multi-select as []: fall back to merchant read, never an empty scope.
			default: `={{ ([].concat($self["scopes"] || [])).join(" ") || "${JTL_SCOPES[0]}" }}`,
		},
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		// JTL authenticates the client with HTTP Basic (client_id:client_secret), never in the body.
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
	];
}
