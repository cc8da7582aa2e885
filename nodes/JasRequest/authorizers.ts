/**
 * Where the JAS Request node gets its bearer token. JAS and Partner: the process-wide token engine.
 * JTL-FFN: the token n8n's OAuth2 machinery stored, refreshed through n8n (which persists the rotated
 * refresh token and serialises refreshes per credential, across processes).
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { type ClientCredentialsProvider, type ClientCredentialsSettings, clientCredentialsSettings, getClientCredentialsToken } from '../shared/token/clientCredentials';
import { jtlApiBaseUrl, jtlTokenUrl } from '../shared/token/jtlEnvironment';
import { type WaitBounds, waitFor } from '../shared/http/wait';
import { redact } from '../shared/secrets';
import { messageOf, settle } from '../shared/http/settle';
import { TokenError } from '../shared/token/tokenErrors';
import { renewalMarginMs, tokenEngine, type TokenEngine } from '../shared/token/tokenEngine';
import { configSecrets, type TokenHttp } from '../shared/token/tokenRequest';
import { JTL_LABEL, JTL_MARGIN_MS, type OAuthTokenData, refreshJtlToken } from './jtlRefresh';

export interface Authorizer {
	/** API base URL that relative request URLs resolve against. */
	readonly baseUrl: string;
	/** Identifies the credential (never its secret): what a per-credential rate limit is keyed by. */
	readonly identity: string;
	/**
	 * A token with time left. Throws TokenError when none can be had (a lasting failure is remembered for this
	 * execution), also when the item's own bounds (its Timeout, its execution's Stop) end its wait first.
	 */
	getToken(bounds?: WaitBounds): Promise<string>;
	/**
	 * The token getToken() would return at once (a fresh one in hand, no failure remembered), without waiting;
	 * undefined when getToken() must decide. The freshness check is the same, only the awaits are spared.
	 */
	freshToken(): string | undefined;
	/** The API answered 401 to `token`: make sure the next getToken() returns another one (within the same bounds). */
	rejected(token: string, bounds?: WaitBounds): Promise<void>;
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

	protected abstract fetchToken(bounds: WaitBounds): Promise<string>;

	/** The token in hand when it is fresh (see Authorizer.freshToken); only asked when no failure is remembered. */
	protected abstract tokenInHand(): string | undefined;

	protected abstract renew(token: string, bounds: WaitBounds): Promise<void>;

	abstract secrets(): string[];

	get unusable(): TokenError | undefined {
		if (this.baseUrl) return undefined;
		return new TokenError('config', `Credential "${this.label}" has no API URL. The token is only ever sent to the credential's API host: enter its API URL in the credential.`);
	}

	freshToken(): string | undefined {
		return this.failure || !this.baseUrl ? undefined : this.tokenInHand();
	}

	async getToken(bounds: WaitBounds = {}): Promise<string> {
		if (this.failure) throw this.failure;
		this.failure = this.unusable;
		if (this.failure) throw this.failure;
		try {
			return await this.fetchToken(bounds);
		} catch (error) {
			throw this.remembered(error);
		}
	}

	async rejected(token: string, bounds: WaitBounds = {}): Promise<void> {
		try {
			await this.renew(token, bounds);
		} catch (error) {
			throw this.remembered(error);
		}
	}

	/** Any failure as a TokenError (a wait the item's bounds ended is a transient one), remembered when lasting. */
	private remembered(error: unknown): TokenError {
		const failure = error instanceof TokenError ? error : new TokenError('network', redact(messageOf(error), this.secrets()));
		if (!failure.transient) this.failure = failure;
		return failure;
	}
}

export class ClientCredentialsAuthorizer extends MemoisingAuthorizer {
	readonly baseUrl: string;

	protected readonly label: string;

	private readonly settings: ClientCredentialsSettings;

	/** Every token handed out in this execution: an answer to a request sent with one may arrive after it was renewed. */
	private readonly issued = new Set<string>();

	/** secrets(), built again only when a token was issued since (the exit reads it for every item). */
	private secretList?: string[];

	constructor(
		provider: ClientCredentialsProvider,
		credentials: ICredentialDataDecryptedObject,
		private readonly http: TokenHttp,
		/** The credential's own name, as the node's reference holds it: messages name it. */
		name?: string,
		private readonly engine: TokenEngine = tokenEngine,
	) {
		super();
		this.settings = clientCredentialsSettings(provider, credentials, name);
		this.label = this.settings.label;
		this.baseUrl = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	}

	get identity(): string {
		return this.settings.cacheKey;
	}

	protected async fetchToken(bounds: WaitBounds): Promise<string> {
		return this.issue((await getClientCredentialsToken(this.settings, this.http, this.engine, bounds)).accessToken);
	}

	protected tokenInHand(): string | undefined {
		const cached = this.engine.peek(this.settings.cacheKey);
		return cached && this.issue(cached.accessToken);
	}

	private issue(token: string): string {
		if (!this.issued.has(token)) {
			this.issued.add(token);
			this.secretList = undefined;
		}
		return token;
	}

	protected async renew(token: string): Promise<void> {
		this.engine.invalidate(this.settings.cacheKey, token);
	}

	secrets(): string[] {
		// Not just the cache's current token: one that went stale while its request ran must be scrubbed too.
		this.secretList ??= [...configSecrets(this.settings), ...this.issued];
		return this.secretList;
	}
}

export { JTL_CREDENTIAL_TYPE } from './jtlRefresh';

export class JtlAuthorizer extends MemoisingAuthorizer {
	readonly baseUrl: string;

	protected readonly label: string;

	/** When the current access token is due for refresh, from the refresh this node asked for (ms epoch). */
	private refreshedDueAtMs?: number;

	private tokenData: OAuthTokenData;

	private refreshing?: Promise<void>;

	/** Tokens a refresh replaced: an answer to a request sent with one may still arrive, and is scrubbed too. */
	private readonly replaced = new Set<string>();

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly credentials: ICredentialDataDecryptedObject,
		/** For the check before each refresh (never follows redirects): the node's token transport. */
		private readonly http: TokenHttp,
		/** The credential's own name, as the node's reference holds it: messages name it. */
		name?: string,
		private readonly now: () => number = Date.now,
	) {
		super();
		this.label = name?.trim() || JTL_LABEL;
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

	protected async fetchToken(bounds: WaitBounds): Promise<string> {
		if (!this.accessToken) {
			throw new TokenError('config', `Credential "${this.label}" is not connected. Open the credential and click "Connect my account".`);
		}
		if (this.refreshing || this.isStale()) await this.refresh(this.accessToken, bounds);
		return this.accessToken;
	}

	protected tokenInHand(): string | undefined {
		return this.accessToken && !this.refreshing && !this.isStale() ? this.accessToken : undefined;
	}

	protected async renew(token: string, bounds: WaitBounds): Promise<void> {
		await this.refresh(token, bounds);
	}

	secrets(): string[] {
		return [this.credentials.clientSecret, this.accessToken, this.tokenData.refresh_token, ...this.replaced].filter(
			(value): value is string => typeof value === 'string',
		);
	}

	/**
	 * One refresh at a time, and none if `staleToken` was already replaced by a concurrent one. Each caller waits
	 * within its own bounds: n8n's refresh cannot be cancelled (it goes on, and n8n saves what it gets), but an item
	 * stops waiting at its Timeout, and every item at once on Stop.
	 */
	private async refresh(staleToken: string, bounds: WaitBounds): Promise<void> {
		// A lasting refresh failure is not tried again by every later 401: the refresh token is spent or revoked.
		if (this.failure) throw this.failure;
		if (!this.refreshing) {
			if (staleToken !== this.accessToken) return;
			this.refreshing = this.doRefresh().finally(() => (this.refreshing = undefined));
		}
		await waitFor(this.refreshing, bounds, (why) =>
			why === 'aborted'
				? 'The execution was cancelled while the JTL-FFN token was being refreshed.'
				: "The refresh of the JTL-FFN token did not finish within this item's Timeout (n8n's refresh goes on, and saves the new token when it arrives). Check that the JTL OAuth server answers, or raise the node's Timeout option.",
		);
	}

	private async doRefresh(): Promise<void> {
		const secrets = this.secrets();
		for (const value of [this.accessToken, this.tokenData.refresh_token]) if (typeof value === 'string' && value) this.replaced.add(value);
		const refreshed = await settle(
			refreshJtlToken({ context: this.context, tokenData: this.tokenData, tokenUrl: jtlTokenUrl(this.credentials), http: this.http, baseUrl: this.baseUrl, secrets, now: this.now, label: this.label }),
		);
		if (!refreshed.ok) {
			// A spent or revoked refresh token does not heal: remembered for the run. Anything else (the OAuth server
			// down, a timeout) may: the next item tries again.
			if (refreshed.error instanceof TokenError && !refreshed.error.transient) this.failure = refreshed.error;
			throw refreshed.error;
		}
		this.tokenData = refreshed.value.tokenData;
		this.refreshedDueAtMs = refreshed.value.dueAtMs;
	}
}
