import { fingerprint, isSensitiveHeader, redact, Scrubber } from '../../nodes/shared/secrets';

describe('redact', () => {
	it('replaces every occurrence of every secret', () => {
		expect(redact('token abcd1234 again abcd1234, secret s3cr3t!', ['abcd1234', 's3cr3t!'])).toBe(
			'token [redacted] again [redacted], secret [redacted]',
		);
	});

	it('replaces the encodeURIComponent form too', () => {
		const secret = 'p@ss/word+=&?';
		const text = `GET https://h/cb?client_secret=${encodeURIComponent(secret)}&x=1 failed (raw: ${secret})`;
		const out = redact(text, [secret]);
		expect(out).toBe('GET https://h/cb?client_secret=[redacted]&x=1 failed (raw: [redacted])');
		expect(out).not.toContain(encodeURIComponent(secret));
	});

	it('does not redact secrets shorter than 4 characters, and skips empty values', () => {
		expect(redact('a abc abcabc', ['a', 'abc', '', undefined, null])).toBe('a abc abcabc');
		expect(redact('xabcdx', ['abcd'])).toBe('x[redacted]x');
	});

	it('leaves text without secrets alone', () => {
		expect(redact('nothing here', ['secret-value'])).toBe('nothing here');
		expect(redact('nothing here', [])).toBe('nothing here');
	});

	// BUG: the package sends client secrets as application/x-www-form-urlencoded (URLSearchParams in
	// tokenRequest.ts), which encodes space as "+" and ~ ! ' ( ) as %7E %21 %27 %28 %29, while redact only knows
	// the encodeURIComponent form (which leaves those characters as they are). Azure-style secrets contain "~": an
	// echoed form body keeps the secret readable. Proposed fix in secrets.ts, inside the loop:
	//   const formEncoded = new URLSearchParams([['', secret]]).toString().slice(1);
	//   if (formEncoded !== secret && formEncoded !== encoded) out = out.split(formEncoded).join('[redacted]');
	it('replaces the x-www-form-urlencoded form (as sent in token requests)', () => {
		const secret = 'Ab8Q~x.y_z-1 (2)';
		const body = new URLSearchParams({ client_id: 'id', client_secret: secret }).toString();
		const out = redact(`token endpoint echoed: ${body}`, [secret]);
		expect(out).toBe('token endpoint echoed: client_id=id&client_secret=[redacted]');
	});

	// BUG: secrets are replaced in list order, so when one secret is contained in another and comes first, the
	// longer one is broken up before its turn and its remainder stays in the text ("[redacted]12345678"), contrary to
	// "replaces every occurrence of each secret". Proposed fix in secrets.ts: iterate over
	//   [...secrets].filter(...).sort((a, b) => b.length - a.length)
	// (longest first).
	it('redacts a secret fully even when a shorter secret it contains is listed first', () => {
		expect(redact('refresh=abcd12345678', ['abcd', 'abcd12345678'])).toBe('refresh=[redacted]');
	});
});

describe('fingerprint', () => {
	it('is stable, 32 hex characters, and distinct per secret', () => {
		const a = fingerprint('client-secret-1');
		expect(a).toMatch(/^[0-9a-f]{32}$/);
		expect(fingerprint('client-secret-1')).toBe(a);
		expect(fingerprint('client-secret-2')).not.toBe(a);
		expect(fingerprint('')).toMatch(/^[0-9a-f]{32}$/);
	});

	it('is the first half of the SHA-256 and does not contain the secret', () => {
		expect(fingerprint('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
		for (const secret of ['abcdef', '0123456789abcdef', 'deadbeef']) expect(fingerprint(secret)).not.toContain(secret);
	});
});

describe('isSensitiveHeader', () => {
	it('knows credential headers in any case', () => {
		expect(['Authorization', 'proxy-authorization', 'COOKIE', 'Set-Cookie'].every(isSensitiveHeader)).toBe(true);
		expect(['content-type', 'x-authorization-hint', 'cookies'].some(isSensitiveHeader)).toBe(false);
	});
});

describe('Scrubber: every spelling an API may echo a secret in', () => {
	const token = 'eyJhbGciOi+J/ab_c~d.9xY';
	const scrubber = new Scrubber([token]);
	const jsonEscapedFully = Array.from(token, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

	it.each([
		['as is', token],
		['PHP-style \\/ escapes', token.replace(/\//g, '\\/')],
		['.NET-style \\u002B for +', token.replace(/\+/g, '\\u002B')],
		['fully \\u-escaped, upper-case hex', jsonEscapedFully.toUpperCase().replace(/\\U/g, '\\u')],
		['fully \\u-escaped, lower-case hex', jsonEscapedFully],
		['percent-encoded, upper-case hex', encodeURIComponent(token)],
		['percent-encoded, lower-case hex', encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
		['form-encoded', new URLSearchParams({ t: token }).toString().slice(2)],
		['every character percent-encoded', Array.from(Buffer.from(token), (b) => `%${b.toString(16)}`).join('')],
		['base64', Buffer.from(token).toString('base64')],
		['base64url', Buffer.from(token).toString('base64url')],
		['base64 inside a Basic header, offset 1', Buffer.from(`x:${token}`).toString('base64')],
		['base64 inside a Basic header, offset 2', Buffer.from(`id:${token}`).toString('base64')],
	])('%s', (_label, spelled) => {
		const text = `before ${spelled} after`;
		const out = scrubber.text(text);
		expect(out).toContain('[redacted]');
		expect(out.startsWith('before ')).toBe(true);
		// What remains must not decode back to the secret in any way.
		expect(out).not.toContain(token);
		expect(decodeURIComponent(out.replace(/%(?![0-9a-f]{2})/gi, ''))).not.toContain(token);
		expect(JSON.parse(JSON.stringify(out))).not.toContain(token);
	});

	it('scrubs parsed JSON values and keys, in nested arrays and objects, without touching clean parts', () => {
		const parsed = JSON.parse(`{"ok": 1, "list": ["a", "${token.replace(/\//g, '\\/')}"], "${token}": {"deep": "x ${token} y"}}`) as Record<string, unknown>;
		const clean = scrubber.value(parsed);
		expect(JSON.stringify(clean)).not.toContain(token);
		expect(clean).toEqual({ ok: 1, list: ['a', '[redacted]'], '[redacted]': { deep: 'x [redacted] y' } });
		const untouched = { a: ['b', { c: 'd' }] };
		expect(scrubber.value(untouched)).toBe(untouched);
	});

	it('replaces values nested deeper than the limit instead of overflowing the stack', () => {
		let deep: unknown = token;
		for (let i = 0; i < 20_000; i++) deep = [deep];
		const clean = scrubber.value(deep);
		expect(JSON.stringify(clean)).toContain('nested too deeply');
	});

	it('scrubs a byte stream when a secret straddles chunk boundaries, and leaves other bytes exact', () => {
		const binary = Buffer.from([0, 255, 128, 10, 13]);
		const payload = Buffer.concat([binary, Buffer.from(`..${token}..${encodeURIComponent(token)}..`), binary]);
		for (const size of [1, 2, 3, 7, 64]) {
			const chunks: Buffer[] = [];
			for (let i = 0; i < payload.length; i += size) chunks.push(payload.subarray(i, i + size));
			const bytes = scrubber.bytes();
			const result = Buffer.concat([...chunks.map((chunk) => bytes.push(chunk)), bytes.end()]);
			expect(result.includes(Buffer.from(token))).toBe(false);
			expect(result.toString('latin1')).toBe(Buffer.concat([binary, Buffer.from('..[redacted]..[redacted]..'), binary]).toString('latin1'));
		}
	});

	it('passes a stream through unchanged when there is nothing to scrub', () => {
		const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
		const bytes = new Scrubber([]).bytes();
		expect(Buffer.concat([bytes.push(payload.subarray(0, 500)), bytes.push(payload.subarray(500)), bytes.end()]).equals(payload)).toBe(true);
	});

	it('learns secrets added later (tokens issued during the run)', () => {
		const s = new Scrubber();
		expect(s.text(`a ${token}`)).toBe(`a ${token}`);
		s.add(token);
		expect(s.text(`a ${token}`)).toBe('a [redacted]');
	});
});

describe('Scrubber: nested encodings are decoded to a fixed depth', () => {
	const token = 'eyJhbGciOi+J/ab_c~d.9xY';
	const scrubber = new Scrubber([token]);
	const twice = encodeURIComponent(encodeURIComponent(token));
	const jsonInJson = JSON.stringify(JSON.stringify({ t: token.replace(/\+/g, '\\u002B') })).slice(1, -1);

	it.each([
		['percent-encoded twice (a callback URL inside a query parameter)', twice],
		['percent-encoded three times', encodeURIComponent(twice)],
		['percent-encoded twice, lower-case hex', twice.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
		['form-encoded, then percent-encoded', encodeURIComponent(new URLSearchParams({ t: token }).toString().slice(2))],
		['\\u escape inside a JSON string inside a JSON string', jsonInJson],
		['\\/ escaped twice', token.replace(/\//g, '\\\\\\/')],
		['base64 percent-encoded (a Basic header echoed in a URL)', encodeURIComponent(Buffer.from(`id:${token}`).toString('base64'))],
		['HTML character references (an error page echoing the request)', token.replace(/\+/g, '&#43;').replace(/\//g, '&#x2F;').replace(/~/g, '&tilde;')],
	])('%s', (_label, spelled) => {
		const out = scrubber.text(`before ${spelled} after`);
		expect(out).toContain('[redacted]');
		let decoded = out;
		for (let i = 0; i < 3; i++) decoded = decodeURIComponent(decoded.replace(/%(?![0-9a-f]{2})/gi, ''));
		expect(decoded).not.toContain(token);
		expect(decoded.replace(/\\+u002B/gi, '+').replace(/\\+\//g, '/')).not.toContain(token);
		expect(out).not.toMatch(/eyJhbGciOi|ab_c|9xY/);
	});
});

describe('Scrubber: no fragment of a secret survives, and text is scrubbed before it is cut', () => {
	const token = 'Qx7vR2mK9pLw4Zt8Hn3Bc6Yd';
	const scrubber = new Scrubber([token]);

	it.each([
		['a prefix left by a cut elsewhere (n8n previews 100 characters)', `received: grant_type=refresh_token&refresh_token=${token.slice(0, 20)}...`],
		['the last segment of a token split at "/"', token.slice(5)],
		['a middle piece', `x${token.slice(4, 14)}y`],
		['a percent-encoded prefix', encodeURIComponent(`${token.slice(0, 6)}+/=${token.slice(6, 12)}`)],
	])('%s', (_label, text) => {
		const base = new Scrubber([`${token.slice(0, 6)}+/=${token.slice(6)}`, token]);
		const out = base.text(text);
		expect(out).toContain('[redacted]');
		for (let i = 0; i + 8 <= token.length; i++) expect(decodeURIComponent(out)).not.toContain(token.slice(i, i + 8));
	});

	it('keeps fragments shorter than 8 characters, and text that shares none', () => {
		expect(scrubber.text(`id ${token.slice(0, 7)} ok`)).toBe(`id ${token.slice(0, 7)} ok`);
		expect(scrubber.text('nothing of it here')).toBe('nothing of it here');
		expect(scrubber.mayContain(`x ${token.slice(3, 12)} y`)).toBe(true);
	});

	it('cut: a secret straddling the cut leaves nothing of itself, in any spelling', () => {
		for (const spelled of [token, encodeURIComponent(encodeURIComponent(`${token}/+`))]) {
			const text = `${'a'.repeat(50)}${spelled}${'b'.repeat(50)}`;
			for (let at = 50; at < 50 + spelled.length; at++) {
				const out = scrubber.cut(text, at);
				expect(out.length).toBeLessThanOrEqual(at);
				expect(out).not.toMatch(new RegExp(token.slice(0, 8)));
			}
		}
	});
});

describe('Scrubber: ordinary text shared with a human-chosen secret is not a fragment', () => {
	it('a client id and words that share 8 lower-case characters with the secret stay readable; its random part does not', () => {
		const scrubber = new Scrubber(['jas-demo-secret-7f3a9c']);
		expect(scrubber.text('client jas-demo-client, user jas-demo-user-46209')).toBe('client jas-demo-client, user jas-demo-user-46209');
		expect(scrubber.text('cut: jas-demo-secret-7f')).toBe('cut: jas-demo-[redacted]');
	});
});

/** Hostile spellings that must be scrubbed: in text, and in file bytes (binary files the literal spellings, text files mixed too). */
describe('hostile spellings', () => {
	const tok = 'Ab3+x/Yz9=q&w~Tok9876543210-abcdefghij';
	const spaced = 'my secret/with slash';

	function bytesScrub(scrubber: Scrubber, buf: Buffer, mixed: boolean, chunk = 7): string {
		const bytes = scrubber.bytes({ mixed });
		const out: Buffer[] = [];
		for (let i = 0; i < buf.length; i += chunk) out.push(bytes.push(buf.subarray(i, i + chunk)));
		out.push(bytes.end());
		return Buffer.concat(out).toString('latin1');
	}

	const cases: Record<string, [secret: string, spelled: string]> = {
		raw: [tok, tok],
		pythonQuote: [tok, tok.replace(/[+=&~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())], // '/' kept
		goJson: [tok, tok.replace(/&/g, '\\u0026')],
		spaceAsPlus: [spaced, spaced.replace(/ /g, '+')],
	};

	test.each(Object.entries(cases))('text: %s', (_name, [secret, spelled]) => {
		expect(new Scrubber([secret]).text(`x ${spelled} y`)).toBe('x [redacted] y');
	});

	test.each(Object.entries(cases))('text file bytes: %s', (_name, [secret, spelled]) => {
		expect(bytesScrub(new Scrubber([secret]), Buffer.from(`x ${spelled} y`), true)).toBe('x [redacted] y');
	});

	test('binary file bytes: the literal spelling', () => {
		expect(bytesScrub(new Scrubber([tok]), Buffer.from(`x ${tok} y`), false)).toBe('x [redacted] y');
	});

	test('a non-ASCII token in UTF-8 file bytes', () => {
		const secret = 'tökén-abcdefghijkl';
		expect(Buffer.from(bytesScrub(new Scrubber([secret]), Buffer.from(`{"a":"${secret}"}`, 'utf8'), false), 'latin1').toString('utf8')).not.toContain(secret);
	});
});
