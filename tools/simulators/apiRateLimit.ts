/**
 * The protected API's rate limit: one token bucket for every caller (each n8n worker, each execution), so the
 * simulator sees what a real API enforcing "N per second for this API key" sees. A request beyond it is answered
 * 429, with Retry-After (whole seconds, rounded up, as most APIs send it) or, in the `retryAfter: false` mode,
 * without one. It also counts what it accepted in the busiest 1000 ms (a sliding window, so a burst across a
 * second's boundary is not split).
 */
import { performance } from 'node:perf_hooks';

export interface ApiRateLimitConfig {
	perSecond: number;
	/** requests the bucket holds (back to back after a quiet time); default 1 */
	burst?: number;
	/** false: 429 without Retry-After; default true */
	retryAfter?: boolean;
}

export class ApiRateLimit {
	private bucket?: { perSecond: number; burst: number; tokens: number; at: number; retryAfter: boolean };
	/** arrival times (ms) of the requests accepted in the last 1000 ms */
	private recent: number[] = [];
	busiestSecond = 0;

	set(config: ApiRateLimitConfig | null): void {
		if (!config) {
			this.bucket = undefined;
			return;
		}
		const perSecond = config.perSecond;
		if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond < 0) throw new Error('perSecond must be a number >= 0');
		const burst = Math.max(1, config.burst ?? 1);
		this.bucket = { perSecond, burst, tokens: burst, at: performance.now(), retryAfter: config.retryAfter !== false };
	}

	get config(): ApiRateLimitConfig | null {
		const b = this.bucket;
		return b ? { perSecond: b.perSecond, burst: b.burst, retryAfter: b.retryAfter } : null;
	}

	/** One request arrives: undefined when accepted, else the headers of its 429 (Retry-After, or none in that mode). */
	take(): { headers: Record<string, string> } | undefined {
		const now = performance.now();
		const bucket = this.bucket;
		if (bucket) {
			bucket.tokens = Math.min(bucket.burst, bucket.tokens + ((now - bucket.at) / 1000) * bucket.perSecond);
			bucket.at = now;
			if (bucket.tokens < 1) {
				const waitMs = ((1 - bucket.tokens) / bucket.perSecond) * 1000;
				return { headers: bucket.retryAfter ? { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) } : {} };
			}
			bucket.tokens -= 1;
		}
		this.recent.push(now);
		while (this.recent[0] <= now - 1000) this.recent.shift();
		this.busiestSecond = Math.max(this.busiestSecond, this.recent.length);
		return undefined;
	}

	resetStats(): void {
		this.recent = [];
		this.busiestSecond = 0;
	}
}
