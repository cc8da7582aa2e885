/** The reviewer's scrubber cases that must hold (text, and file bytes: binary files literal spellings, text files mixed too). */
import { Scrubber } from '../../../nodes/shared/secrets';

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
