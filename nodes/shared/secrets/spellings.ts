/** How a secret is spelled when an API or a library echoes it: the patterns and plain forms the scrubber matches. */

/** Base64 runs shorter than this match ordinary text too often to be worth redacting. */
const MIN_BASE64_RUN = 8;

export const escapeRegex = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
const hexByte = (byte: number) => byte.toString(16).padStart(2, '0');
/** Matches a hex string in either case: `2b` → `2[bB]`. */
const anyCaseHex = (hex: string) => hex.replace(/[a-f]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);

/**
 * How deep escapes nest: a percent sign encoded again up to twice (`%25`, `%2525`), a backslash escaped again up to
 * three times (1, 2, 4 or 8 of them) or percent-encoded. Deeper nesting is not an echo any API produces.
 */
const PERCENT = '%(?:25){0,2}';
const BACKSLASH = `(?:\\\\{1,8}|${PERCENT}5[cC])`;
/** The longest spelling of one character (4 UTF-8 bytes, each `%2525XX`): what a stream must hold back per character. */
export const LONGEST_CHAR_SPELLING = 4 * '%2525XX'.length;

/** HTML's named references for the punctuation tokens and secrets carry. */
const HTML_NAMES: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos', '/': 'sol', '+': 'plus', '=': 'equals', '~': 'tilde' };

/** One character of a secret in every spelling: itself, %XX (UTF-8 bytes), \uXXXX, the short JSON escapes (nested), HTML references. */
function charPattern(char: string): string {
	const spellings = [escapeRegex(char)];
	const bytes = Buffer.from(char, 'utf8');
	// Byte streams are matched as Latin-1: a non-ASCII character arrives as its UTF-8 bytes there.
	if (bytes.length > 1) spellings.push(escapeRegex(bytes.toString('latin1')));
	spellings.push(Array.from(bytes, (byte) => `${PERCENT}${anyCaseHex(hexByte(byte))}`).join(''));
	const code = char.codePointAt(0)!;
	if (code <= 0xffff) spellings.push(`${BACKSLASH}u${anyCaseHex(code.toString(16).padStart(4, '0'))}`);
	// A form-encoded space is a `+`, which a second encoding turns into %2B.
	if (char === ' ') spellings.push('\\+', `${PERCENT}2[bB]`);
	if (char === '/' || char === '"' || char === '\\') spellings.push(`${BACKSLASH}${escapeRegex(char)}`);
	// An HTML page (an error page echoing the request) escapes punctuation as character references.
	if (!/[A-Za-z0-9]/.test(char)) {
		spellings.push(`&#0*${code};`, `&#[xX]0*${anyCaseHex(code.toString(16))};`);
		const named = HTML_NAMES[char];
		if (named) spellings.push(`&${named};`);
	}
	return `(?:${spellings.join('|')})`;
}

/** The base64 (and base64url) runs that appear whenever the secret is encoded, at each of the 3 alignments. */
export function base64Runs(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	const runs = new Set<string>();
	for (let offset = 0; offset < 3; offset++) {
		const whole = bytes.subarray(offset, offset + Math.floor((bytes.length - offset) / 3) * 3);
		if (whole.length === 0) continue;
		const run = whole.toString('base64');
		if (run.length < MIN_BASE64_RUN) continue;
		runs.add(run);
		runs.add(whole.toString('base64url'));
	}
	return [...runs];
}

/** Base64 characters at the edges of a run that still carry bits of the secret (partial groups, padding). */
const B64_EDGE = '[A-Za-z0-9+/_-]{0,3}';

/** A base64 run, its `+`, `/` and `=` also percent-encoded (an echoed Basic header inside a URL). */
export const base64Pattern = (run: string) =>
	`${B64_EDGE}${Array.from(run, (c) => (/[+/=]/.test(c) ? `(?:${escapeRegex(c)}|${PERCENT}${anyCaseHex(hexByte(c.charCodeAt(0)))})` : c)).join('')}${B64_EDGE}={0,2}`;

/** The regex source matching one secret in any supported spelling, escapes mixed freely. */
export function secretPattern(secret: string): string {
	const spelled = Array.from(secret, charPattern).join('');
	return [spelled, ...base64Runs(secret).map(base64Pattern)].join('|');
}

/**
 * The common spellings as plain strings, for fast `includes` checks: as is, percent-encoded (both hex cases, and
 * the form encoding), JSON-escaped (standard, with `\/`, fully `\u`-escaped in both cases), and the base64 runs.
 */
export function literalForms(secret: string): string[] {
	const fullU = Array.from(secret, (c) => (c.codePointAt(0)! <= 0xffff ? `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}` : c)).join('');
	const percent = encodeURIComponent(secret);
	const json = JSON.stringify(secret).slice(1, -1);
	return [
		...new Set([
			secret,
			Buffer.from(secret, 'utf8').toString('latin1'),
			percent,
			percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
			new URLSearchParams([['', secret]]).toString().slice(1),
			json,
			json.replace(/\//g, '\\/'),
			fullU,
			fullU.toUpperCase().replace(/\\U/g, '\\u'),
			...base64Runs(secret),
		]),
	];
}

