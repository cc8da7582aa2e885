/** One item's request, read from its parameters (the expression fast path of itemParameters.ts) and built. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemParameters } from '../itemParameters';
import type { RequestLine } from '../present/failures';
import { buildRequest, InputError, type ItemRequestParameters, type NameValue, type PreparedRequest, sendsBody } from '../requestBuilder';

export async function readItemRequest(ctx: IExecuteFunctions, params: ItemParameters, index: number, baseUrl: string): Promise<PreparedRequest> {
	const param = <T>(name: string, fallback: T) => params.get(name, index, fallback);
	const pairs = (name: string) => param<{ parameters?: NameValue[] }>(name, {}).parameters ?? [];
	// An expression may deliver "post": the body decision must see the method as it will be sent.
	const method = String(param<unknown>('method', 'GET') ?? 'GET').trim().toUpperCase();
	const bodyType = sendsBody(method, param('sendBody', true)) ? param<ItemRequestParameters['bodyType']>('bodyType', 'json') : 'none';
	const p: ItemRequestParameters = {
		method,
		url: String(param<unknown>('url', '') ?? ''),
		query: param('sendQuery', false) ? pairs('queryParameters') : [],
		headers: param('sendHeaders', false) ? pairs('headerParameters') : [],
		bodyType,
	};
	if (bodyType === 'json') p.jsonBody = param<unknown>('jsonBody', '{}');
	if (bodyType === 'form') p.formBody = pairs('formBody');
	if (bodyType === 'raw') {
		p.rawBody = param('rawBody', '');
		p.rawContentType = param('rawContentType', 'text/plain');
	}
	if (bodyType === 'binary') {
		const field = param('binaryPropertyName', 'data');
		const binary = ctx.getInputData()[index]?.binary?.[field];
		if (!binary) throw new InputError(`The input item has no binary field "${field}". Check "Input Binary Field", or the node before.`);
		p.binary = { data: await ctx.helpers.getBinaryDataBuffer(index, field), mimeType: binary.mimeType };
	}
	return buildRequest(baseUrl, p);
}

/**
 * The request line for an item's error when its request could not be read. Reading a parameter may be what failed
 * (a broken expression), so the raw parameter text stands in then: the item must still reach its output.
 */
export function readableRequest(ctx: IExecuteFunctions, index: number): RequestLine {
	return { method: readableParameter(ctx, 'method', index), url: readableParameter(ctx, 'url', index) };
}

function readableParameter(ctx: IExecuteFunctions, name: string, index: number): string {
	try {
		return String(ctx.getNodeParameter(name, index, ''));
	} catch {
		return String(ctx.getNode().parameters[name] ?? '');
	}
}
