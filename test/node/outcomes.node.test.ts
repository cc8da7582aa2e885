/**
 * Each outcome is routed by what really happened, to the user (outputs, error items) and to an AI agent (its one
 * answer): a success without a file, a file in the middle of pagination, a 401 that was not an answer to our token,
 * an answer too large to split.
 */
import type { IDataObject, INodeExecutionData, INodeTypeDescription } from 'n8n-workflow';

import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { CATEGORY } from '../../nodes/JasRequest/routing';
import { MAX_ITEMS_PER_INPUT } from '../../nodes/JasRequest/responseBody';
import type { ErrorDetails } from '../../nodes/JasRequest/present/errorItems';
import { type HostileServer, hostileClient, sendJson, startHostileServer } from '../helpers/hostileServer';
import { runNode, type RunNodeResult } from '../helpers/runNode';

/** n8n offers the node to agents as a copy whose type name ends in "Tool". */
class JasRequestTool extends JasRequest {
	description: INodeTypeDescription = { ...new JasRequest().description, name: 'jasRequestTool' };
}

let api: HostileServer;
let elsewhere: HostileServer;
beforeAll(async () => {
	api = await startHostileServer();
	elsewhere = await startHostileServer();
});
afterAll(async () => {
	await api.close();
	await elsewhere.close();
});
beforeEach(() => {
	api.tokenRequests = 0;
});

async function run(paths: string[], parameters: IDataObject = {}, tool = false): Promise<RunNodeResult> {
	return await runNode({
		node: tool ? new JasRequestTool() : new JasRequest(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', ...parameters },
		items: paths.map((path) => ({ json: { path } })),
		credentials: { jasOAuth2Api: { baseUrl: api.url, ...hostileClient(), renewalMarginSec: 60 } },
	});
}

const errorOf = (item: INodeExecutionData) => (item.json as { error: ErrorDetails }).error;

describe('a success without a file, when a file was asked for, is a success with its status', () => {
	beforeEach(() => {
		api.handle = (req, res, url) => {
			req.resume();
			if (url.pathname === '/moved') {
				res.writeHead(302, { Location: '/file' });
				res.end();
			} else if (req.headers['if-none-match'] === '"v1"') {
				res.writeHead(304, { ETag: '"v1"' });
				res.end();
			} else {
				res.writeHead(200, { 'Content-Type': 'application/pdf', ETag: '"v1"' });
				res.end('%PDF-1.4');
			}
		};
	});
	const ifNoneMatch = { sendHeaders: true, headerParameters: { parameters: [{ name: 'If-None-Match', value: '"v1"' }] } };

	it('a 304 Not Modified goes to Success with the status and no file', async () => {
		const result = await run(['/file'], { ...ifNoneMatch, options: { responseFormat: 'file' } });
		expect(result.outputs[CATEGORY.success]).toHaveLength(1);
		const [item] = result.outputs[CATEGORY.success];
		expect(item.json).toEqual({ statusCode: 304, statusMessage: 'Not Modified' });
		expect(item.binary).toBeUndefined();
	});

	it('a 302 not followed (Follow Redirects off) goes to Success with the status and no file', async () => {
		const result = await run(['/moved'], { options: { responseFormat: 'file', followRedirects: false } });
		const [item] = result.outputs[CATEGORY.success];
		expect(item.json).toMatchObject({ statusCode: 302 });
		expect(item.binary).toBeUndefined();
		expect(result.outputs[CATEGORY.networkError]).toEqual([]);
	});

	it('an agent hears of a 304 as a success without a file, not as a network problem to try again', async () => {
		const result = await run(['/file'], { ...ifNoneMatch, options: { responseFormat: 'file' } }, true);
		expect(result.outputs[0].map((item) => item.json)).toEqual([{ ok: true, status: 304, file: 'No file: the API answered 304 Not Modified.' }]);
	});
});

it('tool mode: a file on page 2 ends the pagination but keeps page 1 and says so', async () => {
	api.handle = (req, res, url) => {
		req.resume();
		if (url.pathname === '/p1') return sendJson(res, 200, { rows: [{ id: 1 }, { id: 2 }], next: '/p2' });
		res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="report.pdf"' });
		res.end('%PDF-1.4');
	};
	const result = await run(['/p1'], { paginationMode: 'nextUrl', nextUrlField: 'next' }, true);
	const answer = result.outputs[0][0].json;
	expect(answer).toMatchObject({ ok: true, status: 200, body: { rows: [{ id: 1 }, { id: 2 }], next: '/p2' } });
	expect(answer.note).toMatch(/Pagination stopped at page 2: it is a file.*"report\.pdf", application\/pdf/);
});

describe('a 401 from another origin after a cross-origin redirect', () => {
	beforeEach(() => {
		elsewhere.handle = (req, res) => {
			req.resume();
			sendJson(res, 401, { error: 'who are you' });
		};
		api.handle = (req, res) => {
			req.resume();
			res.writeHead(302, { Location: `${elsewhere.url}/cdn/orders` });
			res.end();
		};
	});

	it('is not reported as a renewed token rejected again: nothing was renewed', async () => {
		const result = await run(['/orders'], { options: { maxRetries: 0 } });
		const error = errorOf(result.outputs[CATEGORY.authError][0]);
		expect(error.status).toBe(401);
		expect(error.message).not.toMatch(/renewed and rejected/);
		expect(error.message).toMatch(/another origin/);
		expect(api.tokenRequests).toBe(1);
	});

	it('and an agent is told the same', async () => {
		const result = await run(['/orders'], { options: { maxRetries: 0 } }, true);
		const answer = result.outputs[0][0].json;
		expect(answer).toMatchObject({ ok: false, status: 401 });
		expect(answer.advice).not.toMatch(/renewed and rejected/);
	});
});

it(`a single page of more than ${MAX_ITEMS_PER_INPUT.toLocaleString('en-US')} rows is the response's problem (source "response"), as the README says`, async () => {
	const rows = `[${new Array<string>(MAX_ITEMS_PER_INPUT + 1).fill('{}').join(',')}]`;
	api.handle = (req, res) => {
		req.resume();
		sendJson(res, 200, rows);
	};
	const result = await run(['/rows'], { options: { splitField: '.' } });
	const error = errorOf(result.outputs[CATEGORY.clientError][0]);
	expect(error.source).toBe('response');
	expect(error.message).toMatch(/more than the 100,000 allowed/);
});
