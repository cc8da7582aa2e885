/**
 * Opens a run: everything decided once per execution. The settings, the authorizer (and its rate limiter), the
 * exit that scrubs, and exactly one presenter: tool answers when an AI agent calls the node, else workflow items.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { EgressFilter } from '../../shared/http/egress';
import { rateLimiterFor } from '../../shared/http/rateLimit';
import { attempt, messageOf, settle } from '../../shared/http/settle';
import { JAS_PROVIDER, PARTNER_PROVIDER } from '../../shared/token/clientCredentials';
import { transportTokenHttp } from '../../shared/token/tokenHttp';
import { type Authorizer, ClientCredentialsAuthorizer, JTL_CREDENTIAL_TYPE, JtlAuthorizer } from '../authorizers';
import { callApi, type CallSettings } from '../callApi';
import { ItemParameters } from '../itemParameters';
import { Exit } from '../present/emit';
import type { FailureCause } from '../present/failures';
import { ItemsPresenter } from '../present/itemsPresenter';
import type { Presenter } from '../present/presenter';
import { ToolPresenter } from '../present/toolPresenter';
import { isToolNodeType } from '../present/toolAnswer';
import { createRouter, type Router, type RoutingParameters } from '../routing';
import { clampNumber, LIMITS, PAGINATION_PARAMETERS, readSettings, type RunSettings } from '../settings';
import type { PageSource } from './fetchPages';

export interface Run {
	ctx: IExecuteFunctions;
	presenter: Presenter;
	concurrency: number;
	params: ItemParameters;
	/** How items fetch their pages; or why no item can (a credential that could not be read, or has no API URL). */
	source: PageSource | { failure: FailureCause };
}

function callSettings(ctx: IExecuteFunctions, settings: RunSettings): CallSettings {
	const helpers = ctx.helpers as { getSecureEgressFilter?: () => EgressFilter };
	return {
		timeoutMs: settings.timeoutMs,
		followRedirects: settings.followRedirects,
		maxRedirects: 5,
		allowUnauthorizedCerts: settings.allowUnauthorizedCerts,
		// Feature-detected: n8n's SSRF policy exists on recent n8n only.
		egress: typeof helpers.getSecureEgressFilter === 'function' ? helpers.getSecureEgressFilter() : undefined,
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
	// The name the user gave the credential (the node's reference holds it), so messages say which one.
	const name = ctx.getNode().credentials?.[type]?.name;
	if (type === JTL_CREDENTIAL_TYPE) return new JtlAuthorizer(ctx, credentials, transportTokenHttp({ egress: call.egress }), name);
	const provider = type === PARTNER_PROVIDER.credentialType ? PARTNER_PROVIDER : JAS_PROVIDER;
	return new ClientCredentialsAuthorizer(provider, credentials, transportTokenHttp({ egress: call.egress }), name);
}

function readRouter(ctx: IExecuteFunctions): Router {
	const parameters: RoutingParameters = {
		routing: ctx.getNodeParameter('routing', 0, 'byCategory') as RoutingParameters['routing'],
		statusCodes: ctx.getNodeParameter('statusCodes', 0, []) as number[],
		customRules: ctx.getNodeParameter('customRules', 0, {}) as RoutingParameters['customRules'],
	};
	return createRouter(parameters);
}

const NO_SECRETS = (): string[] => [];

/** Tool mode (no router): the model's answers; else the workflow's outputs. */
function presenterFor(ctx: IExecuteFunctions, settings: RunSettings, exit: Exit, router: Router | undefined, count: number): Presenter {
	const jtl = ctx.getNodeParameter('authentication', 0) === JTL_CREDENTIAL_TYPE;
	if (router) return new ItemsPresenter(exit, router, settings, !ctx.continueOnFail(), count, jtl);
	const maxChars = clampNumber(ctx.getNodeParameter('toolMaxCharacters', 0, LIMITS.toolMaxCharacters.fallback), LIMITS.toolMaxCharacters);
	return new ToolPresenter(exit, settings, maxChars, count, jtl);
}

function sourceFor(auth: Authorizer, call: CallSettings, settings: RunSettings): Run['source'] {
	// No API host to hold URLs against: no token is sent anywhere, and every item says what to fix.
	const unusable = auth.unusable;
	if (unusable) return { failure: { kind: 'token', error: unusable, attempts: 0 } };
	call.rateLimiter = rateLimiterFor(auth.identity, settings.maxRequestsPerSecond);
	return { call: async (request) => await callApi(request, auth, call), baseUrl: auth.baseUrl, pagination: settings.pagination, format: settings.responseFormat };
}

/** Version 1.1's pagination fields, once per run; none when Pagination is Off or absent (a version-1 node). */
function readPaginationParameters(ctx: IExecuteFunctions): IDataObject | undefined {
	const mode = ctx.getNodeParameter('paginationMode', 0, 'off');
	if (mode === 'off') return undefined;
	const fields: IDataObject = { paginationMode: mode };
	// null: a field this mode does not show (n8n then has no value for it), read as its default.
	for (const name of PAGINATION_PARAMETERS) fields[name] = ctx.getNodeParameter(name, 0, null) as IDataObject[string];
	return fields;
}

/** Throws (scrubbed) when a workflow cannot run at all: an invalid routing rule, a credential that cannot be read. */
export async function openRun(ctx: IExecuteFunctions): Promise<Run> {
	const settings = readSettings(ctx.getNodeParameter('options', 0, {}) as IDataObject, readPaginationParameters(ctx));
	const call = callSettings(ctx, settings);
	const count = ctx.getInputData().length;
	const params = new ItemParameters(ctx);
	// In tool mode every answer goes to output 0: the routing setting does not apply (an invalid rule included).
	const tool = isToolNodeType(ctx.getNode().type);
	const router = tool ? undefined : attempt(() => readRouter(ctx));
	if (router && !router.ok) throw new Exit(ctx, NO_SECRETS).thrown(messageOf(router.error));
	const authorized = await settle(createAuthorizer(ctx, call));
	if (!authorized.ok) {
		const exit = new Exit(ctx, NO_SECRETS);
		if (!tool) throw exit.thrown(messageOf(authorized.error));
		// An agent must hear why (2.x would hand its model an empty message for a thrown error).
		const failure: FailureCause = { kind: 'credential', message: messageOf(authorized.error) };
		return { ctx, presenter: presenterFor(ctx, settings, exit, undefined, count), concurrency: settings.concurrency, params, source: { failure } };
	}
	const auth = authorized.value;
	const presenter = presenterFor(ctx, settings, new Exit(ctx, () => auth.secrets(), () => auth.baseUrl), router?.value, count);
	return { ctx, presenter, concurrency: settings.concurrency, params, source: sourceFor(auth, call, settings) };
}
