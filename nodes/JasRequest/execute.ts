/**
 * The JAS Request node's run: read settings once, then call the API for every item with bounded
 * concurrency, and put each item on exactly one output, in input order, paired to its input.
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	NodeOperationError,
} from 'n8n-workflow';

import { type Authorizer, ClientCredentialsAuthorizer, JtlAuthorizer } from '../shared/authorizers';
import { callApi, type CallOutcome, type CallSettings } from '../shared/callApi';
import { JAS_PROVIDER, PARTNER_PROVIDER } from '../shared/clientCredentials';
import { apiErrorMessage, type ErrorDetails, errorJson, statusTextFor } from '../shared/errorItems';
import { ItemParameters } from '../shared/itemParameters';
import { firstPageUrl, nextPageUrl, type PaginationSettings } from '../shared/pagination';
import { runPool } from '../shared/pool';
import { buildRequest, InputError, resolveUrl, type ItemRequestParameters, type NameValue, type PreparedRequest } from '../shared/requestBuilder';
import { headerValue, parseBody, type ResponseFormat, safeHeaders, shapeSuccess } from '../shared/responseBody';
import { createRouter, type Router, type RoutingParameters } from '../shared/routing';
import { redact } from '../shared/secrets';
import { type EgressFilter, type HttpResponse, transportTokenHttp } from '../shared/transport';

interface RunSettings {
	concurrency: number;
	call: CallSettings;
	responseFormat: ResponseFormat;
	outputBinaryPropertyName: string;
	fullResponse: boolean;
	splitField: string;
	pagination?: PaginationSettings;
}

type ItemResult = { output: number; items: INodeExecutionData[] };

function readSettings(ctx: IExecuteFunctions): RunSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const number = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
	const pagination = (options.pagination as IDataObject | undefined)?.settings as IDataObject | undefined;
	const maxPages = Math.max(1, number(pagination?.maxPages, 100));
	let paginationSettings: PaginationSettings | undefined;
	if (pagination?.mode === 'linkHeader') paginationSettings = { mode: 'linkHeader', maxPages };
	else if (pagination?.mode === 'offset') {
		paginationSettings = {
			mode: 'offset',
			offsetParameter: String(pagination.offsetParameter ?? '$skip'),
			limitParameter: String(pagination.limitParameter ?? '$top'),
			pageSize: Math.max(1, number(pagination.pageSize, 100)),
			itemsField: String(pagination.itemsField ?? 'items'),
			maxPages,
		};
	} else if (pagination) {
		paginationSettings = { mode: 'nextUrl', nextUrlField: String(pagination.nextUrlField ?? '_links.next'), maxPages };
	}
	const helpers = ctx.helpers as { getSecureEgressFilter?: () => EgressFilter };
	return {
		concurrency: Math.max(1, Math.floor(number(options.concurrency, 10))),
		responseFormat: (options.responseFormat as ResponseFormat | undefined) ?? 'auto',
		outputBinaryPropertyName: String(options.outputBinaryPropertyName ?? 'data'),
		fullResponse: options.fullResponse === true,
		splitField: String(options.splitField ?? ''),
		pagination: paginationSettings,
		call: {
			timeoutMs: Math.max(1, number(options.timeout, 30_000)),
			followRedirects: options.followRedirects !== false,
			maxRedirects: 5,
			allowUnauthorizedCerts: options.allowUnauthorizedCerts === true,
			// Feature-detected: n8n's SSRF policy exists on recent n8n only.
			egress: typeof helpers.getSecureEgressFilter === 'function' ? helpers.getSecureEgressFilter() : undefined,
			signal: typeof ctx.getExecutionCancelSignal === 'function' ? ctx.getExecutionCancelSignal() : undefined,
			retry: {
				maxRetries: Math.max(0, number(options.maxRetries, 3)),
				maxTotalWaitMs: Math.max(0, number(options.maxRetryWait, 60)) * 1000,
				baseDelayMs: 500,
				maxDelayMs: 30_000,
				retryNonIdempotent: options.retryNonIdempotent === true,
			},
		},
	};
}

async function createAuthorizer(ctx: IExecuteFunctions, settings: RunSettings): Promise<Authorizer> {
	const type = ctx.getNodeParameter('authentication', 0) as string;
	const credentials = await ctx.getCredentials(type);
	if (type === 'jtlFfnOAuth2Api') return new JtlAuthorizer(ctx, credentials);
	const provider = type === 'partnerOAuth2Api' ? PARTNER_PROVIDER : JAS_PROVIDER;
	const http = transportTokenHttp({
		timeoutMs: settings.call.timeoutMs,
		signal: settings.call.signal,
		egress: settings.call.egress,
		allowUnauthorizedCerts: settings.call.allowUnauthorizedCerts,
	});
	return new ClientCredentialsAuthorizer(provider, credentials, http);
}

function readRouting(ctx: IExecuteFunctions): Router {
	const parameters: RoutingParameters = {
		routing: ctx.getNodeParameter('routing', 0, 'byCategory') as RoutingParameters['routing'],
		statusCodes: ctx.getNodeParameter('statusCodes', 0, []) as number[],
		customRules: ctx.getNodeParameter('customRules', 0, {}) as RoutingParameters['customRules'],
	};
	try {
		return createRouter(parameters);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error instanceof Error ? error.message : String(error));
	}
}

async function readItemRequest(ctx: IExecuteFunctions, params: ItemParameters, index: number, baseUrl: string): Promise<PreparedRequest> {
	const param = <T>(name: string, fallback: T) => params.get(name, index, fallback);
	const pairs = (name: string) => (param<{ parameters?: NameValue[] }>(name, {}).parameters ?? []);
	const method = param('method', 'GET');
	const bodyType = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? param<ItemRequestParameters['bodyType']>('bodyType', 'json') : 'none';
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

/** Scrubs secrets from a body before anything reads it: an API may echo the token back. */
function scrubbed(response: HttpResponse, secrets: string[]): Buffer {
	// Decide by redact itself, which also finds URL-encoded forms; an unchanged body (e.g. a binary file)
	// is returned as received, never re-encoded.
	const text = response.body.toString('utf8');
	const clean = redact(text, secrets);
	return clean === text ? response.body : Buffer.from(clean);
}

/** Header values with secrets replaced: an API may echo the token in a header as well as in the body. */
function scrubbedHeaders(headers: HttpResponse['headers'], secrets: string[]): HttpResponse['headers'] {
	const out: HttpResponse['headers'] = {};
	for (const [name, value] of Object.entries(headers)) {
		out[name] = Array.isArray(value) ? value.map((part) => redact(part, secrets)) : redact(value, secrets);
	}
	return out;
}

function fileNameOf(response: HttpResponse): string {
	const disposition = headerValue(response.headers, 'content-disposition') ?? '';
	const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
	if (match) {
		try {
			return decodeURIComponent(match[1]);
		} catch {
			return match[1]; // a malformed %-escape must not fail the item
		}
	}
	const last = new URL(response.url).pathname.split('/').filter(Boolean).pop();
	return last || 'response';
}

/**
 * A parameter for an input error item. Reading it may be what failed (a broken expression), so the raw
 * parameter text stands in then: the item must still reach its output.
 */
function readableParameter(ctx: IExecuteFunctions, name: string, index: number): string {
	try {
		return String(ctx.getNodeParameter(name, index, ''));
	} catch {
		return String(ctx.getNode().parameters[name] ?? '');
	}
}

function safeUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = '';
		parsed.password = '';
		return parsed.href;
	} catch {
		return url;
	}
}

export async function executeJasRequest(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ctx = this;
	const inputs = ctx.getInputData();
	const router = readRouting(ctx);
	const settings = readSettings(ctx);
	const auth = await createAuthorizer(ctx, settings);
	const params = new ItemParameters(ctx);
	const results: ItemResult[] = new Array<ItemResult>(inputs.length);
	const outputName = (index: number) => router.outputs[index].displayName;

	const errorResult = (index: number, output: number, details: ErrorDetails): ItemResult => {
		const secrets = auth.secrets();
		details.message = redact(details.message, secrets);
		return { output, items: [{ json: errorJson(outputName(output), details), pairedItem: { item: index } }] };
	};

	const failedCall = (index: number, request: PreparedRequest, outcome: CallOutcome, pagesFetched?: number): ItemResult => {
		const base = { attempts: outcome.attempts, request: { method: request.method, url: safeUrl(request.url) }, pagesFetched };
		if (outcome.kind === 'token') {
			// A credential problem, not this item's: it goes where authentication failures go.
			const status = outcome.error.status;
			return errorResult(index, router.route(401), {
				...base,
				status,
				statusText: status === null ? 'Token Request Failed' : statusTextFor(status),
				message: outcome.error.message,
				source: 'token',
			});
		}
		if (outcome.kind === 'network') {
			return errorResult(index, router.route(null), {
				...base,
				status: null,
				statusText: outcome.error.code,
				message: outcome.error.message,
				source: 'network',
			});
		}
		const { response } = outcome;
		const retryAfter = outcome.retryAfterMs === undefined ? undefined : Math.ceil(outcome.retryAfterMs / 1000);
		return errorResult(index, router.route(response.status), {
			...base,
			status: response.status,
			statusText: statusTextFor(response.status),
			message: apiErrorMessage(response.status, outcome.attempts, retryAfter),
			source: 'api',
			retryAfter,
			body: parseBody(scrubbed(response, auth.secrets()), response.headers, 'auto'),
			headers: safeHeaders(scrubbedHeaders(response.headers, auth.secrets())),
		});
	};

	const successItems = async (index: number, response: HttpResponse): Promise<INodeExecutionData[] | string> => {
		// Headers only reach the output with Full Response or a file name; scrub them only then.
		const headers = settings.fullResponse || settings.responseFormat === 'file' ? scrubbedHeaders(response.headers, auth.secrets()) : response.headers;
		const meta = { status: response.status, statusText: statusTextFor(response.status), headers };
		const body = scrubbed(response, auth.secrets());
		if (settings.responseFormat === 'file') {
			const mimeType = headerValue(headers, 'content-type')?.split(';')[0] || 'application/octet-stream';
			const binary = await ctx.helpers.prepareBinaryData(body, fileNameOf({ ...response, headers }), mimeType);
			const json = settings.fullResponse ? { statusCode: meta.status, statusMessage: meta.statusText, headers: safeHeaders(meta.headers) } : {};
			return [{ json, binary: { [settings.outputBinaryPropertyName]: binary }, pairedItem: { item: index } }];
		}
		const shaped = shapeSuccess(parseBody(body, response.headers, settings.responseFormat), meta, settings);
		if (!Array.isArray(shaped)) return shaped.splitError;
		return shaped.map((json) => ({ json, pairedItem: { item: index } }));
	};

	const processItem = async (index: number): Promise<ItemResult> => {
		let request: PreparedRequest;
		try {
			request = await readItemRequest(ctx, params, index, auth.baseUrl);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			if (!ctx.continueOnFail()) throw new NodeOperationError(ctx.getNode(), message, { itemIndex: index, description: `Item ${index}` });
			return errorResult(index, router.inputError, {
				status: null,
				statusText: 'Invalid Input',
				message: `Item ${index}: ${message}`,
				source: 'input',
				attempts: 0,
				request: { method: readableParameter(ctx, 'method', index), url: readableParameter(ctx, 'url', index) },
			});
		}
		const items: INodeExecutionData[] = [];
		let output = 0;
		let url = settings.pagination ? firstPageUrl(settings.pagination, request.url) : request.url;
		for (let pages = 1; ; pages++) {
			const pageRequest = { ...request, url };
			const outcome = await callApi(pageRequest, auth, settings.call);
			const partial = settings.pagination ? pages - 1 : undefined;
			if (outcome.kind !== 'response' || outcome.response.status >= 400) return failedCall(index, pageRequest, outcome, partial);
			// A custom rule may claim a success status (e.g. "Created: 201"); the first page decides.
			if (pages === 1) output = router.route(outcome.response.status);
			const produced = await successItems(index, outcome.response);
			if (typeof produced === 'string') {
				return errorResult(index, router.inputError, {
					status: outcome.response.status,
					statusText: statusTextFor(outcome.response.status),
					message: produced,
					source: 'input',
					attempts: outcome.attempts,
					request: { method: request.method, url: safeUrl(url) },
				});
			}
			items.push(...produced);
			const next = settings.pagination
				? nextPageUrl(
						settings.pagination,
						{ url: outcome.response.url, headers: outcome.response.headers, body: parseBody(outcome.response.body, outcome.response.headers, 'auto') },
						pages,
					)
				: undefined;
			if (!next) return { output, items };
			// The next link is the API's choice, not the user's: it passes the same rule as the URL
			// parameter (only the credential's API host ever gets the token).
			try {
				url = resolveUrl(auth.baseUrl || request.url, next).href;
			} catch (error) {
				return errorResult(index, router.inputError, {
					status: outcome.response.status,
					statusText: statusTextFor(outcome.response.status),
					message: `Pagination stopped after ${pages} page(s): ${error instanceof Error ? error.message : String(error)}`,
					source: 'input',
					attempts: outcome.attempts,
					request: { method: request.method, url: safeUrl(url) },
					pagesFetched: pages,
				});
			}
		}
	};

	await runPool(inputs.length, settings.concurrency, async (index) => {
		results[index] = await processItem(index);
	});

	const outputs: INodeExecutionData[][] = router.outputs.map(() => []);
	for (const result of results) outputs[result.output].push(...result.items);
	return outputs;
}
