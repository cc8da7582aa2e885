/**
 * The JAS Request node's parameters. Their names are a public contract: saved workflows depend on them.
 * Longer than the other modules because it is declarations only: every field the editor shows, in display order.
 */
import type { INodeProperties } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../shared/token/credentialTypes';
import { JAS_STATUSES } from './jasStatus';
import { METHODS_WITH_BODY, METHODS_WITH_OPTIONAL_BODY } from './requestBuilder';
import { LIMITS, type NumberRange } from './settings';

/**
 * A number field's range: the settings' LIMITS, which also clamp what an expression delivers. The defaults stay
 * literals (n8n's lint reads them); test/unit/description.test.ts ties them to LIMITS and PAGINATION_DEFAULTS.
 */
const range = ({ min, max }: NumberRange) => ({ minValue: min, maxValue: max });

const fromExpression = { _cnd: { startsWith: '=' } };

/** Added in version 1.1 (Send Body, pagination as fields of its own): a node saved as version 1 keeps its form. */
const fromVersion1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };

/**
 * Send Body: a toggle (off) on a DELETE of version 1.1, on without a toggle for the other methods and for a DELETE of
 * version 1. One name, three definitions, only one shown at a time (n8n picks the shown one): the body fields only
 * need `sendBody: [true]`. A method from an expression (e.g. $fromAI) shows the toggle and every body field; the
 * toggle then decides for a DELETE only.
 */
const SEND_BODY: INodeProperties[] = [
	{ displayName: 'Send Body', name: 'sendBody', type: 'hidden', default: true, displayOptions: { hide: { method: [...METHODS_WITH_OPTIONAL_BODY] } } },
	{ displayName: 'Send Body', name: 'sendBody', type: 'hidden', default: true, displayOptions: { show: { '@version': [1], method: [...METHODS_WITH_OPTIONAL_BODY] } } },
	{
		displayName: 'Send Body',
		name: 'sendBody',
		type: 'boolean',
		displayOptions: { show: { ...fromVersion1_1, method: [...METHODS_WITH_OPTIONAL_BODY] } },
		default: false,
		description: 'Whether a DELETE carries a body (most APIs expect none). POST, PUT and PATCH always have the Body field; GET and HEAD never send one.',
	},
];

// A method from an expression is only known per call: its body fields stay available (n8n shows a field whose
// condition reads an expression).
const withBody = { show: { method: [...METHODS_WITH_BODY, fromExpression], sendBody: [true] } };

/** Shown only on "JAS Request Tool", the copy n8n offers to AI agents. */
const inToolMode = { show: { '@tool': [true] } };

/** Hidden on "JAS Request Tool": routing, splitting and the full response shape workflow items, not tool answers. */
const notInToolMode = { hide: { '@tool': [true] } };


/**
 * The tool's default description, plain text the user can read and edit: one per credential type, each naming its
 * provider (n8n shows the one whose Authentication is chosen). test/unit/description.test.ts holds the answers'
 * shapes to what toolAnswer really returns.
 */
const toolDescription = (provider: string) =>
	`Calls the ${provider} API with the credential set up in n8n; the access token is added for you, never send one. Set the arguments this tool lists, for example the path ` +
	'relative to the API (such as /v1/...) with any query string; requests to other hosts are refused. It answers JSON: {ok: true, status, body} on ' +
	'success ({ok: true, status, file} for a file), {ok: false, status, meaning, apiMessage, advice, retryAfterSeconds} when the API answered with ' +
	'an error, or {ok: false, problem, message, advice, reconnectRequired} when no answer could be had (problem: credential, network, input, response or internal; ' +
	'reconnectRequired, for a credential problem: true when only the user can fix the credential, false when trying again later may work).';

const TOOL_PROVIDERS = [
	[CREDENTIAL_TYPES.jas, 'JAS'],
	[CREDENTIAL_TYPES.partner, 'Partner'],
	[CREDENTIAL_TYPES.jtl, 'JTL-FFN (JTL Fulfillment Network)'],
] as const;

const PAGINATION_MODE_OPTIONS = [
	{ name: 'Link Header (Next Link)', value: 'linkHeader', description: 'The URL in the Link header marked rel="next"' },
	{ name: 'Next URL in Body', value: 'nextUrl', description: 'For example _links.next' },
	{ name: 'Offset and Limit', value: 'offset', description: 'For example JTL $skip and $top' },
];

const PAGINATION_MODE: INodeProperties = { displayName: 'Mode', name: 'mode', type: 'options', options: PAGINATION_MODE_OPTIONS, default: 'nextUrl' };

/**
 * The pagination fields in display order (Max Pages last), with the modes they belong to: shown as fields of their
 * own on version 1.1, as the settings of the Pagination option in Options on version 1 (sorted there, n8n's rule).
 */
const PAGINATION_FIELDS: Array<INodeProperties & { forModes?: string[] }> = [
	{
		displayName: 'Next URL Field',
		name: 'nextUrlField',
		type: 'string',
		default: '_links.next',
		forModes: ['nextUrl'],
		description: 'Dot path in the response body to the next page URL; pagination stops when it is empty',
	},
	{ displayName: 'Offset Parameter', name: 'offsetParameter', type: 'string', default: '$skip', forModes: ['offset'] },
	{ displayName: 'Limit Parameter', name: 'limitParameter', type: 'string', default: '$top', forModes: ['offset'] },
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		typeOptions: range(LIMITS.pageSize),
		default: 100,
		forModes: ['offset'],
		description: 'Pagination stops at the first page with fewer results than this',
	},
	{
		displayName: 'Results Field',
		name: 'itemsField',
		type: 'string',
		default: 'items',
		forModes: ['offset'],
		description:
			'Dot path to the array of results in each page, used to count them; empty when the body itself is the array. Split Into Items (in Options) is what turns the results into items.',
	},
	{ displayName: 'Max Pages', name: 'maxPages', type: 'number', typeOptions: range(LIMITS.maxPages), default: 100 },
];

/** A pagination field shown for its modes of `modeParameter` (every mode but Off when it lists none). */
function inPaginationMode({ forModes, ...field }: (typeof PAGINATION_FIELDS)[number], modeParameter: string, show: object = {}): INodeProperties {
	return { ...field, displayOptions: { show: { ...show, [modeParameter]: forModes ?? PAGINATION_MODE_OPTIONS.map((option) => option.value) } } };
}

/** One empty pair to fill in as soon as the toggle is on, as HTTP Request does (requestBuilder ignores an empty pair). */
const ONE_EMPTY_PAIR = { parameters: [{ name: '', value: '' }] };

const nameValueCollection = (displayName: string, name: string, placeholder: string): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder,
	default: {},
	options: [
		{
			name: 'parameters',
			displayName: 'Parameter',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
});

export const properties: INodeProperties[] = [
	...TOOL_PROVIDERS.map(
		([type, provider]): INodeProperties => ({
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			typeOptions: { rows: 3 },
			displayOptions: { show: { ...inToolMode.show, authentication: [type] } },
			default: toolDescription(provider),
			description: 'What the AI agent is told about this tool: which API it calls and what it answers',
		}),
	),
	{
		displayName: 'Max Characters for the Agent',
		name: 'toolMaxCharacters',
		type: 'number',
		typeOptions: range(LIMITS.toolMaxCharacters),
		displayOptions: inToolMode,
		default: 20_000,
		description: 'The most characters of one answer the agent\'s model receives; a longer answer is cut with a note saying how much was left out, and pagination stops there',
	},
	{
		displayName:
			"Let the model fill any field: click the sparkle next to it, or write {{ $fromAI('path', 'API path such as /v1/shipments', 'string') }}. Whatever it writes, the token is only sent to the credential's API host.",
		name: 'toolNotice',
		type: 'notice',
		displayOptions: inToolMode,
		default: '',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'JAS OAuth2 API', value: CREDENTIAL_TYPES.jas },
			{ name: 'JTL-FFN OAuth2 API', value: CREDENTIAL_TYPES.jtl },
			{ name: 'Partner OAuth2 API', value: CREDENTIAL_TYPES.partner },
		],
		default: 'jasOAuth2Api',
		description: 'Which API and credential to call; the token is fetched and renewed for you',
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'HEAD', value: 'HEAD' },
			{ name: 'PATCH', value: 'PATCH' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'GET',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/v1/shipments/{{ $json.shipmentNumber }}',
		hint: "A path relative to the credential's API URL (e.g. /v1/users/current), or a full URL on that host",
	},
	{
		displayName: 'Send Query Parameters',
		name: 'sendQuery',
		type: 'boolean',
		default: false,
	},
	{
		...nameValueCollection('Query Parameters', 'queryParameters', 'Add Parameter'),
		default: ONE_EMPTY_PAIR,
		displayOptions: { show: { sendQuery: [true] } },
	},
	{
		displayName: 'Send Headers',
		name: 'sendHeaders',
		type: 'boolean',
		default: false,
	},
	{
		...nameValueCollection('Headers', 'headerParameters', 'Add Header'),
		default: ONE_EMPTY_PAIR,
		displayOptions: { show: { sendHeaders: [true] } },
		description: 'Authorization is set from the credential; a header given here replaces any other of the same name',
	},
	...SEND_BODY,
	{
		displayName: 'Body',
		name: 'bodyType',
		type: 'options',
		displayOptions: withBody,
		options: [
			{ name: 'Binary File', value: 'binary', description: "Send an input item's file as the body" },
			{ name: 'Form (URL-Encoded)', value: 'form' },
			{ name: 'JSON', value: 'json' },
			{ name: 'None', value: 'none' },
			{ name: 'Raw Text', value: 'raw', description: 'Any text with a content type you choose (XML, CSV…)' },
		],
		default: 'json',
	},
	{
		displayName: 'JSON Body',
		name: 'jsonBody',
		type: 'json',
		displayOptions: { show: { ...withBody.show, bodyType: ['json'] } },
		default: '{}',
		description: 'The request body. Use an expression to take values from the input item.',
	},
	{
		...nameValueCollection('Form Fields', 'formBody', 'Add Field'),
		displayOptions: { show: { ...withBody.show, bodyType: ['form'] } },
	},
	{
		displayName: 'Raw Body',
		name: 'rawBody',
		type: 'string',
		typeOptions: { rows: 4 },
		displayOptions: { show: { ...withBody.show, bodyType: ['raw'] } },
		default: '',
	},
	{
		displayName: 'Content Type',
		name: 'rawContentType',
		type: 'string',
		displayOptions: { show: { ...withBody.show, bodyType: ['raw'] } },
		default: 'text/plain',
		placeholder: 'application/xml',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		displayOptions: { show: { ...withBody.show, bodyType: ['binary'] } },
		default: 'data',
		hint: 'The name of the binary field on the input item that holds the file',
	},
	{
		displayName: 'Route Outcomes',
		name: 'routing',
		type: 'options',
		options: [
			{
				name: 'By Category',
				value: 'byCategory',
				description: 'Success, Client Error, Auth Error, Not Found, Rate Limited, Server Error, Network Error',
			},
			{ name: 'By Status Code', value: 'byStatusCode', description: 'One output per status code you pick' },
			{ name: 'Custom Rules', value: 'custom', description: 'Your own outputs from codes and ranges, first match wins' },
		],
		displayOptions: notInToolMode,
		default: 'byCategory',
		hint: 'Every item leaves through exactly one output. Changing this changes the outputs: re-check their connections.',
	},
	{
		displayName: 'Status Codes',
		name: 'statusCodes',
		type: 'multiOptions',
		displayOptions: { ...notInToolMode, show: { routing: ['byStatusCode'] } },
		// The output's own label (routing.ts), so chip and output read the same; the JAS table's wording as description.
		options: JAS_STATUSES.map(({ code, text, label }) => ({ name: `${code} ${label}`, value: code, description: `JAS: ${text}` })),
		default: [401, 404, 429, 500],
		hint: 'Each picked code gets its own output; any other failure, including no answer at all, goes to Other Error',
	},
	{
		displayName: 'Rules',
		name: 'customRules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: { ...notInToolMode, show: { routing: ['custom'] } },
		placeholder: 'Add Rule',
		default: {},
		description: 'Checked in order; the first rule that matches the status decides the output',
		options: [
			{
				name: 'rules',
				displayName: 'Rule',
				values: [
					{ displayName: 'Output Name', name: 'name', type: 'string', default: '', placeholder: 'Retry Later' },
					{
						displayName: 'Status Codes',
						name: 'codes',
						type: 'string',
						default: '',
						placeholder: '429, 500-599, network',
						hint: 'Codes and ranges separated by commas; "network" matches requests that got no answer',
					},
				],
			},
		],
	},
	{
		...PAGINATION_MODE,
		displayName: 'Pagination',
		name: 'paginationMode',
		displayOptions: { show: fromVersion1_1 },
		options: [...PAGINATION_MODE_OPTIONS, { name: 'Off', value: 'off', description: 'One request per item' }].sort((a, b) => a.name.localeCompare(b.name)),
		default: 'off',
		description: 'Whether to fetch the following pages of a list too; their results come out together',
	},
	// The mode first, its own fields next, Max Pages last.
	...PAGINATION_FIELDS.map((field) => inPaginationMode(field, 'paginationMode', fromVersion1_1)),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: range(LIMITS.concurrency),
				default: 10,
				description: 'How many requests are in flight at once for this node',
			},
			{
				displayName: 'Follow Redirects',
				name: 'followRedirects',
				type: 'boolean',
				default: true,
				description: 'Whether to follow 3xx redirects (the token is never sent to another host)',
			},
			{
				displayName: 'Full Response',
				name: 'fullResponse',
				type: 'boolean',
				displayOptions: notInToolMode,
				default: false,
				description: 'Whether to return status code and headers along with the body',
			},
			{
				displayName: 'Ignore SSL Issues (Insecure)',
				name: 'allowUnauthorizedCerts',
				type: 'boolean',
				default: false,
				description: 'Whether to connect even if SSL certificate validation is not possible',
			},
			{
				displayName: 'Max File Size (MB)',
				name: 'maxFileSizeMb',
				type: 'number',
				typeOptions: range(LIMITS.maxFileSizeMb),
				default: 0,
				displayOptions: { show: { responseFormat: ['file'] } },
				description: "Largest download accepted with Response Format: File; 0 = no limit. Files are streamed to n8n's binary storage, not held in memory.",
			},
			{
				displayName: 'Max Requests per Second',
				name: 'maxRequestsPerSecond',
				type: 'number',
				typeOptions: { ...range(LIMITS.maxRequestsPerSecond), numberPrecision: 2 },
				default: 0,
				description:
					"At most this many requests per second for this credential (e.g. the API's limit); 0 = none. Shared by every execution in this n8n process. With several queue-mode workers each one also slows down on the API's 429s and speeds up again, so together they settle at what the API accepts. A 429's Retry-After pauses the credential. Use 0.5 for 30 per minute.",
			},
			{
				displayName: 'Max Response Size (MB)',
				name: 'maxResponseSizeMb',
				type: 'number',
				typeOptions: range(LIMITS.maxResponseSizeMb),
				default: 100,
				description: 'Largest JSON or text answer (and error body) kept in memory; a larger one goes to an error output. For big downloads choose Response Format: File.',
			},
			{
				displayName: 'Max Retry Wait (Seconds)',
				name: 'maxRetryWait',
				type: 'number',
				typeOptions: range(LIMITS.maxRetryWait),
				default: 60,
				description: 'The most time one item may spend waiting between retries, Retry-After included',
			},
			{
				displayName: 'Output Binary Field',
				name: 'outputBinaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { responseFormat: ['file'] } },
				description: 'Binary field the downloaded file is written to',
			},
			{
				displayName: 'Pagination',
				name: 'pagination',
				type: 'fixedCollection',
				// Version 1 only; version 1.1 has the Pagination fields above instead.
				displayOptions: { show: { '@version': [1] } },
				// Pre-filled so the settings show as soon as the option is added (one click, not two).
				default: { settings: { mode: 'nextUrl', nextUrlField: '_links.next', maxPages: 100 } },
				placeholder: 'Add Pagination',
				options: [
					{
						name: 'settings',
						displayName: 'Settings',
						// Alphabetical (n8n's rule); Mode's displayOptions decide which of the others show.
						values: [PAGINATION_MODE, ...PAGINATION_FIELDS.map((field) => inPaginationMode(field, 'mode'))].sort((a, b) => a.displayName.localeCompare(b.displayName)),
					},
				],
			},
			{
				displayName: 'Response Format',
				name: 'responseFormat',
				type: 'options',
				options: [
					{ name: 'Autodetect', value: 'auto', description: 'JSON when the server says so, else text' },
					{ name: 'File', value: 'file', description: 'Keep the body as a binary file' },
					{ name: 'Text', value: 'text' },
				],
				default: 'auto',
			},
			{
				displayName: 'Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: range(LIMITS.maxRetries),
				default: 3,
				description: 'Retries for 429 (after Retry-After), 5xx and network errors, with exponential backoff',
				hint: "Use these, and leave the node's Settings → Retry On Fail off: that one only re-runs the whole node (every item, POSTs included) when it stops with an error, such as invalid input or an unreadable credential, and never retries an item that went to an error output. With both on, such a failed run is repeated, each time with these retries.",
			},
			{
				displayName: 'Retry Non-Idempotent Requests',
				name: 'retryNonIdempotent',
				type: 'boolean',
				default: false,
				description: 'Whether POST and PATCH are retried too (they may then take effect twice)',
			},
			{
				displayName: 'Split Into Items',
				name: 'splitField',
				type: 'string',
				displayOptions: notInToolMode,
				default: '',
				placeholder: 'e.g. items',
				description: 'Dot path to an array in the response; each element becomes an item. Use "." for a body that is itself an array.',
			},
			{
				displayName: 'Timeout (Milliseconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: range(LIMITS.timeout),
				default: 30_000,
				description: 'Per attempt, from sending the request to the end of the response; 0 = no timeout. For files: the longest silence between two chunks.',
			},
		],
	},
];
