/**
 * One JTL-FFN refresh through n8n (which serialises refreshes per credential across processes and saves the rotated
 * refresh token), checked on both sides: before it, the token endpoint must not redirect (redirectGuard.ts: n8n's
 * refresh would follow); after it, there must be a new access token (a `200 {}` spends the single-use refresh token
 * and brings nothing: the credential must be reconnected, not refreshed again by every later 401).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { redact } from '../shared/secrets';
import { refuseRedirectingTokenEndpoint } from '../shared/token/redirectGuard';
import { renewalMarginMs } from '../shared/token/tokenEngine';
import { TokenError } from '../shared/token/tokenErrors';
import type { TokenHttp } from '../shared/token/tokenRequest';
import { CREDENTIAL_TYPES } from '../shared/token/credentialTypes';

export const JTL_CREDENTIAL_TYPE = CREDENTIAL_TYPES.jtl;

export const JTL_MARGIN_MS = 60_000;

/** The credential type's name, for messages when the credential's own name is unknown. */
export const JTL_LABEL = 'JTL-FFN OAuth2 API';

export interface OAuthTokenData extends IDataObject {
	access_token?: string;
	refresh_token?: string;
	expires_in?: number | string;
	n8n_expires_at?: number | string;
}

type RefreshHelper = (this: IExecuteFunctions, credentialsType: string) => Promise<IDataObject>;

export interface JtlRefreshRequest {
	context: IExecuteFunctions;
	tokenData: OAuthTokenData;
	/** Where n8n's refresh posts (jtlTokenUrl), checked first over `http`, which never follows redirects. */
	tokenUrl: string;
	http: TokenHttp;
	baseUrl: string;
	/** Scrubbed from any message. */
	secrets: string[];
	now: () => number;
	/** The credential's name in messages. */
	label: string;
}

export interface JtlRefreshed {
	tokenData: OAuthTokenData;
	/** When the new access token is due for refresh (ms epoch; Infinity: only a 401 tells). */
	dueAtMs: number;
}

/** The new token data from n8n: its refresh helper, or on older n8n a request through n8n's own 401 refresh. */
async function refreshedByN8n(request: JtlRefreshRequest): Promise<OAuthTokenData> {
	const { context } = request;
	const refreshHelper = (context.helpers as { refreshOAuth2Token?: RefreshHelper }).refreshOAuth2Token;
	if (typeof refreshHelper === 'function') {
		return { ...request.tokenData, ...((await refreshHelper.call(context, JTL_CREDENTIAL_TYPE)) as OAuthTokenData) };
	}
	await context.helpers.httpRequestWithAuthentication.call(context, JTL_CREDENTIAL_TYPE, { url: `${request.baseUrl}/v1/users/current`, method: 'GET' });
	const credentials = await context.getCredentials(JTL_CREDENTIAL_TYPE);
	return (credentials.oauthTokenData as OAuthTokenData | undefined) ?? {};
}

/**
 * When a token from a refresh is due: its expires_in counted from when we asked (floored at a second), else a
 * new expiry n8n recorded, else never (a 401 then tells). An old expiry carried over from before the refresh
 * must not count: it would make every request refresh again.
 */
function dueAfterRefresh(fresh: OAuthTokenData, askedAt: number, previousExpiry: number): number {
	const lifetimeMs = Number(fresh.expires_in) * 1000;
	if (Number.isFinite(lifetimeMs) && lifetimeMs > 0) {
		const lifetime = Math.max(1_000, lifetimeMs);
		return askedAt + lifetime - renewalMarginMs(lifetime, JTL_MARGIN_MS);
	}
	const expiresAt = Number(fresh.n8n_expires_at);
	if (Number.isFinite(expiresAt) && expiresAt > askedAt && expiresAt !== previousExpiry) {
		return expiresAt - renewalMarginMs(expiresAt - askedAt, JTL_MARGIN_MS);
	}
	return Infinity;
}

const REFRESH_REJECTED = /invalid_grant|invalid_client|unauthori[sz]ed_client|revoked|reconnect/i;

/** The HTTP status an n8n or axios error carries, if any. */
function statusOf(error: unknown): number | undefined {
	const e = error as { httpCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
	const value = Number(e?.httpCode ?? e?.status ?? e?.response?.status);
	return Number.isFinite(value) ? value : undefined;
}

/** A failed refresh as a TokenError: lasting (spent or revoked refresh token) or worth trying again later. */
function refreshFailure(error: unknown, secrets: string[], label: string): TokenError {
	if (error instanceof TokenError) return error;
	const reason = redact(error instanceof Error ? error.message : String(error), secrets);
	const lasting = REFRESH_REJECTED.test(reason) || [400, 401, 403].includes(statusOf(error) ?? 0);
	return new TokenError(
		lasting ? 'rejected' : 'network',
		`Could not refresh the token of credential "${label}": ${reason}. ${lasting ? 'Open the credential and reconnect it.' : 'If it persists, open the credential and reconnect it.'}`,
	);
}

/** Refreshes through n8n; throws a TokenError (lasting ones: the caller remembers them for the run). */
export async function refreshJtlToken(request: JtlRefreshRequest): Promise<JtlRefreshed> {
	const askedAt = request.now();
	const previous = request.tokenData;
	try {
		await refuseRedirectingTokenEndpoint(request.label, request.tokenUrl, request.http);
		const fresh = await refreshedByN8n(request);
		if (typeof fresh.access_token !== 'string' || fresh.access_token === '' || fresh.access_token === previous.access_token) {
			throw new TokenError(
				'rejected',
				`The token endpoint of credential "${request.label}" answered the refresh without a new access token; the single-use refresh token is spent. Open the credential and reconnect it.`,
			);
		}
		return { tokenData: fresh, dueAtMs: dueAfterRefresh(fresh, askedAt, Number(previous.n8n_expires_at)) };
	} catch (error) {
		throw refreshFailure(error, request.secrets, request.label);
	}
}
