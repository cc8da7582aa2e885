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


/**
 * n8n's pre-flight check of `url`. It takes no signal: `until` settles with it, or rejects as soon as the request is
 * aborted (Stop, or its timeout), so a slow DNS answer never holds an aborted request.
 */
export async function checkEgress(egress: EgressFilter, url: string, until: <T>(promise: Promise<T>) => Promise<T>): Promise<void> {
	if (typeof egress.validateUrl !== 'function') return;
	const result = await until(egress.validateUrl(url));
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
