/**
 * Fragments of secrets: where someone else cut a text (n8n's 100-character preview, a URL path split at `/`), the
 * piece left must not be readable either.
 */
import { base64Runs } from './spellings';

/** Fragments this long (or longer) of a secret's spellings are redacted wherever they appear. */
export const FRAGMENT_LENGTH = 8;

/**
 * A window that reads as ordinary text (lower-case letters, `-`, `_`, `.`, spaces) is not a fragment: a human-chosen
 * secret such as `jas-demo-secret-7f3a9c` must not redact the client id `jas-demo-client` or a word of a message.
 * Random secrets (tokens, generated secrets) almost never have 8 such characters in a row.
 */
const RANDOM_LOOKING = /[^a-z\s._-]/;

/**
 * Every FRAGMENT_LENGTH-character window of the secrets' plain spellings (as is, percent- and form-encoded, once and
 * twice, base64) that looks random, found in one pass over a text: a bitmap of each window's first four characters
 * rules out most positions before a window is compared. Not the \u-escaped forms: their windows are mostly escape
 * syntax.
 */
export class Fragments {
	private readonly windows = new Set<string>();

	private readonly starts = new Uint8Array(65536);

	constructor(secrets: string[]) {
		for (const secret of secrets) {
			if (secret.length < FRAGMENT_LENGTH) continue;
			const percent = encodeURIComponent(secret);
			const forms = [secret, percent, encodeURIComponent(percent), new URLSearchParams([['', secret]]).toString().slice(1), ...base64Runs(secret)];
			for (const form of forms) {
				for (let i = 0; i + FRAGMENT_LENGTH <= form.length; i++) {
					const window = form.slice(i, i + FRAGMENT_LENGTH);
					if (!RANDOM_LOOKING.test(window)) continue;
					this.windows.add(window);
					this.starts[Fragments.key(form, i)] = 1;
				}
			}
		}
	}

	/** A hash of the four characters at `at`: ordinary text rarely shares one with a window's start. */
	private static key(text: string, at: number): number {
		return (((text.charCodeAt(at) * 31 + text.charCodeAt(at + 1)) * 31 + text.charCodeAt(at + 2)) * 31 + text.charCodeAt(at + 3)) & 0xffff;
	}

	/** The stretches of `text` covered by windows, merged, in order. */
	private ranges(text: string, firstOnly = false): Array<[number, number]> {
		const found: Array<[number, number]> = [];
		if (this.windows.size === 0 || text.length < FRAGMENT_LENGTH) return found;
		// The key of each next position rolled from the last (the same polynomial, modulo 2^16): every output item's
		// text passes here, so the scan is kept to two character reads per position.
		let key = Fragments.key(text, 0);
		for (let i = 0; i + FRAGMENT_LENGTH <= text.length; i++) {
			if (i > 0) key = ((key - text.charCodeAt(i - 1) * 29_791) * 31 + text.charCodeAt(i + 3)) & 0xffff;
			if (!this.starts[key] || !this.windows.has(text.slice(i, i + FRAGMENT_LENGTH))) continue;
			const last = found[found.length - 1];
			if (last && i <= last[1]) last[1] = i + FRAGMENT_LENGTH;
			else found.push([i, i + FRAGMENT_LENGTH]);
			if (firstOnly) break;
		}
		return found;
	}

	has(text: string): boolean {
		return this.ranges(text, true).length > 0;
	}

	replace(text: string, replacement: string): string {
		const found = this.ranges(text);
		if (found.length === 0) return text;
		let out = '';
		let position = 0;
		for (const [start, end] of found) {
			out += text.slice(position, start) + replacement;
			position = end;
		}
		return out + text.slice(position);
	}
}

