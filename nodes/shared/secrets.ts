import { createHash } from 'node:crypto';

/** A stable, non-reversible stand-in for a secret, for cache keys and logs. */
export function fingerprint(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 32);
}

const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`.
 * Secrets shorter than 4 characters are skipped: redacting "a" would mangle every message.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
	const usable = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH);
	// Longest first: a secret contained in another must not leave the rest of the longer one readable.
	usable.sort((a, b) => b.length - a.length);
	let out = text;
	for (const secret of usable) {
		// As sent, and in the two URL encodings a form body or query string may carry.
		const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams([['', secret]]).toString().slice(1)]);
		for (const form of forms) if (out.includes(form)) out = out.split(form).join('[redacted]');
	}
	return out;
}

/** Headers that carry credentials and never leave the package in an output or message. */
const SENSITIVE_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export function isSensitiveHeader(name: string): boolean {
	return SENSITIVE_HEADERS.has(name.toLowerCase());
}
