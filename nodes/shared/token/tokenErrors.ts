/** Why a token could not be obtained; decides the message, and whether trying again can help. */
export type TokenErrorKind =
	| 'config' // the credential itself is incomplete or malformed
	| 'badRequest' // 400/415: the request shape is wrong (content type, fields)
	| 'rejected' // 401/403: wrong client id/secret, or no subscription
	| 'rateLimited' // 429 after retries
	| 'server' // 5xx after retries
	| 'network' // no HTTP answer: DNS, refused, reset, timeout, TLS
	| 'invalidResponse'; // 2xx, but not a usable token answer

export class TokenError extends Error {
	readonly name = 'TokenError';

	constructor(
		readonly kind: TokenErrorKind,
		message: string,
		/** HTTP status of the token endpoint, null without an answer. */
		readonly status: number | null = null,
		readonly retryAfterMs?: number,
	) {
		super(message);
	}

	/** Transient failures are worth asking again on a later item or execution; the others are not. */
	get transient(): boolean {
		return this.kind === 'rateLimited' || this.kind === 'server' || this.kind === 'network';
	}
}
