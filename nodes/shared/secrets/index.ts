/**
 * Where secrets are scrubbed: the one scrubber. The node's exit (nodes/JasRequest/emit.ts) passes every string
 * of every item through a `Scrubber`; the credential hooks use `redact` on their own error messages.
 *
 * A secret is found in every spelling an API or a library may echo it in, mixed freely within one occurrence:
 * as is; percent-encoded (any case, `+` for space); JSON-escaped (`\/`, `\u002B`, fully `\u`-escaped); and in
 * base64 / base64url at any alignment (e.g. inside an echoed `Basic` header or a JWT-like blob); HTML character
 * references for punctuation (`&#43;`, `&#x2F;`, `&amp;`). Escapes nest to a
 * fixed depth (`NESTING`): a callback URL inside a query parameter (`%252B`), JSON inside a JSON string (`\\u002B`).
 *
 * The rule wherever text is shortened: scrub, then cut (`Scrubber.cut`). Where someone else cut first (n8n's
 * 100-character preview, a URL path split at `/`), no fragment of a secret survives either: any run of
 * `FRAGMENT_LENGTH` characters of a secret's common spellings is redacted too (`Fragments`).
 */
import { createHash } from 'node:crypto';

import { Fragments } from './fragments';
import { base64Pattern, base64Runs, escapeRegex, LONGEST_CHAR_SPELLING, literalForms, secretPattern } from './spellings';

/** A stable, non-reversible stand-in for a secret, for cache keys and logs. */
export function fingerprint(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 32);
}

/** Shorter values are not treated as secrets: redacting "a" would mangle every message. */
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

/**
 * Scrubs a growing set of secrets (tokens are added as they are issued) from text, parsed JSON values and keys,
 * and byte streams. Built once per execution; the combined pattern is rebuilt only when a secret is added.
 */
export class Scrubber {
	private readonly secrets = new Set<string>();

	private pattern?: RegExp;

	/** The literal spellings of every secret: a text containing none of them and no escape needs no regex. */
	private literals: string[] = [];

	/** The literal spellings as one regex (base64 edges included), for byte streams. */
	private literalPattern?: RegExp;

	/** Longest text one match can span: how much a stream must hold back between chunks. */
	private maxMatchLength = 0;

	/** Characters that can start an escaped spelling. */
	private escapeSignal = /[%\\]/;

	private fragments = new Fragments([]);

	/** What a secret is replaced by. */
	private readonly replacement: string;

	/** Whether fragments count (off for values that are not secret but hidden, such as a host name in tool mode). */
	private readonly withFragments: boolean;

	constructor(secrets: Iterable<string | undefined | null> = [], options: { replacement?: string; fragments?: boolean } = {}) {
		this.replacement = options.replacement ?? REDACTED;
		this.withFragments = options.fragments ?? true;
		this.add(...secrets);
	}

	add(...values: Array<string | undefined | null>): this {
		for (const value of values) {
			if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) continue;
			this.secrets.add(value);
			this.pattern = undefined;
		}
		return this;
	}

	private regex(): RegExp | undefined {
		if (this.secrets.size === 0) return undefined;
		if (!this.pattern) {
			// Longest first: a secret contained in another must not leave the rest of the longer one readable.
			const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
			this.pattern = new RegExp(sorted.map(secretPattern).join('|'), 'g');
			this.literals = sorted.flatMap(literalForms).sort((a, b) => b.length - a.length);
			// `+` only matters for a secret with a space, `&` (an HTML reference) for one with punctuation.
			const plus = sorted.some((secret) => secret.includes(' ')) ? '+' : '';
			const amp = sorted.some((secret) => /[^A-Za-z0-9]/.test(secret)) ? '&' : '';
			this.escapeSignal = new RegExp(`[%\\\\${plus}${amp}]`);
			const b64 = new Set(sorted.flatMap(base64Runs));
			this.literalPattern = new RegExp(this.literals.map((form) => (b64.has(form) ? base64Pattern(form) : escapeRegex(form))).join('|'), 'g');
			this.fragments = new Fragments(this.withFragments ? sorted : []);
			// Base64 runs are shorter than the percent spelling, edges included.
			this.maxMatchLength = LONGEST_CHAR_SPELLING * sorted[0].length + 8;
		}
		return this.pattern;
	}

	/**
	 * Whether `text` may hold a secret: a common spelling of one, or an escape that could build a mixed one. False is
	 * certain, so a caller may skip scrubbing what was derived from `text` alone (e.g. JSON parsed from it: without a
	 * backslash, every parsed string is a piece of the text).
	 */
	mayContain(text: string): boolean {
		if (!this.regex() || text.length < MIN_SECRET_LENGTH) return false;
		return this.mayHoldWhole(text) || this.fragments.has(text);
	}

	private mayHoldWhole(text: string): boolean {
		return this.literals.some((form) => text.includes(form)) || this.escapeSignal.test(text);
	}

	/** `text` with every secret, and every fragment of one, replaced by `[redacted]`. */
	text(text: string): string {
		const regex = this.regex();
		if (!regex || text.length < MIN_SECRET_LENGTH) return text;
		let out = text;
		if (this.mayHoldWhole(text)) {
			regex.lastIndex = 0;
			if (regex.test(text)) out = text.replace(regex, this.replacement);
		}
		return this.fragments.replace(out, this.replacement);
	}

	/** The rule wherever text is shortened: `text` scrubbed first, then cut to `maxLength` characters. */
	cut(text: string, maxLength: number): string {
		return this.text(text).slice(0, Math.max(0, maxLength));
	}

	/**
	 * A parsed JSON value (or any plain data) with secrets removed from every string and every key. Returns the
	 * same reference when nothing changed. Values nested deeper than `maxDepth` are replaced by a note, so a hostile
	 * body cannot exhaust the stack.
	 */
	value<T>(value: T, maxDepth = 500): T {
		if (!this.regex()) return value;
		return this.walk(value, maxDepth) as T;
	}

	private walk(value: unknown, depth: number): unknown {
		if (typeof value === 'string') return this.text(value);
		if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) return value;
		if (depth <= 0) return '[nested too deeply to show]';
		if (Array.isArray(value)) {
			let copy: unknown[] | undefined;
			for (let i = 0; i < value.length; i++) {
				const clean = this.walk(value[i], depth - 1);
				if (clean !== value[i]) (copy ??= value.slice())[i] = clean;
			}
			return copy ?? value;
		}
		let changed = false;
		const out: Record<string, unknown> = {};
		for (const [key, inner] of Object.entries(value)) {
			let cleanKey = this.text(key);
			const clean = this.walk(inner, depth - 1);
			if (cleanKey !== key || clean !== inner) changed = true;
			// Two keys redacted alike must both survive.
			for (let n = 2; cleanKey !== key && Object.hasOwn(out, cleanKey); n++) cleanKey = `${this.text(key)} (${n})`;
			// defineProperty, not assignment: a "__proto__" key from JSON is data, and must stay data.
			Object.defineProperty(out, cleanKey, { value: clean, enumerable: true, writable: true, configurable: true });
		}
		return changed ? out : value;
	}

	/**
	 * A scrubber for a byte stream (a downloaded file) that never holds it whole: feed each chunk to `push`, which
	 * returns the bytes that are safe to pass on, then call `end` for the rest. Bytes are matched as Latin-1 text
	 * against the literal spellings (escape characters are everywhere in binary data, so the mixed-escape pattern
	 * would cost every chunk a slow scan); the last few bytes of each chunk wait for the next one in case a secret
	 * straddles the boundary.
	 */
	bytes(options: { mixed?: boolean } = {}): { push(chunk: Buffer): Buffer; end(): Buffer } {
		const full = this.regex();
		// Text files (JSON, CSV, XML…) get the mixed-escape pattern too; binary data only the literal spellings.
		const regex = options.mixed ? full : this.literalPattern;
		const holdBack = this.maxMatchLength;
		const literals = this.literals;
		const signal = this.escapeSignal;
		let carry = '';
		const process = (text: string, final: boolean): Buffer => {
			if (!regex) return Buffer.from(text, 'latin1');
			const safeEnd = final ? text.length : Math.max(0, text.length - holdBack);
			if (!literals.some((form) => text.includes(form)) && !(options.mixed && signal.test(text))) {
				// Nothing to replace (a partial spelling at the end is still held back).
				carry = text.slice(safeEnd);
				return Buffer.from(text.slice(0, safeEnd), 'latin1');
			}
			let out = '';
			let position = 0;
			regex.lastIndex = 0;
			for (let match = regex.exec(text); match && match.index < safeEnd; match = regex.exec(text)) {
				out += text.slice(position, match.index) + this.replacement;
				position = match.index + match[0].length;
				if (match[0].length === 0) regex.lastIndex++;
			}
			const emitEnd = Math.max(position, safeEnd);
			out += text.slice(position, emitEnd);
			carry = text.slice(emitEnd);
			return Buffer.from(out, 'latin1');
		};
		return {
			push: (chunk) => process(carry + chunk.toString('latin1'), false),
			end: () => process(carry, true),
		};
	}
}

/** `text` with each of `secrets` redacted (one-off use, e.g. a credential's own error message). */
export function redact(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
	return new Scrubber(secrets).text(text);
}

/** `text` redacted, then cut to `maxLength` (one-off use, as `redact`). */
export function redactAndCut(text: string, maxLength: number, secrets: ReadonlyArray<string | undefined | null>): string {
	return new Scrubber(secrets).cut(text, maxLength);
}

/** Headers that carry credentials and never leave the package in an output or message. */
const SENSITIVE_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export function isSensitiveHeader(name: string): boolean {
	return SENSITIVE_HEADERS.has(name.toLowerCase());
}
