/**
 * Tool mode (the node as an AI agent's tool: its type name ends in "Tool") attacked by a hostile API and a sloppy or
 * hostile model. Every input item must give exactly one answer on output 0, within the budget, with no secret and no
 * host of the API in any spelling.
 */
import type { IDataObject, INodeExecutionData, INodeTypeDescription } from 'n8n-workflow';
import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { runNode, type RunNodeResult } from '../helpers/runNode';
import { registerSecrets } from '../../tools/simulators/secretRegistry';
import { bearerOf, type HostileServer, hostileClient, startHostileServer } from '../helpers/hostileServer';
import { sleep } from './hostile';

/** n8n offers the node to agents as a copy whose type name ends in "Tool"; the engine runs that copy's execute(). */
class JasRequestTool extends JasRequest {
	description: INodeTypeDescription = { ...new JasRequest().description, name: 'jasRequestTool' };
}

let api: HostileServer;
beforeAll(async () => (api = await startHostileServer()));
afterAll(async () => await api.close());

async function runTool(items: IDataObject[], parameters: IDataObject = {}, credentials?: IDataObject): Promise<RunNodeResult> {
	return await runNode({
		node: new JasRequestTool(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', ...parameters },
		items: items.map((json) => ({ json })),
		credentials: { jasOAuth2Api: (credentials ?? { baseUrl: api.url, ...hostileClient(), renewalMarginSec: 60 }) as IDataObject as never },
	});
}
const answers = (r: RunNodeResult) => {
	for (const other of r.outputs.slice(1)) expect(other).toEqual([]);
	return r.outputs[0];
};
const json = (item: INodeExecutionData) => item.json as IDataObject;
const size = (item: INodeExecutionData) => JSON.stringify(item.json).length;
const MB = 1024 * 1024;
const sendJson = (res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
	res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
};



test('attack: the API echoes the token in every spelling, in success and error bodies, a nested message, a file name and type, with the cut falling near it: no secret (control), and the type is sanitised as for downloads, now refused', async () => {
	api.handle = (req, res, url) => {
		req.resume();
		const token = bearerOf(req);
		const spellings = [token, encodeURIComponent(token), Buffer.from(`Bearer ${token}`).toString('base64'), token.replace(/t/g, '\\u0074')];
		if (url.pathname === '/ok') return sendJson(res, 200, { pad: 'p'.repeat(Number(url.searchParams.get('pad'))), echo: spellings, [token]: 'as a key' });
		if (url.pathname === '/err') return sendJson(res, 400, { error: { details: { auth: `Bearer ${token}` } } });
		res.writeHead(200, { 'Content-Type': `application/x-${token}`, 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(token)}.pdf` });
		res.end('%PDF-1.4');
	};
	const items = [...[380, 400, 420, 440].map((pad) => ({ path: `/ok?pad=${pad}` })), { path: '/err' }, { path: '/file' }];
	const r = await runTool(items, { toolMaxCharacters: 500, options: { maxRetries: 0 } });
	const out = answers(r);
	expect(out.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	const text = JSON.stringify(out);
	for (const token of api.tokens) for (const part of [token, token.slice(0, 20), token.slice(-20)]) expect(text).not.toContain(part);
	expect(json(out[4]).apiMessage).toContain('[redacted]');
	expect(json(out[5]).file).toMatch(/"\[redacted\]\.pdf", application\/octet-stream/);
});

test('attack: internal hosts in what the model is told (a host name with a port, IPv6 [::1], an unresolvable name), now refused', async () => {
	const closed = await startHostileServer();
	const port = new URL(closed.url).port;
	await closed.close();
	const cases = [
		{ baseUrl: `http://localhost:${port}`, host: `localhost:${port}` },
		{ baseUrl: `http://[::1]:${port}`, host: '::1' },
		{ baseUrl: 'http://jas-internal.invalid:8443', tokenUrl: `${api.url}/oauth2/token`, host: 'jas-internal.invalid' },
	];
	for (const { baseUrl, tokenUrl, host } of cases) {
		const r = await runTool([{ path: '/x' }], { options: { maxRetries: 0, timeout: 5000 } }, { baseUrl, ...(tokenUrl ? { tokenUrl } : {}), ...hostileClient() });
		const [answer] = answers(r);
		expect(json(answer).ok).toBe(false);
		expect(JSON.stringify(answer.json)).not.toContain(host);
		expect(JSON.stringify(answer.json)).not.toContain(port);
	}
});

test('attack: a model-chosen method (CONNECT, TRACE, "G ET", a CRLF header injection, empty) is an input problem, nothing sent, now refused', async () => {
	const methods = ['connect', 'TRACE', 'G ET', 'DELETE\r\nX-Injected: 1', ' ', 'get'];
	const before = api.apiRequests;
	api.handle = (req, res) => { req.resume(); sendJson(res, 200, { method: req.method }); };
	const r = await runTool(methods.map((m) => ({ path: '/m', m })), { method: '={{ $json.m }}' });
	const out = answers(r).map(json);
	expect(api.apiRequests - before).toBe(1);
	expect(out.slice(0, 5).map((answer) => answer.problem)).toEqual(['input', 'input', 'input', 'input', 'input']);
	expect(out[5]).toEqual({ ok: true, status: 200, body: { method: 'GET' } });
});

test('attack: model-chosen URLs on another host (absolute, //, \\\\, @, userinfo, %2F-encoded, other scheme): nothing reaches it, and the refusal no longer names its address, now refused', async () => {
	const evil = await startHostileServer();
	try {
		const ep = new URL(evil.url).port;
		const paths = [`${evil.url}/a`, `//127.0.0.1:${ep}/b`, `\\\\127.0.0.1:${ep}/c`, `${api.url}@127.0.0.1:${ep}/d`, `http://u:p@127.0.0.1:${ep}/e`, `http:%2F%2F127.0.0.1:${ep}/f`, `HTTP://127.0.0.1:${ep}/g`, `ftp://127.0.0.1:${ep}/h`];
		api.handle = (req, res, url) => { req.resume(); sendJson(res, 200, { path: url.pathname }); };
		const r = await runTool(paths.map((path) => ({ path })));
		const out = answers(r);
		expect(evil.apiRequests).toBe(0);
		expect(out.map((item) => item.pairedItem)).toEqual(paths.map((_, item) => ({ item })));
		// Refused ones say why without naming a host; the others stayed on the API (the path keeps what the model wrote).
		for (const item of out.filter((answer) => !json(answer).ok)) {
			expect(json(item).problem).toBe('input');
			expect(JSON.stringify(item.json)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|${ep}`));
		}
	} finally {
		await evil.close();
	}
});

test('attack: a file answer whose name fills the headers (12,000 characters) stays within the budget, with the API\'s status, now refused', async () => {
	api.handle = (req, res) => {
		req.resume();
		res.writeHead(201, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${'x'.repeat(12_000)}.pdf"` });
		res.end('%PDF-1.4');
	};
	for (const responseFormat of ['auto', 'file']) {
		const [answer] = answers(await runTool([{ path: '/f' }], { toolMaxCharacters: 500, options: { responseFormat } }));
		expect(size(answer)).toBeLessThanOrEqual(500);
		expect(json(answer)).toMatchObject({ ok: true, status: 201, truncated: true });
		expect(json(answer).file).toMatch(/^A file was returned, not shown here: "x+/);
	}
});

test('attack: budgets from expressions (negative, text, NaN, 10^12): clamped to 500..1,000,000, default 20,000 (control)', async () => {
	api.handle = (req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('y'.repeat(1_500_000)); };
	const cases: Array<[unknown, number]> = [[-5, 500], ['abc', 20_000], ['={{ NaN }}', 20_000], [1e12, 1_000_000], ['={{ "700" }}', 700]];
	for (const [budget, expected] of cases) {
		const [answer] = answers(await runTool([{ path: '/b' }], { toolMaxCharacters: budget as number }));
		expect(size(answer)).toBeLessThanOrEqual(expected);
		expect(size(answer)).toBeGreaterThan(expected * 0.9);
	}
});

test('attack: a 95 MB text body of control characters (JSON escapes make it 6 times longer than a string may be) gets its answer, now refused', async () => {
	const body = Buffer.alloc(95 * MB, 1);
	api.handle = (req, res, url) => { req.resume(); if (url.pathname === '/small') return sendJson(res, 200, { small: true }); res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end(body); };
	const out = answers(await runTool([{ path: '/huge' }, { path: '/small' }], { toolMaxCharacters: 2_000 }));
	expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(json(out[0])).toMatchObject({ ok: true, status: 200, truncated: true });
	expect(size(out[0])).toBeLessThanOrEqual(2_000);
	// Escaped characters count six times, yet the model still sees some of the body, not just a marker.
	expect(String(json(out[0]).body).startsWith('\u0001'.repeat(50))).toBe(true);
	expect(json(out[1])).toEqual({ ok: true, status: 200, body: { small: true } });
}, 60_000);

test('attack: JSON nested 100,000 deep is answered (cut), not an internal error, now refused', async () => {
	api.handle = (req, res) => { req.resume(); sendJson(res, 200, '['.repeat(100_000) + ']'.repeat(100_000)); };
	const [answer] = answers(await runTool([{ path: '/deep' }], { toolMaxCharacters: 2_000 }));
	expect(json(answer).ok).toBe(true);
	expect(size(answer)).toBeLessThanOrEqual(2_000);
});

test('attack: many input items with every outcome, finishing out of order: exactly one answer each, paired, in order, all on output 0 (control)', async () => {
	api.handle = async (req, res, url) => {
		req.resume();
		const kind = url.pathname.slice(1);
		await sleep(Number(url.searchParams.get('d')));
		if (kind === 'ok') return sendJson(res, 200, { kind });
		if (kind === 'drop') return void res.destroy();
		sendJson(res, Number(kind), { message: `status ${kind}` });
	};
	const kinds = ['ok', '404', '500', 'drop', '429', 'ok', '401', '400'];
	const items = Array.from({ length: 40 }, (_, i) => ({ path: `/${kinds[i % kinds.length]}?d=${(40 - i) % 7}` }));
	items[13] = { path: 'https://elsewhere.invalid/x' };
	const r = await runTool(items, { options: { maxRetries: 0, concurrency: 8 } });
	const out = answers(r);
	expect(out.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	expect(out.map((item) => json(item).ok)).toEqual(items.map((item) => item.path.startsWith('/ok')));
	expect(json(out[13]).problem).toBe('input');
});

test('attack: a Retry-After of 10^9 seconds: the model is told at most a day (control)', async () => {
	api.handle = (req, res) => { req.resume(); sendJson(res, 429, { message: 'slow down' }, { 'Retry-After': '1000000000' }); };
	const [answer] = answers(await runTool([{ path: '/r' }], { options: { maxRetries: 0 } }));
	expect(json(answer)).toMatchObject({ ok: false, status: 429, apiMessage: 'slow down' });
	expect(json(answer).retryAfterSeconds).toBeLessThanOrEqual(86_400);
});

test('attack: custom routing rules (one invalid) in tool mode: routing does not apply, every answer on output 0, now refused', async () => {
	api.handle = (req, res, url) => { req.resume(); sendJson(res, url.pathname === '/ok' ? 201 : 404, { message: 'x' }); };
	for (const rules of [[{ name: 'Created', codes: '201' }, { name: 'Missing', codes: '404' }], [{ name: 'Bad', codes: '4xx' }]]) {
		const out = answers(await runTool([{ path: '/ok' }, { path: '/missing' }], { routing: 'custom', customRules: { rules } }));
		expect(out.map(json).map(({ ok, status }) => ({ ok, status }))).toEqual([{ ok: true, status: 201 }, { ok: false, status: 404 }]);
	}
});

test('attack: the credential missing, or of the wrong type: each item answered as a credential problem, nothing thrown (control)', async () => {
	const none = await runNode({ node: new JasRequestTool(), parameters: { authentication: 'jasOAuth2Api', url: '/x' }, items: [{ json: {} }, { json: {} }] });
	const wrong = await runNode({ node: new JasRequestTool(), parameters: { authentication: 'jtlFfnOAuth2Api', url: '/x' }, items: [{ json: {} }], credentials: { jasOAuth2Api: { baseUrl: api.url, ...hostileClient() } } });
	for (const out of [answers(none), answers(wrong)]) for (const item of out) expect(json(item)).toMatchObject({ ok: false, problem: 'credential' });
	expect(answers(none).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
});

test('attack: a body of many small pages: pagination stops at the budget and the answer fits (control)', async () => {
	let pages = 0;
	api.handle = (req, res, url) => { req.resume(); pages++; const n = Number(url.searchParams.get('n') ?? 0); sendJson(res, 200, { next: `/p?n=${n + 1}`, items: [n] }); };
	const [answer] = answers(await runTool([{ path: '/p' }], { toolMaxCharacters: 1_000, paginationMode: 'nextUrl', nextUrlField: 'next', maxPages: 100_000 }));
	expect(size(answer)).toBeLessThanOrEqual(1_000);
	expect(pages).toBeLessThan(60);
	expect(json(answer).note).toMatch(/Pagination stopped after \d+ page\(s\)/);
});

test('attack: an error body with no message-like field (an array of errors, or {"reason": …}) still reaches the model in the API\'s words, now refused', async () => {
	api.handle = (req, res, url) => {
		req.resume();
		if (url.pathname === '/array') return sendJson(res, 422, [{ field: 'sku', problem: 'SKU 4711 is unknown' }]);
		sendJson(res, 409, { code: 4711, reason: 'Order 17 is locked by another user' });
	};
	const out = answers(await runTool([{ path: '/array' }, { path: '/reason' }], { options: { maxRetries: 0 } })).map(json);
	expect(out[0].apiMessage).toContain('SKU 4711 is unknown');
	expect(out[1].apiMessage).toContain('Order 17 is locked by another user');
});

test('attack: a JTL-FFN API echoes the access token, the refresh token and the client secret, in a 401 and in a success: none reaches the model (control)', async () => {
	const suffix = Math.random().toString(36).slice(2);
	const tokenData = { access_token: `jtl-access-${suffix}-aaaa`, refresh_token: `jtl-refresh-${suffix}-bbbb`, token_type: 'Bearer' };
	const clientSecret = `jtl-secret-${suffix}-cccc`;
	registerSecrets(tokenData.access_token, tokenData.refresh_token, clientSecret);
	const echo = `${tokenData.access_token} ${encodeURIComponent(tokenData.refresh_token)} ${Buffer.from(`jtl:${clientSecret}`).toString('base64')}`;
	api.handle = (req, res, url) => { req.resume(); sendJson(res, url.pathname === '/ok' ? 200 : 403, { message: echo, pad: 'p'.repeat(300) }); };
	const out = answers(
		await runNode({
			node: new JasRequestTool(),
			parameters: { authentication: 'jtlFfnOAuth2Api', url: '={{ $json.path }}', toolMaxCharacters: 500 },
			items: [{ json: { path: '/ok' } }, { json: { path: '/denied' } }],
			credentials: { jtlFfnOAuth2Api: { environment: 'custom', customApiUrl: api.url, clientId: 'jtl', clientSecret, oauthTokenData: tokenData } },
		}),
	);
	expect(out.map(json).map(({ ok }) => ok)).toEqual([true, false]);
	const text = JSON.stringify(out);
	for (const secret of [tokenData.access_token, tokenData.refresh_token, clientSecret]) expect(text).not.toContain(secret.slice(0, 20));
	expect(text).toContain('[redacted]');
});
