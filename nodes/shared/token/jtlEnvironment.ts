/** JTL-FFN hosts (docs/providers.md#jtl-ffn): one OAuth server, separate API hosts for sandbox and production. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { trimTrailingSlashes } from '../http/url';

export const JTL_OAUTH_URL = 'https://oauth2.api.jtl-software.com';

export const JTL_API_URLS = {
	sandbox: 'https://ffn-sbx.api.jtl-software.com/api',
	production: 'https://ffn2.api.jtl-software.com/api',
} as const;

export const JTL_SCOPES = ['ffn.merchant.read', 'ffn.merchant.write', 'ffn.fulfiller.read', 'ffn.fulfiller.write'] as const;

function trimSlash(value: unknown): string {
	return typeof value === 'string' ? trimTrailingSlashes(value.trim()) : '';
}

/** The API base URL the JAS Request node resolves relative paths against. */
export function jtlApiBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const environment = credentials.environment;
	if (environment === 'custom') return trimSlash(credentials.customApiUrl);
	return environment === 'production' ? JTL_API_URLS.production : JTL_API_URLS.sandbox;
}

/** n8n expression (evaluated by n8n over the credential's own fields) for an OAuth endpoint. */
export function jtlOAuthEndpointExpression(path: '/authorize' | '/token'): string {
	return `={{$self["environment"] === "custom" ? String($self["customOAuthUrl"] || "").trim().replace(/\\/+$/, "") + "${path}" : "${JTL_OAUTH_URL}${path}"}}`;
}

/**
 * The token URL n8n's refresh posts to: the credential's resolved Access Token URL (n8n evaluates the expression of
 * jtlOAuthEndpointExpression), or the same rule computed here when it arrives unresolved.
 */
export function jtlTokenUrl(credentials: ICredentialDataDecryptedObject): string {
	const resolved = typeof credentials.accessTokenUrl === 'string' ? credentials.accessTokenUrl.trim() : '';
	if (/^https?:\/\//i.test(resolved)) return resolved;
	return credentials.environment === 'custom' ? `${trimSlash(credentials.customOAuthUrl)}/token` : `${JTL_OAUTH_URL}/token`;
}
