/**
 * The editor's forms, judged by n8n's own rules: NodeHelpers.getNodeParameters is what both the editor and an
 * execution use to decide which parameters a node has (a hidden one is dropped), so what it keeps is what the user
 * sees and what the node is given.
 */
import { type INode, type INodeParameters, type INodeProperties, type INodeTypeDescription, NodeHelpers } from 'n8n-workflow';

import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { properties } from '../../nodes/JasRequest/description';

const request = new JasRequest().description;
/** n8n's AI-tool copy of the node: the same description under a name ending in Tool. */
const tool: INodeTypeDescription = { ...request, name: `${request.name}Tool` };

function resolved(parameters: INodeParameters, { typeVersion = 1.1, type = request } = {}): INodeParameters {
	const node: INode = { id: '1', name: 'JAS Request', type: `n8n-nodes-jas.${type.name}`, typeVersion, position: [0, 0], parameters };
	return NodeHelpers.getNodeParameters(type.properties, parameters, true, false, node, type) ?? {};
}

/** The top-level fields a user sees, in order. */
const shown = (parameters: INodeParameters, options = {}) => Object.keys(resolved(parameters, options));

describe('Pagination: the mode first, its own fields next, Max Pages last', () => {
	it('a fresh node shows Pagination set to Off and none of its fields', () => {
		const fields = shown({});
		expect(fields).toContain('paginationMode');
		expect(resolved({}).paginationMode).toBe('off');
		for (const name of ['nextUrlField', 'offsetParameter', 'limitParameter', 'pageSize', 'itemsField', 'maxPages']) expect(fields).not.toContain(name);
	});

	it.each([
		['offset', ['paginationMode', 'offsetParameter', 'limitParameter', 'pageSize', 'itemsField', 'maxPages']],
		['nextUrl', ['paginationMode', 'nextUrlField', 'maxPages']],
		['linkHeader', ['paginationMode', 'maxPages']],
	])('%s: the fields in order', (mode, order) => {
		const fields = shown({ paginationMode: mode }).filter((name) => order.includes(name) || /^(nextUrlField|offsetParameter|limitParameter|pageSize|itemsField|maxPages)$/.test(name));
		expect(fields).toEqual(order);
	});

	it('Results Field says how it differs from Split Into Items', () => {
		const itemsField = properties.find((p) => p.name === 'itemsField');
		expect(itemsField?.description).toMatch(/Split Into Items/);
	});

	it('a node saved as version 1 keeps the earlier Pagination option (its settings reach the node) and no new fields', () => {
		const saved = { options: { pagination: { settings: { mode: 'offset', pageSize: 5, itemsField: 'data' } } } };
		expect(resolved(saved, { typeVersion: 1 }).options).toMatchObject(saved.options);
		expect(shown(saved, { typeVersion: 1 })).not.toContain('paginationMode');
	});

	it('version 1.1 does not offer the earlier option', () => {
		const option = (properties.find((p) => p.name === 'options')?.options as INodeProperties[]).find((o) => o.name === 'pagination');
		expect(NodeHelpers.displayParameter({}, option as INodeProperties, { typeVersion: 1.1 } as INode, request)).toBe(false);
		expect(NodeHelpers.displayParameter({}, option as INodeProperties, { typeVersion: 1 } as INode, request)).toBe(true);
	});
});

describe('Send Body: a DELETE sends no body unless it is switched on', () => {
	it('a fresh DELETE shows Send Body off and no body fields', () => {
		const fields = resolved({ method: 'DELETE' });
		expect(fields.sendBody).toBe(false);
		expect(fields).not.toHaveProperty('bodyType');
		expect(fields).not.toHaveProperty('jsonBody');
	});

	it('Send Body on shows the body fields of a DELETE', () => {
		expect(resolved({ method: 'DELETE', sendBody: true, jsonBody: '{"a":1}' })).toMatchObject({ bodyType: 'json', jsonBody: '{"a":1}' });
	});

	/** The Send Body definition n8n shows for these parameters (one name, several definitions). */
	const sendBodyShown = (parameters: INodeParameters, typeVersion = 1.1) =>
		properties.filter((p) => p.name === 'sendBody' && NodeHelpers.displayParameter(resolved(parameters, { typeVersion }), p, { typeVersion } as INode, request));

	it.each(['POST', 'PUT', 'PATCH'])('%s has the body fields and no Send Body toggle (it is on, hidden)', (method) => {
		const fields = resolved({ method, jsonBody: '{"a":1}' });
		expect(fields).toMatchObject({ sendBody: true, bodyType: 'json', jsonBody: '{"a":1}' });
		expect(sendBodyShown({ method }).map((p) => p.type)).toEqual(['hidden']);
	});

	it('a method from an expression has the body fields, and the toggle for when it gives DELETE', () => {
		expect(resolved({ method: '={{ $json.method }}', jsonBody: '{"a":1}' })).toMatchObject({ sendBody: false, bodyType: 'json', jsonBody: '{"a":1}' });
	});

	it.each(['GET', 'HEAD'])('%s has no body fields', (method) => {
		expect(resolved({ method })).not.toHaveProperty('bodyType');
	});

	it('a DELETE saved as version 1 keeps its body fields (and so its body), with no toggle', () => {
		const fields = resolved({ method: 'DELETE', jsonBody: '{"a":1}' }, { typeVersion: 1 });
		expect(fields).toMatchObject({ sendBody: true, bodyType: 'json', jsonBody: '{"a":1}' });
		expect(sendBodyShown({ method: 'DELETE' }, 1).map((p) => p.type)).toEqual(['hidden']);
		expect(sendBodyShown({ method: 'DELETE' }).map((p) => p.type)).toEqual(['boolean']);
	});

	it('new nodes are version 1.1', () => {
		expect(request.defaultVersion).toBe(1.1);
		expect(request.version).toEqual([1, 1.1]);
	});
});

describe('as JAS Request Tool: plain text the user can read, and only the fields that apply', () => {
	it.each([
		['jasOAuth2Api', /^Calls the JAS API /],
		['partnerOAuth2Api', /^Calls the Partner API /],
		['jtlFfnOAuth2Api', /^Calls the JTL-FFN \(JTL Fulfillment Network\) API /],
	])('with %s the Description is plain text naming its API', (authentication, start) => {
		const description = resolved({ authentication }, { type: tool }).toolDescription;
		expect(description).toMatch(start);
		expect(String(description)).not.toMatch(/^=|\{\{/);
	});

	it('Route Outcomes (with its codes and rules) is hidden, and shown on the workflow node', () => {
		for (const routing of ['byCategory', 'byStatusCode', 'custom']) {
			expect(shown({ routing }, { type: tool })).not.toContain("routing");
			expect(shown({ routing }, { type: tool }).filter((name) => ['statusCodes', 'customRules'].includes(name))).toEqual([]);
			expect(shown({ routing })).toContain('routing');
		}
		expect(shown({}, { type: tool })).toEqual(expect.arrayContaining(['toolDescription', 'toolMaxCharacters']));
		expect(shown({})).not.toContain('toolDescription');
	});

	it('Split Into Items and Full Response are not offered in Options', () => {
		const options = properties.find((p) => p.name === 'options')?.options as never[];
		const offered = (type: INodeTypeDescription) =>
			options.filter((option) => NodeHelpers.displayParameter({}, option, { typeVersion: 1.1 } as INode, type)).map((option: { name: string }) => option.name);
		expect(offered(tool)).not.toEqual(expect.arrayContaining(['splitField']));
		expect(offered(tool)).not.toContain('fullResponse');
		expect(offered(request)).toEqual(expect.arrayContaining(['splitField', 'fullResponse']));
	});
});

describe("the node's Retries say which retry to use", () => {
	it("Retries' hint names n8n's Retry On Fail and what happens with both on", () => {
		const retries = (properties.find((p) => p.name === 'options')?.options as Array<{ name: string; hint?: string }>).find((o) => o.name === 'maxRetries');
		expect(retries?.hint).toMatch(/Retry On Fail off/);
		expect(retries?.hint).toMatch(/With both on/);
	});
});

describe('Send Headers and Send Query Parameters start with one empty pair', () => {
	it.each([
		['sendHeaders', 'headerParameters'],
		['sendQuery', 'queryParameters'],
	])('%s on: one pair to fill in', (toggle, pairs) => {
		expect(resolved({ [toggle]: true })[pairs]).toEqual({ parameters: [{ name: '', value: '' }] });
	});
});
