import { fingerprint, isSensitiveHeader, redact } from '../../nodes/shared/secrets';

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
