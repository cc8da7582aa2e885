/**
 * The JAS Request node's run: read settings once, then for every item (with bounded concurrency):
 * read its request → call the API (page by page) → route the outcome → emit through the one exit (emit.ts).
 * Every item leaves on exactly one output, in input order, paired to its input.
 */
import { type IDataObject, type IExecuteFunctions, type INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import type { EgressFilter } from '../shared/http/egress';
import { headerValue } from '../shared/http/headers';
import { rateLimiterFor } from '../shared/http/rateLimit';
import { formatBytes, type HttpResponse } from '../shared/http/send';
import { settle } from '../shared/http/settle';
import { JAS_PROVIDER, PARTNER_PROVIDER } from '../shared/token/clientCredentials';
import type { TokenError } from '../shared/token/tokenErrors';
import { transportTokenHttp } from '../shared/token/tokenHttp';
import { type Authorizer, ClientCredentialsAuthorizer, JtlAuthorizer } from './authorizers';
import { callApi, type CallOutcome, type CallSettings } from './callApi';
import { Exit, FileTooLargeError, fileNameOf, type ItemResult, TEXT_TYPES } from './emit';
import { apiErrorMessage, errorJson, statusTextFor } from './errorItems';
import { ItemParameters } from './itemParameters';
import { firstPageUrl, nextPageUrl } from './pagination';
import { runPool } from './pool';
import { buildRequest, InputError, resolveUrl, type ItemRequestParameters, type NameValue, type PreparedRequest } from './requestBuilder';
import { bodyText, MAX_ITEMS_PER_INPUT, parseBody, parseText, safeHeaders, shapeSuccess, tooManyItems } from './responseBody';
import { createRouter, type Router, type RoutingParameters } from './routing';
import { clampNumber, LIMITS, readSettings, type RunSettings } from './settings';
import { isToolNodeType, type ToolOutcome } from './toolOutput';

function callSettings(ctx: IExecuteFunctions, settings: RunSettings, egress: EgressFilter | undefined): CallSettings {
	return {
		timeoutMs: settings.timeoutMs,
		followRedirects: settings.followRedirects,
		maxRedirects: 5,
		allowUnauthorizedCerts: settings.allowUnauthorizedCerts,
		egress,
		signal: typeof ctx.getExecutionCancelSignal === 'function' ? ctx.getExecutionCancelSignal() : undefined,
		retry: {
			maxRetries: settings.maxRetries,
			maxTotalWaitMs: settings.maxRetryWaitMs,
			baseDelayMs: 500,
			maxDelayMs: 30_000,
			retryNonIdempotent: settings.retryNonIdempotent,
		},
		maxBodyBytes: settings.maxResponseBytes,
		streamSuccess: settings.responseFormat === 'file',
	};
}

async function createAuthorizer(ctx: IExecuteFunctions, call: CallSettings): Promise<Authorizer> {
	const type = ctx.getNodeParameter('authentication', 0) as string;
	const credentials = await ctx.getCredentials(type);
	if (type === 'jtlFfnOAuth2Api') return new JtlAuthorizer(ctx, credentials);
	const provider = type === 'partnerOAuth2Api' ? PARTNER_PROVIDER : JAS_PROVIDER;
	return new ClientCredentialsAuthorizer(provider, credentials, transportTokenHttp({ egress: call.egress }), undefined, call.signal);
}

function readRouting(ctx: IExecuteFunctions): Router {
	const parameters: RoutingParameters = {
		routing: ctx.getNodeParameter('routing', 0, 'byCategory') as RoutingParameters['routing'],
		statusCodes: ctx.getNodeParameter('statusCodes', 0, []) as number[],
		customRules: ctx.getNodeParameter('customRules', 0, {}) as RoutingParameters['customRules'],
	};
	return createRouter(parameters);
}

async function readItemRequest(ctx: IExecuteFunctions, params: ItemParameters, index: number, baseUrl: string): Promise<PreparedRequest> {
	const param = <T>(name: string, fallback: T) => params.get(name, index, fallback);
	const pairs = (name: string) => param<{ parameters?: NameValue[] }>(name, {}).parameters ?? [];
	// An expression may deliver "post": the body decision must see the method as it will be sent.
	const method = String(param<unknown>('method', 'GET') ?? 'GET').trim().toUpperCase();
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

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The answer's media type without parameters ('' when none was sent). */
function mimeTypeOf(response: HttpResponse): string {
	return headerValue(response.headers, 'content-type')?.split(';')[0].trim() ?? '';
}

/** Whether a successful answer is a file a model cannot read (auto format): a type that is neither JSON nor text. */
function isBinaryAnswer(response: HttpResponse): boolean {
	const mimeType = mimeTypeOf(response);
	return mimeType !== '' && !TEXT_TYPES.test(mimeType);
}

/** Tool mode: the model gets the run's one answer per item on output 0 (toolOutput.ts); settings that shape items do not apply. */
interface ToolMode {
	maxChars: number;
}

function readToolMode(ctx: IExecuteFunctions): ToolMode | undefined {
	if (!isToolNodeType(ctx.getNode().type)) return undefined;
	return { maxChars: clampNumber(ctx.getNodeParameter('toolMaxCharacters', 0, LIMITS.toolMaxCharacters.fallback), LIMITS.toolMaxCharacters) };
}

/** What the model is told about an item's result: the success kept for it, or the error item. */
function toolOutcome(result: ItemResult): ToolOutcome {
	return result.tool ?? { kind: 'error', item: result.items[0]?.json ?? {} };
}

export async function executeJasRequest(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ctx = this;
	const inputs = ctx.getInputData();
	const settings = readSettings(ctx.getNodeParameter('options', 0, {}) as IDataObject);
	const helpers = ctx.helpers as { getSecureEgressFilter?: () => EgressFilter };
	// Feature-detected: n8n's SSRF policy exists on recent n8n only.
	const call = callSettings(ctx, settings, typeof helpers.getSecureEgressFilter === 'function' ? helpers.getSecureEgressFilter() : undefined);
	let auth: Authorizer | undefined;
	let router: Router | undefined;
	const exit = new Exit(ctx, () => auth?.secrets() ?? [], (output) => router?.outputs[output].displayName ?? '');
	const tool = readToolMode(ctx);
	try {
		// In tool mode every answer goes to output 0: the routing setting does not apply (an invalid rule included).
		router = tool ? createRouter({}) : readRouting(ctx);
		auth = await createAuthorizer(ctx, call);
	} catch (error) {
		if (!tool) throw exit.thrown(messageOf(error));
		// An agent must hear why (2.x would hand its model an empty message for a thrown error).
		const item = errorJson('Auth Error', { status: null, statusText: 'Credential Problem', message: messageOf(error), source: 'token', attempts: 0, request: { method: '', url: '' } });
		return [inputs.map((_, index) => exit.tool(index, { kind: 'error', item }, tool.maxChars))];
	}
	const route = router;
	const authorizer = auth;
	call.rateLimiter = rateLimiterFor(authorizer.identity, settings.maxRequestsPerSecond);
	const results: ItemResult[] = new Array<ItemResult>(inputs.length);
	const params = new ItemParameters(ctx);

	/** An item whose call ended without a usable answer, or with an HTTP error. */
	const failedCall = (index: number, request: Pick<PreparedRequest, 'method' | 'url'>, outcome: CallOutcome, pagesFetched?: number): ItemResult => {
		const base = { attempts: outcome.attempts, request: { method: request.method, url: request.url }, pagesFetched };
		if (outcome.kind === 'token') {
			// A credential problem, not this item's: it goes where authentication failures go.
			const status = outcome.error.status;
			return exit.error(index, route.route(401), {
				...base,
				status,
				statusText: status === null ? 'Token Request Failed' : statusTextFor(status),
				message: outcome.error.message,
				source: 'token',
			});
		}
		if (outcome.kind === 'network') {
			if (outcome.error.code === 'tooLarge') {
				return exit.error(index, route.inputError, {
					...base,
					status: null,
					statusText: 'Response Too Large',
					message: `${outcome.error.message} Raise the "Max Response Size" option, or choose Response Format: File to stream a download to n8n's binary storage.`,
					source: 'response',
				});
			}
			// Not sent: the credential is paused (another request's 429) beyond this item's wait. Routed as a 429 is.
			if (outcome.error.code === 'rateLimited') {
				return exit.error(index, route.route(429), { ...base, status: null, statusText: 'Rate Limited', message: outcome.error.message, source: 'network' });
			}
			return exit.error(index, route.route(null), { ...base, status: null, statusText: outcome.error.code, message: outcome.error.message, source: 'network' });
		}
		const { response } = outcome;
		const retryAfter = outcome.retryAfterMs === undefined ? undefined : Math.ceil(outcome.retryAfterMs / 1000);
		return exit.error(index, route.route(response.status), {
			...base,
			status: response.status,
			statusText: statusTextFor(response.status),
			message: apiErrorMessage(response.status, outcome.attempts, retryAfter),
			source: 'api',
			retryAfter,
			body: parseBody(response.body, response.headers, 'auto'),
			headers: response.headers as IDataObject,
		});
	};

	/** The items one successful page yields, or the message why it cannot be used as configured. */
	/** `text`/`body`: the page decoded and parsed once (callWithPages), for the items and for pagination alike. */
	const successItems = async (index: number, response: HttpResponse, text: string, body: unknown): Promise<INodeExecutionData[] | string> => {
		const meta = { status: response.status, statusText: statusTextFor(response.status), headers: response.headers };
		if (settings.responseFormat === 'file') {
			const mimeType = mimeTypeOf(response);
			const json = settings.fullResponse ? { statusCode: meta.status, statusMessage: meta.statusText, headers: safeHeaders(response.headers) } : {};
			const file = await settle(
				exit.file(index, response.stream!, {
					fileName: fileNameOf(response),
					mimeType,
					field: settings.outputBinaryPropertyName,
					maxBytes: settings.maxFileBytes,
					json,
				}),
			);
			if (file.ok) return [file.value];
			if (file.error instanceof FileTooLargeError) return file.error.message;
			throw file.error;
		}
		const shaped = shapeSuccess(body, meta, settings);
		if (!Array.isArray(shaped)) return shaped.splitError;
		const source = [text];
		if (settings.fullResponse) source.push(JSON.stringify(response.headers));
		return exit.json(index, shaped, source);
	};

	/** The whole call of one item, page by page: routed items, or a failure item. */
	const callWithPages = async (index: number, request: PreparedRequest): Promise<ItemResult> => {
		const items: INodeExecutionData[] = [];
		let output = 0;
		/** Tool mode: each page's body for the model, and their size so far (pagination stops at the budget). */
		const toolBodies = tool !== undefined && settings.responseFormat !== 'file';
		const bodies: unknown[] = [];
		let bodyChars = 0;
		let firstStatus = 0;
		/** What the model is told of a successful call: the bodies, or the (first) file. */
		const toolSuccess = (pages: number, stoppedAtBudget: boolean): ToolOutcome | undefined => {
			if (!tool) return undefined;
			if (toolBodies) return { kind: 'success', status: firstStatus, body: pages === 1 ? bodies[0] : bodies, pages, stoppedAtBudget };
			const file = items[0]?.binary?.[settings.outputBinaryPropertyName];
			return { kind: 'file', status: firstStatus, fileName: file?.fileName ?? 'file', mimeType: file?.mimeType ?? '', size: file?.fileSize ?? 'unknown size' };
		};
		let url = settings.pagination ? firstPageUrl(settings.pagination, request.url) : request.url;
		for (let pages = 1; ; pages++) {
			const pageRequest = { ...request, url };
			const outcome = await callApi(pageRequest, authorizer, call);
			const partial = settings.pagination ? pages - 1 : undefined;
			if (outcome.kind !== 'response' || outcome.response.status >= 400) return failedCall(index, pageRequest, outcome, partial);
			// A custom rule may claim a success status (e.g. "Created: 201"); the first page decides.
			if (pages === 1) {
				output = route.route(outcome.response.status);
				firstStatus = outcome.response.status;
			}
			const unusable = (message: string, source: 'input' | 'response' = 'input', pagesFetched = partial) =>
				exit.error(index, route.inputError, {
					status: outcome.response.status,
					statusText: statusTextFor(outcome.response.status),
					message,
					source,
					attempts: outcome.attempts,
					request: { method: request.method, url },
					pagesFetched,
				});
			if (tool && settings.responseFormat === 'auto' && isBinaryAnswer(outcome.response)) {
				const { response } = outcome;
				return { output, items, tool: { kind: 'file', status: response.status, fileName: fileNameOf(response), mimeType: mimeTypeOf(response), size: formatBytes(response.body.length) } };
			}
			const text = settings.responseFormat === 'file' ? '' : bodyText(outcome.response.body, outcome.response.headers);
			const body = parseText(text, outcome.response.headers, settings.responseFormat);
			if (toolBodies) {
				// The model reads the body as the API sent it: Split Into Items and Full Response shape items, not answers.
				// Its text's length measures it (serialising a large or deeply nested body again would cost, or fail).
				bodies.push(body);
				bodyChars += text.length;
			} else {
				let produced: INodeExecutionData[] | string;
				try {
					produced = await successItems(index, outcome.response, text, body);
				} catch (error) {
					// The download broke off (a reset connection, a cancel): no HTTP outcome to route by.
					return exit.error(index, route.route(null), { status: null, statusText: 'network', message: messageOf(error), source: 'network', attempts: outcome.attempts, request: { method: request.method, url } });
				}
				if (typeof produced === 'string') return unusable(produced, settings.responseFormat === 'file' ? 'response' : 'input');
				if (items.length + produced.length > MAX_ITEMS_PER_INPUT) return unusable(tooManyItems(items.length + produced.length), 'response');
				for (const item of produced) items.push(item); // not push(...produced): a spread of 100,000 overflows the stack
			}
			const next = settings.pagination
				? nextPageUrl(
						settings.pagination,
						// Next links are read from JSON even when the items are kept as text.
						{ url: outcome.response.url, headers: outcome.response.headers, body: settings.responseFormat === 'auto' ? body : parseText(text, outcome.response.headers, 'auto') },
						pages,
					)
				: undefined;
			if (!next) return { output, items, tool: toolSuccess(pages, false) };
			if (tool && toolBodies && bodyChars >= tool.maxChars) return { output, items, tool: toolSuccess(pages, true) };
			// The next link is the API's choice, not the user's: it passes the same rule as the URL
			// parameter (only the credential's API host ever gets the token).
			try {
				url = resolveUrl(authorizer.baseUrl || request.url, next).href;
			} catch (error) {
				return unusable(`Pagination stopped after ${pages} page(s): ${messageOf(error)}`, 'input', pages);
			}
		}
	};

	const processItem = async (index: number): Promise<ItemResult> => {
		if (!authorizer.baseUrl) {
			// No API host to hold URLs against: no token is sent anywhere (getToken says what to fix).
			const error = (await authorizer.getToken().then(
				() => undefined,
				(failure: unknown) => failure,
			)) as TokenError;
			const request = { method: readableParameter(ctx, 'method', index), url: readableParameter(ctx, 'url', index) };
			return failedCall(index, request, { kind: 'token', error, attempts: 0 });
		}
		let request: PreparedRequest;
		try {
			request = await readItemRequest(ctx, params, index, authorizer.baseUrl);
		} catch (error) {
			if (!tool && !ctx.continueOnFail()) throw exit.thrown(messageOf(error), index);
			return exit.error(index, route.inputError, {
				status: null,
				statusText: 'Invalid Input',
				message: `Item ${index}: ${messageOf(error)}`,
				source: 'input',
				attempts: 0,
				request: { method: readableParameter(ctx, 'method', index), url: readableParameter(ctx, 'url', index) },
			});
		}
		return await callWithPages(index, request);
	};

	await runPool(inputs.length, settings.concurrency, async (index) => {
		const outcome = await settle(processItem(index));
		if (outcome.ok) {
			results[index] = outcome.value;
			return;
		}
		// An error the node means to throw (On Error: Stop) goes on; anything unforeseen still routes its item.
		if (outcome.error instanceof NodeOperationError) throw outcome.error;
		results[index] = exit.error(index, route.inputError, {
			status: null,
			statusText: 'Internal Error',
			message: `The node failed unexpectedly on this item (${messageOf(outcome.error)}). The other items are unaffected; please report this.`,
			source: 'internal',
			attempts: 0,
			request: { method: readableParameter(ctx, 'method', index), url: readableParameter(ctx, 'url', index) },
		});
	});

	if (tool) return [results.map((result, index) => exit.tool(index, toolOutcome(result), tool.maxChars))];
	const outputs: INodeExecutionData[][] = route.outputs.map(() => []);
	for (const result of results) outputs[result.output].push(...result.items);
	return outputs;
}
