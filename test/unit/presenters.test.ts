/**
 * The two presenters without n8n: what a page, or a failure, becomes. Workflow items: routed by the first page,
 * split, capped, every failure one error item on its output. Tool answers: one per item on output 0, the bodies
 * within the budget, failures from the same details.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { Exit } from '../../nodes/JasRequest/present/emit';
import type { Failure } from '../../nodes/JasRequest/present/failures';
import { ItemsPresenter } from '../../nodes/JasRequest/present/itemsPresenter';
import { Page } from '../../nodes/JasRequest/present/presenter';
import { ToolPresenter } from '../../nodes/JasRequest/present/toolPresenter';
import type { ResponseFormat } from '../../nodes/JasRequest/responseBody';
import { MAX_ITEMS_PER_INPUT } from '../../nodes/JasRequest/responseBody';
import { CATEGORY, createRouter } from '../../nodes/JasRequest/routing';
import type { HttpResponse } from '../../nodes/shared/http/send';

const SECRET = 'tok_presenter_secret_0123456789';
const node = { id: '1', name: 'JAS Request', type: 'n8n-nodes-jas.jasRequest', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
const exit = new Exit({ getNode: () => node } as unknown as IExecuteFunctions, () => [SECRET]);
const line = { method: 'GET', url: 'https://api.example/v1/orders' };

function page(body: unknown, number = 1, format: ResponseFormat = 'auto', status = 200, contentType = 'application/json'): Page {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	const response: HttpResponse = { status, statusText: '', headers: { 'content-type': contentType }, body: Buffer.from(text), url: line.url, credentialsDropped: false };
	return new Page(response, 1, number, line, format);
}

const settings = { responseFormat: 'auto' as ResponseFormat, fullResponse: false, splitField: '', outputBinaryPropertyName: 'data', maxFileBytes: 0 };
const apiFailure = (status: number, body: unknown): Failure => ({ kind: 'api', response: page(body, 1, 'auto', status).response, attempts: 1, request: line });

describe('workflow items', () => {
	const presenter = (overrides: Partial<typeof settings> = {}, stopOnInputError = false) =>
		new ItemsPresenter(exit, createRouter({}), { ...settings, ...overrides }, stopOnInputError, 2);

	it('pages become items on the output of the first page, paired to their input', async () => {
		const items = presenter({ splitField: 'rows' });
		const first = items.item(1);
		await expect(first.page(page({ rows: [{ id: 1 }, { id: 2 }] }))).resolves.toBe('more');
		await expect(first.page(page({ rows: [{ id: 3 }] }, 2))).resolves.toBe('more');
		first.done({ pages: 2, stoppedAtBudget: false });
		items.item(0).failed(apiFailure(404, { message: 'gone' }));
		const outputs = items.outputs();
		expect(outputs[CATEGORY.success].map((item) => [item.json.id, item.pairedItem])).toEqual([
			[1, { item: 1 }],
			[2, { item: 1 }],
			[3, { item: 1 }],
		]);
		expect(outputs[CATEGORY.notFound][0].json).toMatchObject({ outcome: 'Not Found', error: { status: 404, source: 'api', body: { message: 'gone' } } });
	});

	it('the item cap counts over all pages: the page that passes it is the response\'s problem', async () => {
		const item = presenter({ splitField: '.' }).item(0);
		await item.page(page(new Array(MAX_ITEMS_PER_INPUT).fill({})));
		await expect(item.page(page([{}], 2))).resolves.toMatchObject({ kind: 'unusable', source: 'response' });
	});

	it('an input failure is numbered for the workflow\'s user, or stops the workflow under On Error: Stop', () => {
		const continuing = presenter();
		continuing.item(0).done({ pages: 0, stoppedAtBudget: false });
		continuing.item(1).failed({ kind: 'input', message: 'The URL is empty.', request: line });
		expect(continuing.outputs()[CATEGORY.clientError][0].json).toMatchObject({ error: { message: 'Item 1: The URL is empty.', source: 'input' } });
		const stopping = presenter({}, true).item(0);
		expect(() => stopping.failed({ kind: 'input', message: 'The URL is empty.', request: line })).toThrow('The URL is empty.');
	});

	it('secrets in success and error items are scrubbed at the exit', async () => {
		const items = presenter();
		await items.item(0).page(page({ echo: SECRET }));
		items.item(0).done({ pages: 1, stoppedAtBudget: false });
		items.item(1).failed(apiFailure(400, { echo: SECRET }));
		expect(JSON.stringify(items.outputs())).not.toContain(SECRET);
	});
});

describe('tool answers', () => {
	const presenter = (maxChars = 20_000, overrides: Partial<typeof settings> = {}) => new ToolPresenter(exit, { ...settings, ...overrides }, maxChars, 1);

	it('one answer on output 0: the bodies of all pages', async () => {
		const tool = presenter();
		const item = tool.item(0);
		await item.page(page({ n: 1 }));
		await item.page(page({ n: 2 }, 2));
		item.done({ pages: 2, stoppedAtBudget: false });
		expect(tool.outputs()).toEqual([[{ json: { ok: true, status: 200, pages: 2, body: [{ n: 1 }, { n: 2 }] }, pairedItem: { item: 0 } }]]);
	});

	it('has enough once the bodies reach the budget', async () => {
		const item = presenter(500).item(0);
		await expect(item.page(page({ pad: 'x'.repeat(600) }))).resolves.toBe('enough');
	});

	it('a file the model cannot read is described, and ends the pagination', async () => {
		const tool = presenter();
		const item = tool.item(0);
		await expect(item.page(page('%PDF-1.4', 1, 'auto', 200, 'application/pdf'))).resolves.toBe('last');
		item.done({ pages: 1, stoppedAtBudget: false });
		expect(tool.outputs()[0][0].json).toEqual({ ok: true, status: 200, file: 'A file was returned, not shown here: "orders", application/pdf, 8 bytes.' });
	});

	it('a failure is answered from its details, without the item number or headers', () => {
		const tool = presenter();
		tool.item(0).failed({ kind: 'input', message: 'The URL is empty.', request: line });
		expect(tool.outputs()[0][0].json).toMatchObject({ ok: false, problem: 'input', message: 'The URL is empty.' });
	});
});
