import { STATUS_CODES } from 'node:http';

import { apiErrorMessage, errorJson, statusTextFor, type ErrorDetails } from '../../nodes/JasRequest/present/errorItems';
import { JAS_STATUS_TEXT } from '../../nodes/JasRequest/jasStatus';

describe('statusTextFor', () => {
	it.each([
		[400, 'Client or Validation Error'],
		[401, 'Authentication Failure'],
		[403, 'Access Denied'],
		[404, 'Requested Resource not Found'],
		[405, 'Method not allowed'],
		[406, 'Unsupported Accept Header'],
		[409, 'Inconsistent/Conflicting State'],
		[415, 'Unsupported Content-type'],
		[429, 'Rate Limit Exceeded'],
		[500, 'Unexpected Server Error'],
	])('%i uses the JAS table text %p', (status, text) => {
		expect(statusTextFor(status)).toBe(text);
		expect(JAS_STATUS_TEXT[status]).toBe(text);
	});

	it.each([200, 402, 410, 418, 422, 502, 503, 504])('%i falls back to node\'s STATUS_CODES', (status) => {
		expect(STATUS_CODES[status]).toBeDefined();
		expect(statusTextFor(status)).toBe(STATUS_CODES[status]);
	});

	it('unknown codes get a generic text', () => {
		expect(statusTextFor(599)).toBe('Unknown Status');
	});
});

describe('apiErrorMessage: tips that fit the credential', () => {
	it('JTL-FFN tips (portal login on 404, scopes on 403) only with a JTL-FFN credential', () => {
		for (const status of [403, 404]) expect(apiErrorMessage(status, 1)).not.toMatch(/JTL|FFN/);
		expect(apiErrorMessage(404, 1, undefined, false, true)).toMatch(/Check the URL path\. On a fresh JTL-FFN account, log in to the FFN portal once/);
		expect(apiErrorMessage(403, 1, undefined, false, true)).toMatch(/scope for this endpoint\. Check the scopes in the JTL-FFN credential, then reconnect it\.$/);
		expect(apiErrorMessage(500, 1, undefined, false, true)).not.toMatch(/JTL/);
	});
});

describe('apiErrorMessage', () => {
	it('states status and text; no attempt count for a single attempt', () => {
		const message = apiErrorMessage(404, 1);
		expect(message).toMatch(/^The API answered 404 Requested Resource not Found\. /);
		expect(message).not.toMatch(/attempts/);
		expect(message).toContain('Check the URL path');
	});

	it('mentions the number of attempts and the Retry-After wait', () => {
		const message = apiErrorMessage(429, 4, 30);
		expect(message).toContain('429 Rate Limit Exceeded after 4 attempts.');
		expect(message).toContain('It asked to wait 30 s.');
		expect(message).toContain('lower Concurrency');
	});

	it('mentions a Retry-After of 0 too', () => {
		expect(apiErrorMessage(503, 2, 0)).toContain('It asked to wait 0 s.');
	});

	it('gives generic server advice for 5xx without specific advice', () => {
		expect(apiErrorMessage(503, 3)).toBe(
			'The API answered 503 Service Unavailable after 3 attempts. The server failed: try again later, or ask the provider if it persists.',
		);
	});

	it('has no trailing space when there is no advice', () => {
		expect(apiErrorMessage(418, 1)).toBe(`The API answered 418 ${STATUS_CODES[418]}.`);
	});
});

describe('errorJson', () => {
	const details: ErrorDetails = {
		status: 429,
		statusText: 'Rate Limit Exceeded',
		message: 'The API answered 429',
		source: 'api',
		attempts: 3,
		request: { method: 'GET', url: 'https://h/api/x' },
	};

	it('has outcome and error with the documented fields only', () => {
		const json = errorJson('Rate Limited', details);
		expect(Object.keys(json).sort()).toEqual(['error', 'outcome']);
		expect(json.outcome).toBe('Rate Limited');
		expect(json.error).toEqual({
			status: 429,
			statusText: 'Rate Limit Exceeded',
			message: 'The API answered 429',
			source: 'api',
			attempts: 3,
			request: { method: 'GET', url: 'https://h/api/x' },
		});
	});

	it('adds retryAfter, body, headers and pagesFetched when given (including falsy values)', () => {
		const json = errorJson('Other Error', {
			...details,
			status: null,
			source: 'network',
			retryAfter: 0,
			body: { code: 'E1' },
			headers: { 'x-id': '1' },
			pagesFetched: 0,
		});
		expect(json.error).toMatchObject({ status: null, source: 'network', retryAfter: 0, body: { code: 'E1' }, headers: { 'x-id': '1' }, pagesFetched: 0 });
	});

	it('keeps a null body (the API sent JSON null) but not an undefined one', () => {
		expect((errorJson('x', { ...details, body: null }).error as object)).toHaveProperty('body', null);
		expect((errorJson('x', { ...details, body: undefined }).error as object)).not.toHaveProperty('body');
	});
});
