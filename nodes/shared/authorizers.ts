/**
 * Where the JAS Request node gets its bearer token. JAS and Partner: the process-wide token engine.
 * JTL-FFN: the token n8n's OAuth2 machinery stored, refreshed through n8n (which persists the rotated
 * refresh token and serialises refreshes per credential, across processes).
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	type ClientCredentialsProvider,
	type ClientCredentialsSettings,
	clientCredentialsSettings,
	getClientCredentialsToken,
} from './clientCredentials';
import { jtlApiBaseUrl } from './jtlEnvironment';
import { redact } from './secrets';
import { TokenError } from './tokenErrors';
import { renewalMarginMs, tokenEngine, type TokenEngine } from './tokenEngine';
import type { TokenHttp } from './tokenRequest';

export interface Authorizer {
	/** API base URL that relative request URLs resolve against. */
	readonly baseUrl: string;
	/** A token with time left. Throws TokenError when none can be had (remembered for this execution). */
	getToken(): Promise<string>;
	/** The API answered 401 to `token`: make sure the next getToken() returns another one. */
	rejected(token: string): Promise<void>;
	/** Secrets to scrub from anything shown to the user. */
	secrets(): string[];
}

/** Remembers the first token failure, so one bad secret costs one token request per execution, not one per item. */
abstract class MemoisingAuthorizer implements Authorizer {
	protected failure?: TokenError;

	abstract readonly baseUrl: string;

	protected abstract fetchToken(): Promise<string>;

	abstract rejected(token: string): Promise<void>;

	abstract secrets(): string[];

	async getToken(): Promise<string> {
		if (this.failure) throw this.failure;
		try {
			return await this.fetchToken();
		} catch (error) {
			this.failure = error instanceof TokenError ? error : new TokenError('network', redact(String(error), this.secrets()));
			throw this.failure;
		}
	}
}

export class ClientCredentialsAuthorizer extends MemoisingAuthorizer {
	readonly baseUrl: string;

	private readonly settings: ClientCredentialsSettings;

	/** Every token handed out in this execution: an answer to a request sent with one may arrive after it was renewed. */
	private readonly issued = new Set<string>();

	constructor(
		provider: ClientCredentialsProvider,
		credentials: ICredentialDataDecryptedObject,
		private readonly http: TokenHttp,
		private readonly engine: TokenEngine = tokenEngine,
	) {
		super();
		this.settings = clientCredentialsSettings(provider, credentials);
		this.baseUrl = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	}

	protected async fetchToken(): Promise<string> {
		const token = (await getClientCredentialsToken(this.settings, this.http, this.engine)).accessToken;
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

export const JTL_CREDENTIAL_TYPE = 'jtlFfnOAuth2Api';

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

	private get accessToken(): string {
		return typeof this.tokenData.access_token === 'string' ? this.tokenData.access_token : '';
	}

	/** Due for refresh: within the margin of n8n's recorded expiry (unknown expiry: only a 401 tells). */
	private isStale(): boolean {
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

	/** One refresh at a time, and none if `staleToken` was already replaced by a concurrent one. */
	private async refresh(staleToken: string): Promise<void> {
		// A failed refresh is not tried again by every later 401: the refresh token is spent or revoked.
		if (this.failure) throw this.failure;
		if (this.refreshing) return await this.refreshing;
		if (staleToken !== this.accessToken) return;
		this.refreshing = this.doRefresh().finally(() => (this.refreshing = undefined));
		return await this.refreshing;
	}

	private async doRefresh(): Promise<void> {
		const secrets = this.secrets();
		for (const value of [this.accessToken, this.tokenData.refresh_token]) if (typeof value === 'string' && value) this.replaced.add(value);
		try {
			const refreshHelper = (this.context.helpers as { refreshOAuth2Token?: RefreshHelper }).refreshOAuth2Token;
			if (typeof refreshHelper === 'function') {
				this.tokenData = { ...this.tokenData, ...((await refreshHelper.call(this.context, JTL_CREDENTIAL_TYPE)) as OAuthTokenData) };
				return;
			}
			// Older n8n has no refresh helper: a request through n8n's own OAuth2 path makes n8n refresh
			// (and persist) on the 401, then the stored credential holds the new token.
			await this.context.helpers.httpRequestWithAuthentication.call(this.context, JTL_CREDENTIAL_TYPE, {
				url: `${this.baseUrl}/v1/users/current`,
				method: 'GET',
			});
			const fresh = await this.context.getCredentials(JTL_CREDENTIAL_TYPE);
			this.tokenData = (fresh.oauthTokenData as OAuthTokenData | undefined) ?? {};
		} catch (error) {
			const reason = redact(error instanceof Error ? error.message : String(error), secrets);
			this.failure = new TokenError(
				'rejected',
				`Could not refresh the token of credential "JTL-FFN OAuth2 API": ${reason}. If it persists, open the credential and reconnect it.`,
			);
			throw this.failure;
		}
	}
}
