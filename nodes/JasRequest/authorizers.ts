/**
 * Where the JAS Request node gets its bearer token. JAS and Partner: the process-wide token engine.
 * JTL-FFN: the token n8n's OAuth2 machinery stored, refreshed through n8n (which persists the rotated
 * refresh token and serialises refreshes per credential, across processes).
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { type ClientCredentialsProvider, type ClientCredentialsSettings, clientCredentialsSettings, getClientCredentialsToken } from '../shared/token/clientCredentials';
import { jtlApiBaseUrl } from '../shared/token/jtlEnvironment';
import { redact } from '../shared/secrets';
import { CREDENTIAL_TYPES } from '../shared/token/credentialTypes';
import { messageOf } from '../shared/http/settle';
import { TokenError } from '../shared/token/tokenErrors';
import { renewalMarginMs, tokenEngine, type TokenEngine } from '../shared/token/tokenEngine';
import type { TokenHttp } from '../shared/token/tokenRequest';

export interface Authorizer {
	/** API base URL that relative request URLs resolve against. */
	readonly baseUrl: string;
	/** Identifies the credential (never its secret): what a per-credential rate limit is keyed by. */
	readonly identity: string;
	/** A token with time left. Throws TokenError when none can be had (a lasting failure is remembered for this execution). */
	getToken(): Promise<string>;
	/** The API answered 401 to `token`: make sure the next getToken() returns another one. */
	rejected(token: string): Promise<void>;
	/** Secrets to scrub from anything shown to the user. */
	secrets(): string[];
	/** Why no token can ever be had, known without asking for one (a credential without an API URL). */
	readonly unusable: TokenError | undefined;
}

/**
 * Remembers a lasting token failure (wrong secret, bad URL), so one bad secret costs one token request per
 * execution, not one per item. Transient ones (429, 5xx, network) are not remembered: a later item asks again.
 * A credential without an API host never yields a token: the host rule would have nothing to compare against.
 */
abstract class MemoisingAuthorizer implements Authorizer {
	protected failure?: TokenError;

	abstract readonly baseUrl: string;

	abstract readonly identity: string;

	protected abstract readonly label: string;

	protected abstract fetchToken(): Promise<string>;

	abstract rejected(token: string): Promise<void>;

	abstract secrets(): string[];

	get unusable(): TokenError | undefined {
		if (this.baseUrl) return undefined;
		return new TokenError('config', `Credential "${this.label}" has no API URL. The token is only ever sent to the credential's API host: enter its API URL in the credential.`);
	}

	async getToken(): Promise<string> {
		if (this.failure) throw this.failure;
		this.failure = this.unusable;
		if (this.failure) throw this.failure;
		try {
			return await this.fetchToken();
		} catch (error) {
			const failure = error instanceof TokenError ? error : new TokenError('network', redact(messageOf(error), this.secrets()));
			if (!failure.transient) this.failure = failure;
			throw failure;
		}
	}
}

export class ClientCredentialsAuthorizer extends MemoisingAuthorizer {
	readonly baseUrl: string;

	protected readonly label: string;

	private readonly settings: ClientCredentialsSettings;

	/** Every token handed out in this execution: an answer to a request sent with one may arrive after it was renewed. */
	private readonly issued = new Set<string>();

	constructor(
		provider: ClientCredentialsProvider,
		credentials: ICredentialDataDecryptedObject,
		private readonly http: TokenHttp,
		private readonly engine: TokenEngine = tokenEngine,
		/** The execution's cancel signal: ends this execution's wait for a shared token request, nothing else. */
		private readonly signal?: AbortSignal,
	) {
		super();
		this.label = provider.label;
		this.settings = clientCredentialsSettings(provider, credentials);
		this.baseUrl = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	}

	get identity(): string {
		return this.settings.cacheKey;
	}

	protected async fetchToken(): Promise<string> {
		const token = (await getClientCredentialsToken(this.settings, this.http, this.engine, this.signal)).accessToken;
		this.issued.add(token);
		return token;
	}

	async rejected(token: string): Promise<void> {
		this.engine.invalidate(this.settings.cacheKey, token);
	}

	secrets(): string[] {
		// Not just the cache's current token: one that went stale while its request ran must be scrubbed too.
		return [this.settings.clientSecret, ...this.issued];
	}
}

export const JTL_CREDENTIAL_TYPE = CREDENTIAL_TYPES.jtl;

const JTL_MARGIN_MS = 60_000;

interface OAuthTokenData extends IDataObject {
	access_token?: string;
	refresh_token?: string;
	expires_in?: number | string;
	n8n_expires_at?: number | string;
}

type RefreshHelper = (this: IExecuteFunctions, credentialsType: string) => Promise<IDataObject>;

export class JtlAuthorizer extends MemoisingAuthorizer {
	readonly baseUrl: string;

	protected readonly label = 'JTL-FFN OAuth2 API';

	/** When the current access token is due for refresh, from the refresh this node asked for (ms epoch). */
	private refreshedDueAtMs?: number;

	private tokenData: OAuthTokenData;

	private refreshing?: Promise<void>;

	/** Tokens a refresh replaced: an answer to a request sent with one may still arrive, and is scrubbed too. */
	private readonly replaced = new Set<string>();

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly credentials: ICredentialDataDecryptedObject,
		private readonly now: () => number = Date.now,
	) {
		super();
		this.baseUrl = jtlApiBaseUrl(credentials);
		this.tokenData = (credentials.oauthTokenData as OAuthTokenData | undefined) ?? {};
	}

	get identity(): string {
		return `jtl ${this.baseUrl} ${String(this.credentials.clientId ?? '')}`;
	}

	private get accessToken(): string {
		return typeof this.tokenData.access_token === 'string' ? this.tokenData.access_token : '';
	}

	/**
	 * Due for refresh: after a refresh this node asked for, by that answer's expires_in counted from when it asked;
	 * otherwise within the margin of n8n's recorded expiry. Unknown expiry: only a 401 tells (never a refresh storm).
	 */
	private isStale(): boolean {
		if (this.refreshedDueAtMs !== undefined) return this.now() >= this.refreshedDueAtMs;
		const expiresAt = Number(this.tokenData.n8n_expires_at);
		if (!Number.isFinite(expiresAt) || expiresAt <= 0) return false;
		const lifetimeMs = Number(this.tokenData.expires_in) * 1000;
		const margin = Number.isFinite(lifetimeMs) && lifetimeMs > 0 ? renewalMarginMs(lifetimeMs, JTL_MARGIN_MS) : JTL_MARGIN_MS;
		return this.now() >= expiresAt - margin;
	}

	protected async fetchToken(): Promise<string> {
		if (!this.accessToken) {
			throw new TokenError('config', 'Credential "JTL-FFN OAuth2 API" is not connected. Open the credential and click "Connect my account".');
		}
		if (this.refreshing) await this.refreshing;
		else if (this.isStale()) await this.refresh(this.accessToken);
		return this.accessToken;
	}

	async rejected(token: string): Promise<void> {
		await this.refresh(token);
	}

	secrets(): string[] {
		return [this.credentials.clientSecret, this.accessToken, this.tokenData.refresh_token, ...this.replaced].filter(
			(value): value is string => typeof value === 'string',
		);
	}

	/**
	 * When a token from a refresh is due: its expires_in counted from when we asked (floored at a second), else a
	 * new expiry n8n recorded, else never (a 401 then tells). An old expiry carried over from before the refresh
	 * must not count: it would make every request refresh again.
	 */
	private dueAfterRefresh(fresh: OAuthTokenData, askedAt: number, previousExpiry: number): number {
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

	/** One refresh at a time, and none if `staleToken` was already replaced by a concurrent one. */
	private async refresh(staleToken: string): Promise<void> {
		// A lasting refresh failure is not tried again by every later 401: the refresh token is spent or revoked.
		if (this.failure) throw this.failure;
		if (this.refreshing) return await this.refreshing;
		if (staleToken !== this.accessToken) return;
		this.refreshing = this.doRefresh().finally(() => (this.refreshing = undefined));
		return await this.refreshing;
	}

	private async doRefresh(): Promise<void> {
		const secrets = this.secrets();
		for (const value of [this.accessToken, this.tokenData.refresh_token]) if (typeof value === 'string' && value) this.replaced.add(value);
		const askedAt = this.now();
		const previousExpiry = Number(this.tokenData.n8n_expires_at);
		try {
			const refreshHelper = (this.context.helpers as { refreshOAuth2Token?: RefreshHelper }).refreshOAuth2Token;
			let fresh: OAuthTokenData;
			if (typeof refreshHelper === 'function') {
				fresh = (await refreshHelper.call(this.context, JTL_CREDENTIAL_TYPE)) as OAuthTokenData;
				this.tokenData = { ...this.tokenData, ...fresh };
			} else {
				// Older n8n has no refresh helper: a request through n8n's own OAuth2 path makes n8n refresh
				// (and persist) on the 401, then the stored credential holds the new token.
				await this.context.helpers.httpRequestWithAuthentication.call(this.context, JTL_CREDENTIAL_TYPE, {
					url: `${this.baseUrl}/v1/users/current`,
					method: 'GET',
				});
				const credentials = await this.context.getCredentials(JTL_CREDENTIAL_TYPE);
				fresh = (credentials.oauthTokenData as OAuthTokenData | undefined) ?? {};
				this.tokenData = fresh;
			}
			this.refreshedDueAtMs = this.dueAfterRefresh(fresh, askedAt, previousExpiry);
		} catch (error) {
			const reason = redact(error instanceof Error ? error.message : String(error), secrets);
			// A spent or revoked refresh token does not heal: remembered for the run. Anything else (the OAuth server
			// down, a timeout) may: the next item tries again.
			const lasting = REFRESH_REJECTED.test(reason) || [400, 401, 403].includes(statusOf(error) ?? 0);
			const failure = new TokenError(
				lasting ? 'rejected' : 'network',
				`Could not refresh the token of credential "JTL-FFN OAuth2 API": ${reason}. ${lasting ? 'Open the credential and reconnect it.' : 'If it persists, open the credential and reconnect it.'}`,
			);
			if (lasting) this.failure = failure;
			throw failure;
		}
	}
}

const REFRESH_REJECTED = /invalid_grant|invalid_client|unauthori[sz]ed_client|revoked|reconnect/i;

/** The HTTP status an n8n or axios error carries, if any. */
function statusOf(error: unknown): number | undefined {
	const e = error as { httpCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
	const value = Number(e?.httpCode ?? e?.status ?? e?.response?.status);
	return Number.isFinite(value) ? value : undefined;
}
