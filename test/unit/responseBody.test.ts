import { headerValue } from '../../nodes/shared/http/headers';
import { parseBody, safeHeaders, shapeSuccess, type ResponseMeta } from '../../nodes/JasRequest/responseBody';

const json = (contentType: string) => ({ 'content-type': contentType });

describe('parseBody', () => {
	it('parses JSON when the content type says JSON', () => {
		expect(parseBody(Buffer.from('{"a":[1,"ü"]}'), json('application/json'), 'auto')).toEqual({ a: [1, 'ü'] });
		expect(parseBody(Buffer.from('[1]'), json('application/json; charset=utf-8'), 'auto')).toEqual([1]);
		expect(parseBody(Buffer.from('42'), json(' Application/JSON '), 'auto')).toBe(42);
	});

	it.each(['application/problem+json', 'application/vnd.api+json; charset=utf-8', 'application/hal+json', 'text/json'])(
		'treats %p as JSON',
		(contentType) => {
			expect(parseBody(Buffer.from('{"ok":true}'), json(contentType), 'auto')).toEqual({ ok: true });
		},
	);

	it.each(['text/plain', 'text/html', 'application/jsonp', 'application/xml', 'application/octet-stream'])('keeps %p as text', (contentType) => {
		expect(parseBody(Buffer.from('{"ok":true}'), json(contentType), 'auto')).toBe('{"ok":true}');
	});

	it('keeps text without a content type', () => {
		expect(parseBody(Buffer.from('{"ok":true}'), {}, 'auto')).toBe('{"ok":true}');
	});

	it('falls back to text when a JSON content type carries invalid JSON', () => {
		expect(parseBody(Buffer.from('<html>oops</html>'), json('application/json'), 'auto')).toBe('<html>oops</html>');
	});

	it('an empty body is undefined, whatever the type', () => {
		expect(parseBody(Buffer.alloc(0), json('application/json'), 'auto')).toBeUndefined();
		expect(parseBody(Buffer.alloc(0), {}, 'text')).toBeUndefined();
	});

	it('format "text" never parses', () => {
		expect(parseBody(Buffer.from('{"a":1}'), json('application/json'), 'text')).toBe('{"a":1}');
	});

	it('joins a repeated header when reading it', () => {
		expect(headerValue({ 'x-a': ['1', '2'] }, 'X-A')).toBe('1, 2');
		expect(headerValue({ 'content-type': 'text/plain' }, 'Content-Type')).toBe('text/plain');
		expect(headerValue({}, 'x')).toBeUndefined();
	});
});

describe('safeHeaders', () => {
	it('drops authorization, proxy-authorization, cookie and set-cookie in any case, keeps the rest', () => {
		const headers = {
			'content-type': 'application/json',
			Authorization: 'Bearer t',
			'proxy-authorization': 'Basic x',
			cookie: 'sid=1',
			'Set-Cookie': ['a=1', 'b=2'],
			'x-request-id': 'r1',
			link: ['<a>; rel="next"'],
		};
		expect(safeHeaders(headers)).toEqual({ 'content-type': 'application/json', 'x-request-id': 'r1', link: ['<a>; rel="next"'] });
		expect(headers.Authorization).toBe('Bearer t'); // input untouched
	});
});

describe('shapeSuccess', () => {
	const meta: ResponseMeta = {
		status: 200,
		statusText: 'OK',
		headers: { 'content-type': 'application/json', 'set-cookie': 'sid=secret', 'x-id': '7' },
	};
	const plain = { fullResponse: false, splitField: '' };

	it('plain: one item, objects as they are, anything else under data, nothing as {}', () => {
		expect(shapeSuccess({ a: 1 }, meta, plain)).toEqual([{ a: 1 }]);
		expect(shapeSuccess([1, 2], meta, plain)).toEqual([{ data: [1, 2] }]);
		expect(shapeSuccess('hello', meta, plain)).toEqual([{ data: 'hello' }]);
		expect(shapeSuccess(0, meta, plain)).toEqual([{ data: 0 }]);
		expect(shapeSuccess(null, meta, plain)).toEqual([{ data: null }]);
		expect(shapeSuccess(undefined, meta, plain)).toEqual([{}]);
	});

	it('fullResponse: status, message, safe headers and body', () => {
		expect(shapeSuccess({ a: 1 }, meta, { fullResponse: true, splitField: '' })).toEqual([
			{ statusCode: 200, statusMessage: 'OK', headers: { 'content-type': 'application/json', 'x-id': '7' }, body: { a: 1 } },
		]);
	});

	it('split: one item per element of the array at the path', () => {
		const body = { data: { items: [{ id: 1 }, 'two', [3]] } };
		expect(shapeSuccess(body, meta, { fullResponse: false, splitField: 'data.items' })).toEqual([{ id: 1 }, { data: 'two' }, { data: [3] }]);
		expect(shapeSuccess([{ id: 1 }, { id: 2 }], meta, { fullResponse: false, splitField: '.' })).toEqual([{ id: 1 }, { id: 2 }]);
		expect(shapeSuccess({ items: [] }, meta, { fullResponse: false, splitField: 'items' })).toEqual([]);
	});

	it('split with fullResponse wraps each element', () => {
		const items = shapeSuccess({ items: [1, 2] }, meta, { fullResponse: true, splitField: 'items' });
		expect(Array.isArray(items) && items.map((item) => item.body)).toEqual([1, 2]);
		expect(Array.isArray(items) && items[1].statusCode).toBe(200);
	});

	it.each([
		['missing field', { other: [] }, 'items'],
		['non-array field', { items: { a: 1 } }, 'items'],
		['text body', 'plain', 'items'],
		['root not an array', { a: 1 }, '.'],
	])('split: %s is an input problem naming the field', (_label, body, splitField) => {
		const result = shapeSuccess(body, meta, { fullResponse: false, splitField });
		expect(result).toEqual({ problem: expect.stringContaining(`no array at "${splitField}"`), source: 'input' });
	});
});
