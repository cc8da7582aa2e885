/**
 * The trigger's reads: one GET through JAS Request's call loop (api.ts), with the credential's token, n8n's egress
 * policy, retries of 429/5xx within what is left of the poll's time. Answers a parsed page or throws a PollFailure
 * that says whether the credential needs a person (reconnectRequired).
 */
import type { IPollFunctions } from 'n8n-workflow';

import type { EgressFilter } from '../shared/http/egress';
import { headerValue } from '../shared/http/headers';
import { attempt, messageOf, settle } from '../shared/http/settle';
import { JAS_PROVIDER, PARTNER_PROVIDER } from '../shared/token/clientCredentials';
import { CREDENTIAL_TYPES } from '../shared/token/credentialTypes';
import { reconnectRequired } from '../shared/token/reconnect';
import { transportTokenHttp } from '../shared/token/tokenHttp';
import { type Authorizer, bodyText, callApi, type CallSettings, ClientCredentialsAuthorizer, jtlAuthorizer, parseText, resolveUrl, statusTextFor } from './api';

export type CredentialType = (typeof CREDENTIAL_TYPES)[keyof typeof CREDENTIAL_TYPES];

export interface Page {
	/** The URL the page came from (after redirects). */
	url: string;
	headers: Record<string, string | string[]>;
	body: unknown;
	/** The API's clock (its Date header), when it sent one. */
	serverDate?: string;
}

export type FailureKind = 'token' | 'transient' | 'api' | 'config';

/** Why a poll failed. `reconnectRequired`: only a person can fix it (the credential); otherwise it may heal. */
export class PollFailure extends Error {
	readonly name = 'PollFailure';

	constructor(
		readonly kind: FailureKind,
		message: string,
		readonly reconnectRequired: boolean,
		readonly status: number | null = null,
	) {
		super(message);
	}
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

export class TriggerClient {
	private constructor(
		private readonly auth: Authorizer,
		private readonly egress: EgressFilter | undefined,
	) {}

	static async create(ctx: IPollFunctions, type: CredentialType): Promise<TriggerClient> {
		const credentials = await ctx.getCredentials(type);
		const helpers = ctx.helpers as { getSecureEgressFilter?: () => EgressFilter };
		const egress = typeof helpers.getSecureEgressFilter === 'function' ? helpers.getSecureEgressFilter() : undefined;
		const tokenHttp = transportTokenHttp({ egress });
		// The name the user gave the credential, so messages say which one.
		const name = ctx.getNode().credentials?.[type]?.name;
		if (type === CREDENTIAL_TYPES.jtl) return new TriggerClient(jtlAuthorizer(ctx, credentials, tokenHttp, name), egress);
		const provider = type === CREDENTIAL_TYPES.partner ? PARTNER_PROVIDER : JAS_PROVIDER;
		return new TriggerClient(new ClientCredentialsAuthorizer(provider, credentials, tokenHttp, name), egress);
	}

	/** Secrets to scrub from anything the trigger shows. */
	secrets(): string[] {
		return this.auth.secrets();
	}

	/** A path on the credential's API (or a URL on its host) as a URL; throws a PollFailure for anything else. */
	resolve(url: string): URL {
		const resolved = attempt(() => resolveUrl(this.auth.baseUrl, url));
		if (!resolved.ok) throw new PollFailure('config', messageOf(resolved.error), false);
		return resolved.value;
	}

	/** GET `url` (a path on the credential's API, or an absolute URL on its host); `budgetMs` bounds the retries' waits. */
	async get(url: string, budgetMs: number): Promise<Page> {
		if (!this.auth.baseUrl) await this.tokenFailure();
		const href = this.resolve(url).href;
		const outcome = await callApi({ method: 'GET', url: href, headers: { Accept: 'application/json' } }, this.auth, this.settings(budgetMs));
		if (outcome.kind === 'token') throw new PollFailure('token', outcome.error.message, reconnectRequired(outcome.error), outcome.error.status);
		if (outcome.kind === 'network') throw new PollFailure('transient', `${outcome.error.message} (after ${outcome.attempts} attempt(s))`, false);
		const { response } = outcome;
		if (response.status >= 400) {
			const transient = response.status === 429 || response.status >= 500;
			const what = `GET ${new URL(response.url).pathname} answered ${response.status} ${statusTextFor(response.status)}`;
			const advice = transient
				? `after ${outcome.attempts} attempt(s) within the poll's time; the next poll tries again from the same place.`
				: response.status === 401 || response.status === 403
					? 'the credential was refused: check its scopes or reconnect it.'
					: 'check the trigger\'s path and options.';
			throw new PollFailure(transient ? 'transient' : 'api', `${what}: ${advice}`, response.status === 401, response.status);
		}
		const text = bodyText(response.body, response.headers);
		return { url: response.url, headers: response.headers, body: parseText(text, response.headers, 'auto'), serverDate: headerValue(response.headers, 'date') };
	}

	/** No API URL: the authorizer says what to fix (and never sends a token anywhere). */
	private async tokenFailure(): Promise<never> {
		const got = await settle(this.auth.getToken());
		if (got.ok) throw new PollFailure('config', 'The credential has no API URL: enter it in the credential.', true);
		throw new PollFailure('token', messageOf(got.error), reconnectRequired(got.error));
	}

	private settings(budgetMs: number): CallSettings {
		return {
			timeoutMs: Math.max(1_000, Math.min(TIMEOUT_MS, budgetMs)),
			followRedirects: true,
			maxRedirects: 5,
			allowUnauthorizedCerts: false,
			egress: this.egress,
			retry: { maxRetries: 10, maxTotalWaitMs: budgetMs, baseDelayMs: 500, maxDelayMs: 30_000, retryNonIdempotent: false },
			maxBodyBytes: MAX_BODY_BYTES,
		};
	}
}
