/**
 * n8n's outbound request (SSRF) policy, when the running n8n has one: the pre-flight check of each target and of
 * each redirect hop. Its secure DNS lookup is wired into the connection pools (pools.ts).
 */
import type { Agent } from 'undici';

import { classify, TransportError } from './errors';
import { attempt } from './settle';

/** A `dns.lookup` drop-in, typed as undici's connect options want it (n8n's scanner forbids importing node:net). */
export type LookupFunction = NonNullable<Extract<NonNullable<Agent.Options['connect']>, { lookup?: unknown }>['lookup']>;

/**
 * The part of n8n's `NodeEgressFilter` (n8n-workflow >= 2.41, from `this.helpers.getSecureEgressFilter()`) that
 * this transport uses. Declared structurally because n8n's implementation lives in internal packages; every
 * member is optional so a partial or older filter still works.
 */
export interface EgressFilter {
	/** Pre-flight check of a target URL (resolves the host). n8n returns a Result, it does not throw. */
	validateUrl?(url: string): Promise<{ ok: boolean; error?: unknown }>;
	/** A `dns.lookup` drop-in that refuses addresses the policy blocks: used as undici's `connect.lookup`. */
	createSecureLookup?(): LookupFunction;
	/** Synchronous check of a redirect target; throws when it is not allowed. */
	validateRedirectSync?(url: string): void;
}


/** Runs `promise` but settles as soon as `signal` aborts (for steps that take no signal, like the egress check). */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) throw signal.reason;
	let onAbort = () => {};
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

export async function checkEgress(egress: EgressFilter, url: string, signal: AbortSignal): Promise<void> {
	if (typeof egress.validateUrl !== 'function') return;
	const result = await untilAborted(egress.validateUrl(url), signal);
	if (result && result.ok === false) {
		// n8n's pre-flight check resolves the host, so a plain DNS failure also arrives here: report it as one.
		const code = classify(result.error);
		throw code === 'dns' ? result.error : new TransportError('blocked', '', { cause: result.error ?? new Error('not allowed') });
	}
}

export function validateRedirect(egress: EgressFilter, url: string): void {
	const checked = attempt(() => egress.validateRedirectSync?.(url));
	if (!checked.ok) throw new TransportError('blocked', '', { cause: checked.error });
}
