/**
 * Public types of the local OAuth provider simulators (JAS, Partner API, JTL-FFN).
 * Tests, benchmarks and the e2e harness code against these names.
 */
import type { ChangeFeeds } from './changeFeeds';
import type { RecordLists } from './recordLists';

import type { ApiRateLimitConfig } from './apiRateLimit';

export type { ApiRequest, SimRequest, TokenRecord } from './requests';

export type SimulatorName = 'jas' | 'partner' | 'jtl';

export interface ClientConfig {
	clientId: string;
	clientSecret: string;
	/** JAS/Partner: false → the token endpoint answers 403 Access Denied. Default true. */
	subscribed?: boolean;
	/** JTL: exact redirect URIs. Omitted → any http://localhost[:port]/… or http://127.0.0.1[:port]/… URI. */
	redirectUris?: string[];
	/** JTL: scopes the client may request. Omitted → the four ffn.* scopes. */
	scopes?: string[];
}

export interface SimulatorOptions {
	/** default: JAS 600, Partner 3600, JTL 1800 */
	tokenLifetimeSec?: number;
	/** added to every API and token response (default 0) */
	latencyMs?: number;
	/** replaces the provider's default clients */
	clients?: ClientConfig[];
	/** default 0 (an ephemeral port) */
	port?: number;
}

export interface SimulatorStats {
	/** every request that reached the token endpoint (any outcome) */
	tokenRequests: number;
	tokensIssued: number;
	/** JTL grant_type=refresh_token */
	refreshRequests: number;
	/** JTL invalid_grant answers: spent/unknown refresh token or code */
	invalidGrant: number;
	/** every request to a protected API path */
	apiRequests: number;
	/** API requests answered 401 */
	unauthorized: number;
	/** API requests answered 429 by the API rate limit (setApiRateLimit) */
	rateLimited: number;
	/** the most API requests the rate limit accepted in any 1000 ms (sliding), whether a limit is set or not */
	busiestSecond: number;
	/** API 401s where the token was issued by this simulator but had expired */
	expiredTokenRejections: number;
	/** concurrent API requests (not token requests) */
	inFlight: number;
	maxInFlight: number;
	/** server-side handling time per API request, including injected latency */
	apiLatenciesMs: number[];
}

export type TokenFaultKind =
	| 'status'
	| 'html'
	| 'notJson'
	| 'missingAccessToken'
	| 'emptyAccessToken'
	| 'wrongTokenType'
	| 'badExpiresIn'
	| 'noExpiresIn'
	| 'drop'
	| 'slow';

/** Applies to the token endpoint. */
export interface TokenFault {
	kind: TokenFaultKind;
	/** for 'status' (e.g. 429, 500, 503); default 500 */
	status?: number;
	/** Retry-After header value for 'status' */
	retryAfter?: string;
	/** for 'slow' */
	delayMs?: number;
	/** how many token requests it affects, then it clears itself (default: unlimited) */
	times?: number;
}

export interface Simulator {
	readonly name: SimulatorName;
	/** e.g. http://127.0.0.1:41234 (no trailing slash) */
	readonly url: string;
	readonly stats: SimulatorStats;
	/** every access token and refresh token ever issued (for leak tests) */
	issuedSecrets(): string[];
	setTokenFault(fault: TokenFault | null): void;
	setTokenLifetime(sec: number): void;
	setLatency(ms: number): void;
	/**
	 * Enforces one rate limit on the protected API for every caller, as a token bucket of `burst` (default 1)
	 * refilled at `perSecond`: a request beyond it is answered 429 with Retry-After (whole seconds, rounded up), or
	 * without it when `retryAfter` is false. null switches it off. Also POST /__admin/config `{ apiRateLimit }`.
	 */
	setApiRateLimit(limit: ApiRateLimitConfig | null): void;
	/** the growing lists under /api/lists/<name> (recordLists.ts); also `POST /__admin/lists/<name>` */
	readonly lists: RecordLists;
	/** resets the counters and the per-key /api/flaky call counts (not faults, lifetime or latency) */
	resetStats(): void;
	/** closes the server and all keep-alive sockets promptly */
	close(): Promise<void>;
}

export interface JtlTokenResponse {
	access_token: string;
	refresh_token: string;
	expires_in: number;
	token_type: string;
	scope: string;
}

export interface JtlSimulator extends Simulator {
	/** runs the authorize + code exchange as a user would, returns the token response JSON */
	authorizeAndExchange(p: {
		clientId: string;
		clientSecret: string;
		redirectUri: string;
		scope: string;
	}): Promise<JtlTokenResponse>;
	/** the change feeds under /api/v1/{merchant|fulfiller}/{…}/updates (changeFeeds.ts); also `POST /__admin/feeds/<role>/<resource>` */
	readonly feeds: ChangeFeeds;
	/** true: GET /authorize shows a login/consent page (Approve / Deny) instead of approving at once. Default false. */
	requireConsent(on: boolean): void;
}

/** What the common API routes (apiRoutes.ts) need of a simulator's state: declared here so they need not import it. */
export interface ApiRouteContext {
	/** /api/flaky/<key> call counts */
	readonly flakyCalls: Map<string, number>;
	/** A timer that the simulator's close() cuts short. */
	sleep(ms: number): Promise<void>;
	/** the growing lists under /api/lists/<name> (recordLists.ts) */
	readonly lists: RecordLists;
}
