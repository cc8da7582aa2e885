import { buildRequest, InputError, resolveUrl, type ItemRequestParameters } from '../../nodes/JasRequest/requestBuilder';

/** The error `fn` throws (fails the test if it does not throw). */
function thrown(fn: () => unknown): Error {
	try {
		fn();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a throw');
}

describe('resolveUrl', () => {
	it('appends a relative path to a base that has a path (not replacing it)', () => {
		expect(resolveUrl('http://h/api', '/v1/users/current').href).toBe('http://h/api/v1/users/current');
		expect(resolveUrl('http://h/api/', 'v1/users').href).toBe('http://h/api/v1/users');
		expect(resolveUrl('https://h:8443/api//', '//v1/x?a=1').href).toBe('https://h:8443/api/v1/x?a=1');
		expect(resolveUrl('http://h', ' /v1/x ').href).toBe('http://h/v1/x');
	});

	it('keeps a path that looks like a protocol-relative URL on the API host', () => {
		expect(resolveUrl('http://h/api', '//evil.example/x').host).toBe('h');
	});

	it('allows an absolute URL on the same origin (default port normalised)', () => {
		expect(resolveUrl('http://h/api', 'http://h/other?x=1').href).toBe('http://h/other?x=1');
		expect(resolveUrl('https://h/api', 'HTTPS://H:443/v1').href).toBe('https://h/v1');
	});

	it('refuses another origin, naming both origins', () => {
		const error = thrown(() => resolveUrl('https://api.jas.example/api', 'https://evil.example/steal'));
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toContain('https://evil.example');
		expect(error.message).toContain('https://api.jas.example');
	});

	it('refuses another scheme or port of the same host', () => {
		expect(() => resolveUrl('https://h/api', 'http://h/api/x')).toThrow(InputError);
		expect(() => resolveUrl('https://h/api', 'https://h:8443/api/x')).toThrow(InputError);
	});

	it.each(['ftp://h/file', 'file:///etc/passwd', 'javascript:alert(1)'])('refuses non-http scheme %p', (url) => {
		const error = thrown(() => resolveUrl('http://h/api', url));
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toMatch(/only http and https are supported/);
	});

	it('refuses an empty URL', () => {
		expect(() => resolveUrl('http://h/api', '')).toThrow(InputError);
		expect(() => resolveUrl('http://h/api', '   ')).toThrow(/The URL is empty/);
	});

	it('needs a base for relative URLs, but not for absolute ones', () => {
		expect(() => resolveUrl('', '/v1/x')).toThrow(/no API URL/);
		expect(resolveUrl('', 'https://anywhere.example/x').href).toBe('https://anywhere.example/x');
	});

	it('reports an invalid base URL as a credential problem', () => {
		expect(() => resolveUrl('not a url', '/x')).toThrow(`The credential's API URL "not a url" needs http(s)://, e.g. https://api.example.com. Fix it in the credential (Base URL).`);
		// Typed without a scheme (or with one n8n cannot use): the message shows the URL as the user meant it.
		expect(() => resolveUrl('api.jas.example', '/x')).toThrow(`"api.jas.example" needs http(s)://, e.g. https://api.jas.example.`);
		expect(() => resolveUrl('localhost:5678', '/x')).toThrow(/"localhost:5678" needs http\(s\):\/\/, e\.g\. https:\/\/localhost:5678\./);
	});
});

const BASE = 'https://api.example/api';

function params(overrides: Partial<ItemRequestParameters>): ItemRequestParameters {
	return { method: 'GET', url: '/items', query: [], headers: [], bodyType: 'none', ...overrides };
}

describe('buildRequest', () => {
	it('uppercases the method, resolves the URL and appends query parameters (keeping existing ones)', () => {
		const request = buildRequest(
			BASE,
			params({
				method: 'get',
				url: '/items?fixed=1',
				query: [
					{ name: 'q', value: 'a b&c' },
					{ name: ' tag ', value: 'x' },
					{ name: 'tag', value: 'y' },
					{ name: 'n', value: 5 },
					{ name: 'obj', value: { a: 1 } },
					{ name: 'empty', value: undefined },
				],
			}),
		);
		expect(request.method).toBe('GET');
		const url = new URL(request.url);
		expect(url.origin + url.pathname).toBe('https://api.example/api/items');
		expect(url.searchParams.get('fixed')).toBe('1');
		expect(url.searchParams.get('q')).toBe('a b&c');
		expect(url.searchParams.getAll('tag')).toEqual(['x', 'y']);
		expect(url.searchParams.get('n')).toBe('5');
		expect(url.searchParams.get('obj')).toBe('{"a":1}');
		expect(url.searchParams.get('empty')).toBe('');
	});

	it('sends a JSON string body as written, with Content-Type application/json', () => {
		const request = buildRequest(BASE, params({ method: 'POST', bodyType: 'json', jsonBody: ' {"a": [1, 2]} ' }));
		expect(request.body).toBe('{"a": [1, 2]}');
		expect(request.headers['Content-Type']).toBe('application/json');
		expect(request.headers.Accept).toMatch(/application\/json/);
	});

	it('serialises an object JSON body, and sends {} for an empty one', () => {
		expect(buildRequest(BASE, params({ method: 'PUT', bodyType: 'json', jsonBody: { a: 1, b: [true] } })).body).toBe('{"a":1,"b":[true]}');
		expect(buildRequest(BASE, params({ method: 'PATCH', bodyType: 'json', jsonBody: '  ' })).body).toBe('{}');
		expect(buildRequest(BASE, params({ method: 'POST', bodyType: 'json' })).body).toBe('{}');
	});

	it('refuses invalid JSON with a message that says what to fix', () => {
		const error = thrown(() => buildRequest(BASE, params({ method: 'POST', bodyType: 'json', jsonBody: '{"a": 1,}' })));
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toMatch(/^The JSON body is not valid JSON \(.+\)\. Check quotes and commas/);
	});

	it('encodes a form body', () => {
		const request = buildRequest(
			BASE,
			params({ method: 'POST', bodyType: 'form', formBody: [{ name: 'a', value: 'x y' }, { name: 'b', value: '&=' }, { name: 'c', value: 3 }] }),
		);
		expect(request.body).toBe('a=x+y&b=%26%3D&c=3');
		expect(request.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
	});

	it('sends a raw body with its content type (text/plain by default)', () => {
		const xml = buildRequest(BASE, params({ method: 'POST', bodyType: 'raw', rawBody: '<a/>', rawContentType: ' application/xml ' }));
		expect(xml.body).toBe('<a/>');
		expect(xml.headers['Content-Type']).toBe('application/xml');
		const plain = buildRequest(BASE, params({ method: 'POST', bodyType: 'raw', rawBody: 'hi', rawContentType: '' }));
		expect(plain.headers['Content-Type']).toBe('text/plain');
	});

	it('sends binary data with its MIME type, octet-stream without one, and refuses a missing file', () => {
		const data = Buffer.from([0, 1, 2, 255]);
		const pdf = buildRequest(BASE, params({ method: 'PUT', bodyType: 'binary', binary: { data, mimeType: 'application/pdf' } }));
		expect(pdf.body).toBe(data);
		expect(pdf.headers['Content-Type']).toBe('application/pdf');
		expect(buildRequest(BASE, params({ method: 'POST', bodyType: 'binary', binary: { data, mimeType: '' } })).headers['Content-Type']).toBe(
			'application/octet-stream',
		);
		expect(() => buildRequest(BASE, params({ method: 'POST', bodyType: 'binary' }))).toThrow(/No file to send/);
	});

	it.each(['GET', 'HEAD', 'OPTIONS', 'get'])('%s never sends a body or a Content-Type', (method) => {
		for (const bodyType of ['json', 'form', 'raw', 'binary'] as const) {
			const request = buildRequest(
				BASE,
				params({ method, bodyType, jsonBody: '{"a":1}', formBody: [{ name: 'a', value: '1' }], rawBody: 'x', binary: { data: Buffer.from('x'), mimeType: 'text/plain' } }),
			);
			expect(request.body).toBeUndefined();
			expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain('content-type');
		}
	});

	it('bodyType none sends no body even for POST', () => {
		const request = buildRequest(BASE, params({ method: 'POST', bodyType: 'none', jsonBody: '{"a":1}' }));
		expect(request.body).toBeUndefined();
	});

	it('user headers replace defaults case-insensitively (one header left, with the user spelling)', () => {
		const request = buildRequest(
			BASE,
			params({
				method: 'POST',
				bodyType: 'json',
				jsonBody: '{}',
				headers: [
					{ name: 'accept', value: 'application/xml' },
					{ name: 'CONTENT-TYPE', value: 'application/vnd.api+json' },
					{ name: 'X-Trace', value: 'abc' },
				],
			}),
		);
		expect(request.headers).toEqual({ accept: 'application/xml', 'CONTENT-TYPE': 'application/vnd.api+json', 'X-Trace': 'abc' });
	});

	it.each(['Authorization', 'authorization', ' AUTHORIZATION '])('refuses an %p header', (name) => {
		const error = thrown(() => buildRequest(BASE, params({ headers: [{ name, value: 'Bearer mine' }] })));
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toMatch(/Do not set an Authorization header/);
	});

	it.each(['a\r\nX-Injected: 1', 'a\nb', 'a\rb'])('refuses CR/LF in a header value without echoing it (%j)', (value) => {
		const error = thrown(() => buildRequest(BASE, params({ headers: [{ name: 'X-Secretish', value: `s3cr3t-${value}` }] })));
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toContain('X-Secretish');
		expect(error.message).toMatch(/line break/);
		expect(error.message).not.toContain('s3cr3t');
		expect(error.message).not.toContain('Injected');
	});

	it('refuses an invalid header name as an InputError', () => {
		expect(() => buildRequest(BASE, params({ headers: [{ name: 'X Bad', value: '1' }] }))).toThrow(InputError);
	});

	it.each([
		['query', 'Query parameter 2 has no name'],
		['headers', 'Header 2 has no name'],
		['formBody', 'Form field 2 has no name'],
	] as const)('refuses a nameless %s entry, giving its position', (field, message) => {
		const list = [{ name: 'ok', value: '1' }, { name: '  ', value: 'x' }];
		const error = thrown(() => buildRequest(BASE, params({ method: 'POST', bodyType: 'form', formBody: [], [field]: list })));
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toContain(message);
		expect(() => buildRequest(BASE, params({ method: 'POST', bodyType: 'form', formBody: [], [field]: [{ value: 'x' }] }))).toThrow(
			message.replace('2', '1'),
		);
	});

	it('URL problems surface as InputError too', () => {
		expect(() => buildRequest(BASE, params({ url: 'https://other.example/x' }))).toThrow(InputError);
	});
});
