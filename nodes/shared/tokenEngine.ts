/**
 * The token cache: one entry per credential identity, shared by every execution in this n8n process.
 * Single-flight acquisition, renewal ahead of expiry, and invalidation of exactly the rejected token.
 * Where the token is renewed: `TokenEngine.getToken`. When a token counts as stale: `isFresh`.
 */
import { createHash } from 'node:crypto';

import { fingerprint } from './secrets';
import type { TokenSet } from './tokenRequest';

export interface CachedToken {
	readonly accessToken: string;
	/** When the provider will stop accepting it (measured from before the request was sent). */
	readonly expiresAtMs: number;
	/** From here on it is no longer handed out: renewal is due. */
	readonly renewAtMs: number;
}

export interface TokenIdentity {
	tokenUrl: string;
	clientId: string;
	clientSecret: string;
	scope: string;
}

/**
 * Cache key of a credential: token URL, client id, a hash of the secret, and scope. The secret itself is
 * never stored; editing it (or the URL) yields another key, so a new token.
 */
export function tokenCacheKey(identity: TokenIdentity): string {
	const material = JSON.stringify([identity.tokenUrl, identity.clientId, fingerprint(identity.clientSecret), identity.scope]);
	return createHash('sha256').update(material).digest('hex');
}

/**
 * How long before expiry a token is renewed: the configured margin, shrunk to a quarter of the
 * lifetime for tokens that live shorter than four margins (a 2 s token is used for 1.5 s, not never).
 */
export function renewalMarginMs(lifetimeMs: number, configuredMarginMs: number): number {
	return Math.max(0, Math.min(configuredMarginMs, lifetimeMs / 4));
}

export function isFresh(token: CachedToken, nowMs: number): boolean {
	return nowMs < token.renewAtMs;
}

interface Entry {
	token?: CachedToken;
	pending?: Promise<CachedToken>;
}

/** Entries beyond this are pruned of expired tokens; one per credential identity is all that is needed. */
const PRUNE_ABOVE = 256;

export class TokenEngine {
	private readonly entries = new Map<string, Entry>();

	private readonly now: () => number;

	constructor(options: { now?: () => number } = {}) {
		this.now = options.now ?? Date.now;
	}

	/**
	 * A token with time left for `key`. Concurrent callers share one acquisition; a failure is passed
	 * to every caller waiting on it and not cached, so the next call asks again.
	 */
	async getToken(key: string, fetchToken: () => Promise<TokenSet>, marginMs: number): Promise<CachedToken> {
		const entry = this.entries.get(key) ?? {};
		if (entry.token && isFresh(entry.token, this.now())) return entry.token;
		if (entry.pending) return await entry.pending;
		const pending = this.acquire(entry, fetchToken, marginMs);
		entry.pending = pending;
		this.entries.set(key, entry);
		try {
			return await pending;
		} finally {
			if (entry.pending === pending) entry.pending = undefined;
		}
	}

	/** The cached token for `key` if it is still fresh, without fetching. */
	peek(key: string): CachedToken | undefined {
		const token = this.entries.get(key)?.token;
		return token && isFresh(token, this.now()) ? token : undefined;
	}

	/**
	 * Forgets `accessToken` after the API rejected it. Only that exact token: a newer one fetched by a
	 * concurrent caller meanwhile stays. Returns whether anything was dropped.
	 */
	invalidate(key: string, accessToken: string): boolean {
		const entry = this.entries.get(key);
		if (!entry?.token || entry.token.accessToken !== accessToken) return false;
		entry.token = undefined;
		return true;
	}

	private async acquire(entry: Entry, fetchToken: () => Promise<TokenSet>, marginMs: number): Promise<CachedToken> {
		const requestedAt = this.now();
		const set = await fetchToken();
		const expiresAtMs = requestedAt + set.lifetimeMs;
		const token: CachedToken = {
			accessToken: set.accessToken,
			expiresAtMs,
			renewAtMs: expiresAtMs - renewalMarginMs(set.lifetimeMs, marginMs),
		};
		entry.token = token;
		this.prune();
		return token;
	}

	private prune(): void {
		if (this.entries.size <= PRUNE_ABOVE) return;
		const now = this.now();
		for (const [key, entry] of this.entries) {
			if (!entry.pending && (!entry.token || entry.token.expiresAtMs <= now)) this.entries.delete(key);
		}
	}
}

/** The process-wide engine: every execution of every workflow in this n8n process shares its tokens. */
export const tokenEngine = new TokenEngine();
