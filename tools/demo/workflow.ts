/**
 * The example workflow of the demo (and of the end-to-end routing test): a list of requests that hits
 * every output of the default routing, plus a Partner call and a paginated JTL call.
 */
/**
 * The credentials `npm run demo` creates, with fixed ids: the example workflows in examples/ reference exactly these
 * (id and name), so a user imports an example into the demo's n8n and runs it without picking a credential.
 */
export const DEMO_CREDENTIALS = {
	jas: { id: 'jasDemoCred1', name: 'JAS (simulator)', type: 'jasOAuth2Api' },
	partner: { id: 'partnerDemoCred1', name: 'Partner (simulator)', type: 'partnerOAuth2Api' },
	jtl: { id: 'jtlDemoCred1', name: 'JTL-FFN (simulator)', type: 'jtlFfnOAuth2Api' },
	openAi: { id: 'openAiDemoCred1', name: 'OpenAI (simulator)', type: 'openAiApi' },
} as const;

export const CREDENTIAL_IDS = { jas: DEMO_CREDENTIALS.jas.id, partner: DEMO_CREDENTIALS.partner.id, jtl: DEMO_CREDENTIALS.jtl.id, openAi: DEMO_CREDENTIALS.openAi.id } as const;

/** A node's reference to a demo credential, as a workflow holds it. */
export const credentialRef = (key: keyof typeof DEMO_CREDENTIALS) => ({ id: DEMO_CREDENTIALS[key].id, name: DEMO_CREDENTIALS[key].name });

/** The demo's scripted model answers every agent by calling the JAS tool once with this path (examples/ai-agent-jas-tool.json). */
export const DEMO_MODEL_TOOL_CALL = { path: '/api/echo/orders/17' };

/** Each request and the output of "JAS Request" it must land on. */
export const JAS_REQUESTS: Array<{ path: string; expect: string }> = [
	...Array.from({ length: 20 }, (_, i) => ({ path: `/api/echo?shipment=${i + 1}`, expect: 'Success' })),
	{ path: '/api/status/400', expect: 'Client Error' },
	{ path: '/api/status/409', expect: 'Client Error' },
	{ path: '/api/status/401', expect: 'Auth Error' },
	{ path: '/api/status/403', expect: 'Auth Error' },
	{ path: '/api/status/404', expect: 'Not Found' },
	{ path: '/api/status/429?retryAfter=1', expect: 'Rate Limited' },
	{ path: '/api/status/500', expect: 'Server Error' },
	{ path: '/api/drop', expect: 'Network Error' },
];

export const JAS_OUTPUTS = ['Success', 'Client Error', 'Auth Error', 'Not Found', 'Rate Limited', 'Server Error', 'Network Error'];

/** JTL products in the simulator, fetched with $skip/$top pagination and split into items. */
export const JTL_PRODUCT_COUNT = 95;

/** A workflow node as n8n's import expects it. */
export const workflowNode = (name: string, type: string, typeVersion: number, position: [number, number], parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	id: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
	name,
	type,
	typeVersion,
	position,
	parameters,
	...extra,
});

/**
 * Start → Set (`count` paths /api/echo?n=…) → Split Out → JAS Request `nodeName` GETting each item's path: many items
 * through the node in one execution, as the versions load test and the CPU profile need.
 */
export function echoLoadWorkflow(id: string, name: string, count: number, nodeName: string, credential: { id: string; name: string }, options: Record<string, unknown>) {
	const paths = Array.from({ length: count }, (_, i) => ({ path: `/api/echo?n=${i}` }));
	return {
		id,
		name,
		nodes: [
			workflowNode('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
			workflowNode('Items', 'n8n-nodes-base.set', 3.4, [200, 0], { mode: 'raw', jsonOutput: JSON.stringify({ paths }) }),
			workflowNode('Split', 'n8n-nodes-base.splitOut', 1, [400, 0], { fieldToSplitOut: 'paths' }),
			workflowNode(
				nodeName,
				'n8n-nodes-jas.jasRequest',
				1,
				[600, 0],
				{ authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', options },
				{ credentials: { jasOAuth2Api: credential } },
			),
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

export function demoWorkflow(id = 'jasDemoWorkflow1') {
	const nodes = [
		workflowNode('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 200], {}),
		workflowNode('Requests', 'n8n-nodes-base.set', 3.4, [220, 0], {
			mode: 'raw',
			jsonOutput: JSON.stringify({ requests: JAS_REQUESTS.map(({ path }) => ({ path })) }),
		}),
		workflowNode('One Item Per Request', 'n8n-nodes-base.splitOut', 1, [440, 0], { fieldToSplitOut: 'requests' }),
		workflowNode(
			'JAS Request',
			'n8n-nodes-jas.jasRequest',
			1,
			[660, 0],
			{ authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', options: { maxRetries: 1, maxRetryWait: 5 } },
			{ credentials: { jasOAuth2Api: credentialRef('jas') } },
		),
		...JAS_OUTPUTS.map((output, index) => workflowNode(output, 'n8n-nodes-base.noOp', 1, [900, index * 160 - 480], {})),
		workflowNode(
			'Partner Request',
			'n8n-nodes-jas.jasRequest',
			1,
			[220, 420],
			{ authentication: 'partnerOAuth2Api', method: 'POST', url: '/api/echo', bodyType: 'json', jsonBody: '{"booking": "demo"}' },
			{ credentials: { partnerOAuth2Api: credentialRef('partner') } },
		),
		workflowNode(
			'JTL Products',
			'n8n-nodes-jas.jasRequest',
			1,
			[220, 780],
			{
				authentication: 'jtlFfnOAuth2Api',
				method: 'GET',
				url: '/v1/merchant/products',
				options: {
					splitField: 'items',
					pagination: { settings: { mode: 'offset', offsetParameter: '$skip', limitParameter: '$top', pageSize: 20, itemsField: 'items', maxPages: 20 } },
				},
			},
			{ credentials: { jtlFfnOAuth2Api: credentialRef('jtl') } },
		),
	];
	nodes.push(
		stickyNote('About this demo', [-60, -560], 560, 460, [
			'## What this demo shows',
			'Press **Execute workflow**: three JAS Request nodes call the bundled simulators (local copies of the JAS, Partner and JTL-FFN APIs) with the credentials the demo created.',
			'- **JAS Request** sends 28 requests, one per item. Every item leaves on exactly one output, chosen by the answer: 20 on **Success**, the others on **Client Error**, **Auth Error**, **Not Found**, **Rate Limited** (after one wait and retry), **Server Error** and **Network Error**. Click an output node to read its items: an error item says what happened and what to do.',
			'- One token serves all items; it is renewed before it expires.',
		]),
		stickyNote('Partner and JTL-FFN', [-60, 1140], 560, 300, [
			'## Partner and JTL-FFN',
			'- **Partner Request** POSTs a JSON body with the Partner credential (its token request is JSON, which n8n\'s generic OAuth2 credential cannot send).',
			'- **JTL Products** pages through all 95 products with `$skip`/`$top` (Pagination: offset, 20 per page) and splits them into 95 items. If paging ever stops before the list\'s end (Max Pages, a wrong field), the output pane says so.',
			'Changed a credential on a node? n8n saves that change only when you save the workflow (**Ctrl+S**).',
		]),
	);
	const connections: Record<string, unknown> = {
		Start: { main: [[{ node: 'Requests', type: 'main', index: 0 }, { node: 'Partner Request', type: 'main', index: 0 }, { node: 'JTL Products', type: 'main', index: 0 }]] },
		Requests: { main: [[{ node: 'One Item Per Request', type: 'main', index: 0 }]] },
		'One Item Per Request': { main: [[{ node: 'JAS Request', type: 'main', index: 0 }]] },
		'JAS Request': { main: JAS_OUTPUTS.map((output) => [{ node: output, type: 'main', index: 0 }]) },
	};
	return { id, name: 'JAS Request demo', nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

/** A sticky note of `width` × `height` at `position`, its paragraphs joined as Markdown. */
export function stickyNote(name: string, position: [number, number], width: number, height: number, lines: string[]) {
	return workflowNode(name, 'n8n-nodes-base.stickyNote', 1, position, { content: lines.join('\n'), width, height });
}

export interface DemoClients {
	jas: { url: string; clientId: string; clientSecret: string };
	partner: { url: string; clientId: string; clientSecret: string };
	jtl: { url: string; clientId: string; clientSecret: string; scopes: string[]; tokenData: Record<string, unknown> };
	/** the OpenAI-compatible model simulator (tools/simulators/model.ts) */
	model: { url: string };
}

/** The model simulator's API key: not a secret, it only opens the local simulator. */
export const DEMO_MODEL_API_KEY = 'sk-simulated-model-key-0002';

export function demoCredentials(c: DemoClients) {
	return [
		{ ...DEMO_CREDENTIALS.jas, data: { baseUrl: c.jas.url, clientId: c.jas.clientId, clientSecret: c.jas.clientSecret, renewalMarginSec: 60 } },
		{
			...DEMO_CREDENTIALS.partner,
			data: { baseUrl: c.partner.url, clientId: c.partner.clientId, clientSecret: c.partner.clientSecret, renewalMarginSec: 300 },
		},
		{
			...DEMO_CREDENTIALS.jtl,
			data: {
				environment: 'custom',
				customApiUrl: `${c.jtl.url}/api`,
				customOAuthUrl: c.jtl.url,
				scopes: c.jtl.scopes,
				clientId: c.jtl.clientId,
				clientSecret: c.jtl.clientSecret,
				oauthTokenData: c.jtl.tokenData,
			},
		},
		{ ...DEMO_CREDENTIALS.openAi, data: { apiKey: DEMO_MODEL_API_KEY, url: c.model.url } },
	];
}
