/** A followed redirect, decided without I/O (nodes/shared/http/redirect.ts): where it goes, method and body, headers. */
import { type Hop, nextHop } from '../../nodes/shared/http/redirect';

const hop = (method: string, url: string, extra: Partial<Hop> = {}): Hop => ({
	method,
	url: new URL(url),
	headers: { Authorization: 'Bearer t', Cookie: 'c=1', 'Content-Type': 'application/json', 'Content-Length': '7', Host: 'api.example', Accept: 'application/json' },
	body: '{"a":1}',
	credentialsDropped: false,
	redirects: 0,
	...extra,
});
const limits = { originalOrigin: 'https://api.example', maxRedirects: 5, originalTarget: () => 'GET https://api.example/a' };
const follow = (from: Hop, status: number, location: string) => {
	const next = nextHop(from, status, location, limits);
	if (!next.ok) throw new Error(next.message);
	return next.hop;
};

it('resolves a relative Location against the hop, without its fragment, and counts the hop', () => {
	const next = follow(hop('GET', 'https://api.example/v1/a'), 302, 'b?x=1#frag');
	expect(next.url.href).toBe('https://api.example/v1/b?x=1');
	expect(next.redirects).toBe(1);
});

it.each([
	[303, 'POST', 'GET', false],
	[303, 'PUT', 'GET', false],
	[303, 'HEAD', 'HEAD', true],
	[301, 'POST', 'GET', false],
	[302, 'POST', 'GET', false],
	[302, 'PUT', 'PUT', true],
	[307, 'POST', 'POST', true],
	[308, 'PATCH', 'PATCH', true],
])('%i after %s: the next hop is %s (body kept: %s), as Fetch and n8n do', (status, method, nextMethod, kept) => {
	const next = follow(hop(method, 'https://api.example/a'), status, '/b');
	expect(next.method).toBe(nextMethod);
	expect(next.body !== undefined).toBe(kept);
	expect('Content-Type' in next.headers).toBe(kept);
	expect('Content-Length' in next.headers).toBe(kept);
});

it('same origin keeps the credentials; another origin drops them for good, even back at the API', () => {
	const same = follow(hop('GET', 'https://api.example/a'), 302, '/b');
	expect(same.headers).toMatchObject({ Authorization: 'Bearer t', Cookie: 'c=1' });
	expect(same.credentialsDropped).toBe(false);
	expect('Host' in same.headers).toBe(false);
	const away = follow(same, 302, 'https://cdn.example/b');
	expect(away.headers.Authorization).toBeUndefined();
	expect(away.headers.Cookie).toBeUndefined();
	expect(away.headers.Accept).toBe('application/json');
	const back = follow(away, 302, 'https://api.example/c');
	expect(back.credentialsDropped).toBe(true);
	expect(back.headers.Authorization).toBeUndefined();
});

it('refuses a broken Location, a scheme other than http(s), and one redirect too many', () => {
	expect(nextHop(hop('GET', 'https://api.example/a'), 302, 'http://[bad', limits)).toMatchObject({ ok: false, code: 'network', message: expect.stringMatching(/invalid Location/) });
	expect(nextHop(hop('GET', 'https://api.example/a'), 302, 'file:///etc/passwd', limits)).toMatchObject({ ok: false, code: 'network', message: expect.stringMatching(/file: URL/) });
	expect(nextHop(hop('GET', 'https://api.example/a', { redirects: 5 }), 302, '/b', limits)).toMatchObject({
		ok: false,
		code: 'tooManyRedirects',
		message: expect.stringMatching(/^GET https:\/\/api\.example\/a was redirected more than 5 time\(s\)/),
	});
});
