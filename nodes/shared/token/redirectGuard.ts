/**
 * Why a JTL refresh is checked before n8n sends it (D15). n8n's refresh (n8n-core `refreshOAuth2Token` →
 * `refreshOrFetchToken` → @n8n/client-oauth2 `ClientOAuth2Token.refresh` → `ClientOAuth2.accessTokenRequest`) posts
 * with axios at its default redirect policy: a 307/308 from the token endpoint makes it post the refresh token and
 * the client's Basic credentials again to the `Location` host, and n8n then saves that host's answer. Neither the
 * credential's fields nor `IOAuth2Options` can turn redirects off, and n8n gives a node no other way to save rotated
 * tokens (`updateCredentialsOauthTokenData` is only reachable inside n8n's OAuth code). So before every refresh the
 * package asks the token endpoint itself, with nothing secret in the request and without following redirects: an
 * endpoint that redirects gets no refresh at all.
 */
import { settle } from '../http/settle';
import { displayUrl, tryParseUrl } from '../http/url';
import { TokenError } from './tokenErrors';
import type { TokenHttp } from './tokenRequest';

/** Refuses (TokenError 'config') a token endpoint that answers a secret-free POST with a redirect. */
export async function refuseRedirectingTokenEndpoint(label: string, tokenUrl: string, http: TokenHttp): Promise<void> {
	const where = `The token endpoint of credential "${label}" (${displayUrl(tokenUrl)})`;
	// An empty form: no grant, no client authentication, nothing a redirect could carry elsewhere.
	const answered = await settle(http({ url: tokenUrl, method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: '' }));
	if (!answered.ok) {
		const reason = (answered.error instanceof Error ? answered.error.message : String(answered.error)).replace(/\.+$/, '');
		throw new TokenError('network', `Could not reach the token endpoint of credential "${label}" (${displayUrl(tokenUrl)}) before refreshing: ${reason}. Nothing was refreshed; check the OAuth server and the network.`);
	}
	const { status } = answered.value;
	const header = answered.value.headers.location;
	const location = Array.isArray(header) ? header[0] : header;
	if (status < 300 || status >= 400) return;
	const target = tryParseUrl(location ?? '', tokenUrl)?.origin ?? 'an invalid location';
	throw new TokenError(
		'config',
		`${where} answered ${status}, a redirect to ${target}. n8n's token refresh would follow it and send the refresh token there, so the refresh was refused before anything was sent. Correct the OAuth server URL in the credential (the final token URL), then reconnect it.`,
		status,
	);
}
