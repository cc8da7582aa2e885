/**
 * Connection health, machine-readable: does a token failure need a person to fix the credential (reconnect JTL-FFN,
 * correct a client secret, renew a subscription), or will it heal by itself (rate limit, server or network trouble)?
 * Pure. Error items and trigger errors expose it as `reconnectRequired`, so a workflow can alert someone before
 * nightly runs start failing.
 */
import type { TokenErrorKind } from './tokenErrors';

/** Kinds that waiting does not fix: the credential is incomplete, rejected, or answered with something that is not a token. */
const NEEDS_A_PERSON: ReadonlySet<TokenErrorKind> = new Set<TokenErrorKind>(['config', 'rejected', 'badRequest', 'invalidResponse']);

/** True when `error` is a token failure only a person can fix; false for transient ones and anything that is not a token failure. */
export function reconnectRequired(error: unknown): boolean {
	if (error === null || typeof error !== 'object') return false;
	const { name, kind } = error as { name?: unknown; kind?: unknown };
	return name === 'TokenError' && typeof kind === 'string' && NEEDS_A_PERSON.has(kind as TokenErrorKind);
}
