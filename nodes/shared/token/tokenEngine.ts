/**
 * The token cache: one entry per credential identity, shared by every execution in this n8n process.
 * Single-flight acquisition, renewal ahead of expiry, and invalidation of exactly the rejected token.
 * Where the token is renewed: `TokenEngine.getToken`. When a token counts as stale: `isFresh`.
 *
 * The shared acquisition belongs to no execution: it runs with its own bounded timeout (in the TokenHttp), and each
 * waiter's own bounds (its item's Timeout, its execution's Stop) end only that waiter's wait. A renewal that fails while the old token is still valid
 * keeps the old token in use and is tried again `RENEWAL_RETRY_MS` later.
 */
import { createHash } from 'node:crypto';

import { settle } from '../http/settle';
import { type WaitBounds, type WaitEnd, waitFor } from '../http/wait';
import { fingerprint } from '../secrets';
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
	/** After a failed renewal: the still-valid token is handed out until then, without asking again. */
	renewalPausedUntilMs?: number;
}

/** Pause between renewal attempts while the old token still works. */
export const RENEWAL_RETRY_MS = 5_000;

/**
 * What a waiter is told when its own bounds end its wait: its execution was cancelled (code 'aborted', like a
 * cancelled request), or its Timeout passed (code 'deadline') while the shared request goes on for the others.
 */
function waitEndedMessage(why: WaitEnd, signal: AbortSignal | undefined): string {
	if (why === 'deadline') {
		return "No token within this item's Timeout: the token endpoint has not answered yet (the request goes on for the other items). Check that the Token URL answers, or raise the node's Timeout option.";
	}
	const reason = signal?.reason as { message?: unknown } | undefined;
	return typeof reason?.message === 'string' && reason.message ? reason.message : 'The execution was cancelled';
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
	async getToken(key: string, fetchToken: () => Promise<TokenSet>, marginMs: number, bounds: WaitBounds = {}): Promise<CachedToken> {
		const entry = this.entries.get(key) ?? {};
		const now = this.now();
		if (entry.token && isFresh(entry.token, now)) return entry.token;
		const stillValid = entry.token && now < entry.token.expiresAtMs ? entry.token : undefined;
		if (stillValid && entry.renewalPausedUntilMs !== undefined && now < entry.renewalPausedUntilMs) return stillValid;
		if (!entry.pending) {
			const pending = this.acquire(entry, fetchToken, marginMs);
			entry.pending = pending;
			this.entries.set(key, entry);
			// Cleared by the acquisition itself, not by a waiter: a cancelled waiter must not orphan it.
			void pending.then(
				() => (entry.pending = entry.pending === pending ? undefined : entry.pending),
				() => (entry.pending = entry.pending === pending ? undefined : entry.pending),
			);
		}
		const waited = await settle(waitFor(entry.pending!, bounds, (why) => waitEndedMessage(why, bounds.signal)));
		if (waited.ok) return waited.value;
		// A failed renewal while the old token still works: keep using it, ask again a little later.
		const code = (waited.error as { code?: unknown } | null)?.code;
		if (stillValid && entry.token === stillValid && this.now() < stillValid.expiresAtMs && code !== 'aborted') {
			entry.renewalPausedUntilMs = this.now() + RENEWAL_RETRY_MS;
			return stillValid;
		}
		throw waited.error;
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
		entry.renewalPausedUntilMs = undefined;
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
