/**
 * What an AI agent's model receives in tool mode (nodes/JasRequest/present/toolAnswer.ts), and the one exit that scrubs it
 * (emit.ts `Exit.tool`): every outcome as lean JSON within the budget, a clear cut marker, and never a secret in any
 * spelling, also when the cut falls inside one.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { Exit } from '../../nodes/JasRequest/present/emit';
import type { ErrorDetails } from '../../nodes/JasRequest/present/errorItems';
import { CUT_MARKER, isToolNodeType, toolAnswer, withoutHosts } from '../../nodes/JasRequest/present/toolAnswer';

const size = (answer: IDataObject) => JSON.stringify(answer).length;

const apiError = (status: number, body: unknown, extra: Partial<ErrorDetails> = {}) => ({
	kind: 'error' as const,
	error: {
		status,
		statusText: status === 404 ? 'Requested Resource not Found' : 'Unexpected Server Error',
		message: `The API answered ${status}.`,
		source: 'api',
		attempts: 1,
		body,
		headers: { 'x-internal': 'should not reach the model' },
		request: { method: 'GET', url: 'http://10.1.2.3:8443/api/orders/1' },
		...extra,
	} satisfies ErrorDetails,
});

describe('tool node type', () => {
	it('is recognised by the "Tool" suffix n8n gives the copy it offers agents', () => {
		expect(isToolNodeType('n8n-nodes-jas.jasRequestTool')).toBe(true);
		expect(isToolNodeType('n8n-nodes-jas.jasRequest')).toBe(false);
	});
});

describe('toolAnswer', () => {
	it('a success is the body as the API sent it: JSON as JSON, text as text', () => {
		expect(toolAnswer({ kind: 'success', status: 200, body: { id: 7, name: 'Box' } }, 20_000)).toEqual({ ok: true, status: 200, body: { id: 7, name: 'Box' } });
		expect(toolAnswer({ kind: 'success', status: 200, body: 'plain words' }, 20_000)).toEqual({ ok: true, status: 200, body: 'plain words' });
	});

	it('an HTTP error names the status, its JAS meaning, the API message and advice, but no headers, request or host', () => {
		const answer = toolAnswer(apiError(404, { error: 'not_found', message: 'Order 1 does not exist' }), 20_000);
		expect(answer).toEqual({
			ok: false,
			status: 404,
			meaning: 'Requested Resource not Found',
			apiMessage: 'Order 1 does not exist',
			advice: 'The API answered 404.',
		});
		expect(JSON.stringify(answer)).not.toMatch(/x-internal|10\.1\.2\.3/);
	});

	it('takes the API message from error_description, nested errors, or a text body', () => {
		expect(toolAnswer(apiError(500, { error: 'server_error', error_description: 'Database down' }), 20_000).apiMessage).toBe('Database down');
		expect(toolAnswer(apiError(500, { errors: [{ message: 'field x is required' }] }), 20_000).apiMessage).toBe('[{"message":"field x is required"}]');
		expect(toolAnswer(apiError(500, 'Bad gateway from upstream'), 20_000).apiMessage).toBe('Bad gateway from upstream');
	});

	it('429 and 503 say when to try again: the Retry-After seconds, or a default wait', () => {
		const withHint = toolAnswer(apiError(429, { message: 'slow down' }, { retryAfter: 3, statusText: 'Rate Limit Exceeded' }), 20_000);
		expect(withHint).toMatchObject({ status: 429, retryAfterSeconds: 3, apiMessage: 'slow down' });
		const without = toolAnswer(apiError(503, undefined, { statusText: 'Service Unavailable' }), 20_000);
		expect(without.retryAfterSeconds).toBeUndefined();
		expect(without.advice).toMatch(/before trying again/);
	});

	it('credential, network and input problems say what failed and what to do, without hosts', () => {
		const credential = toolAnswer(
			{ kind: 'error', error: { status: 503, statusText: 'Token Request Failed', message: 'The token endpoint http://127.0.0.1:4999/oauth2/token answered 503.', source: 'token', attempts: 1, request: { method: 'GET', url: '/x' } } },
			20_000,
		);
		expect(credential).toMatchObject({ ok: false, problem: 'credential', status: 503 });
		expect(credential.message).toBe('The token endpoint [host]/oauth2/token answered 503.');
		expect(credential.advice).toMatch(/check the credential/);
		const network = toolAnswer(
			{ kind: 'error', error: { status: null, statusText: 'timeout', message: 'No answer from 192.168.0.9:8080 within 30 s', source: 'network', attempts: 2, request: { method: 'GET', url: '/x' } } },
			20_000,
		);
		expect(network).toMatchObject({ ok: false, problem: 'network', message: 'No answer from [host] within 30 s' });
		expect(network.status).toBeUndefined();
	});

	it('a file is one line: name, type, size', () => {
		expect(toolAnswer({ kind: 'file', status: 200, fileName: 'label.pdf', mimeType: 'application/pdf', size: '1.2 MB' }, 20_000)).toEqual({
			ok: true,
			status: 200,
			file: 'A file was returned, not shown here: "label.pdf", application/pdf, 1.2 MB.',
		});
	});

	it.each([500, 2_000, 20_000])('a body larger than the budget (%i) is cut to fit, with a marker saying how much was left out', (budget) => {
		const body = { items: Array.from({ length: 3_000 }, (_, i) => ({ id: i, name: `item ${i} “ü” \u{1F4E6}` })) };
		const total = JSON.stringify(body).length;
		const answer = toolAnswer({ kind: 'success', status: 200, body }, budget);
		expect(size(answer)).toBeLessThanOrEqual(budget);
		expect(size(answer)).toBeGreaterThan(budget * 0.6);
		expect(answer.truncated).toBe(true);
		const text = answer.body as string;
		const marker = new RegExp(`${CUT_MARKER.replace('[', '\\[')}([\\d,]+) of ([\\d,]+) characters left out to fit the tool's budget of ${budget.toLocaleString('en-US')}\\]$`);
		const [, left, of] = marker.exec(text) ?? [];
		expect(Number(of.replace(/,/g, ''))).toBe(total);
		const shown = text.slice(0, text.lastIndexOf(` …${CUT_MARKER}`));
		expect(shown.length + Number(left.replace(/,/g, ''))).toBe(total);
		expect(JSON.stringify(body).startsWith(shown)).toBe(true);
		// Never half a surrogate pair (a lone one is invalid UTF-16 to send to a model).
		expect(shown).not.toMatch(/[\uD800-\uDBFF]$/);
	});

	it('a long API message is cut too; an answer within budget is untouched', () => {
		const answer = toolAnswer(apiError(500, { message: 'x'.repeat(5_000) }), 1_000);
		expect(size(answer)).toBeLessThanOrEqual(1_000);
		expect(answer.apiMessage).toContain(CUT_MARKER);
		expect(toolAnswer({ kind: 'success', status: 200, body: { a: 1 } }, 500).truncated).toBeUndefined();
	});

	it('pagination that stopped at the budget says so', () => {
		const answer = toolAnswer({ kind: 'success', status: 200, body: [{ a: 1 }, { a: 2 }], pages: 2, stoppedAtBudget: true }, 20_000);
		expect(answer).toMatchObject({ ok: true, pages: 2, body: [{ a: 1 }, { a: 2 }] });
		expect(answer.note).toMatch(/Pagination stopped after 2 page\(s\).*budget of 20,000 characters.*more pages exist/);
	});

	it('withoutHosts keeps paths', () => {
		expect(withoutHosts('GET https://api.example.com:8443/v1/a?b=1 failed')).toBe('GET [host]/v1/a?b=1 failed');
	});

	it.each([
		['GET http://jas.corp.internal/v1/x failed: the host name "jas.corp.internal" could not be resolved.', 'GET [host]/v1/x failed: the host name "[host]" could not be resolved.'],
		['POST http://jas-sim:8080/token failed: jas-sim:8080 refused the connection.', 'POST [host]/token failed: [host] refused the connection.'],
		['POST http://[::1]:4999/token failed: [::1]:4999 refused the connection (connect ECONNREFUSED ::1:4999).', 'POST [host]/token failed: [host] refused the connection (connect ECONNREFUSED [host]).'],
		['getaddrinfo ENOTFOUND oauth2.example.internal', 'getaddrinfo ENOTFOUND [host]'],
		['fe80::1 and 2001:0db8:0000:0000:0000:ff00:0042:8329 and localhost:5678 and ws://10.0.0.1:9/x', '[host] and [host] and [host] and [host]/x'],
	])('withoutHosts hides hosts without a scheme too: %s', (text, expected) => {
		expect(withoutHosts(text)).toBe(expected);
	});

	it('withoutHosts leaves ordinary API words alone', () => {
		const text = 'Field customer.name is required at 12:30:45 (e.g. /v1/orders.json, Item 0: code 4711, 1.2 MB).';
		expect(withoutHosts(text)).toBe(text);
	});

	it('a body of characters JSON escapes six times over still shows some of them within the budget', () => {
		const answer = toolAnswer({ kind: 'success', status: 200, body: '\u0001'.repeat(100_000) }, 2_000);
		expect(size(answer)).toBeLessThanOrEqual(2_000);
		expect(String(answer.body).startsWith('\u0001'.repeat(100))).toBe(true);
	});

	it('a body too deeply nested to serialise is said, not thrown', () => {
		let deep: unknown[] = [];
		for (let i = 0; i < 200_000; i++) deep = [deep];
		const answer = toolAnswer({ kind: 'success', status: 200, body: deep }, 2_000);
		expect(answer).toEqual({ ok: true, status: 200, body: expect.stringMatching(/too large or too deeply nested/) });
	});
});

describe('Exit.tool: the scrubber runs before the cut and after it', () => {
	const secret = 'tok_9f8e7d6c5b4a3210ffeeddcc';
	const exit = new Exit({} as IExecuteFunctions, () => [secret]);
	const spellings = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), secret.slice(0, 16)];

	const noSecret = (answer: unknown) => {
		const text = JSON.stringify(answer);
		for (const spelling of spellings) expect(text).not.toContain(spelling);
	};

	it.each([
		['plain', secret],
		['URL-encoded', encodeURIComponent(`a=${secret}`)],
		['base64', Buffer.from(secret).toString('base64')],
		['JSON-escaped', secret.replace(/t/g, '\\u0074')],
		['percent-escaped letters', secret.replace(/9/g, '%39')],
	])('a %s secret in a success body never reaches the model', (_, spelling) => {
		const item = exit.tool(0, { kind: 'success', status: 200, body: { echo: `Bearer ${spelling}`, [spelling]: 'as a key' } }, 20_000);
		noSecret(item.json);
	});

	it('a cut that falls inside a secret leaves none of it', () => {
		for (let budget = 500; budget < 700; budget += 7) {
			const body = `${'a'.repeat(budget - 150)}${secret}${'b'.repeat(500)}`;
			const item = exit.tool(0, { kind: 'success', status: 200, body }, budget);
			noSecret(item.json);
			expect(size(item.json)).toBeLessThanOrEqual(budget);
		}
	});

	it('secrets in an error item (message, API body) and in a file name are redacted', () => {
		const error = exit.tool(0, apiError(401, { message: `token ${secret} rejected` }, { message: `The API answered 401 for ${secret}` }), 20_000);
		noSecret(error.json);
		expect(JSON.stringify(error.json)).toContain('[redacted]');
		const file = exit.tool(0, { kind: 'file', status: 200, fileName: `${secret}.pdf`, mimeType: 'application/pdf', size: '1 KB' }, 20_000);
		noSecret(file.json);
	});

	it('pairs the answer to its input item (the node puts every answer on output 0)', () => {
		expect(exit.tool(3, { kind: 'success', status: 204, body: undefined }, 20_000)).toEqual({ json: { ok: true, status: 204 }, pairedItem: { item: 3 } });
	});
});
