/**
 * The example workflow of the demo (and of the end-to-end routing test): a list of requests that hits
 * every output of the default routing, plus a Partner call and a paginated JTL call.
 */
export const CREDENTIAL_IDS = { jas: 'jasDemoCred1', partner: 'partnerDemoCred1', jtl: 'jtlDemoCred1' } as const;

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
			{ credentials: { jasOAuth2Api: { id: CREDENTIAL_IDS.jas, name: 'JAS (simulator)' } } },
		),
		...JAS_OUTPUTS.map((output, index) => workflowNode(output, 'n8n-nodes-base.noOp', 1, [900, index * 160 - 480], {})),
		workflowNode(
			'Partner Request',
			'n8n-nodes-jas.jasRequest',
			1,
			[220, 420],
			{ authentication: 'partnerOAuth2Api', method: 'POST', url: '/api/echo', bodyType: 'json', jsonBody: '{"booking": "demo"}' },
			{ credentials: { partnerOAuth2Api: { id: CREDENTIAL_IDS.partner, name: 'Partner (simulator)' } } },
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
			{ credentials: { jtlFfnOAuth2Api: { id: CREDENTIAL_IDS.jtl, name: 'JTL-FFN (simulator)' } } },
		),
	];
	const connections: Record<string, unknown> = {
		Start: { main: [[{ node: 'Requests', type: 'main', index: 0 }, { node: 'Partner Request', type: 'main', index: 0 }, { node: 'JTL Products', type: 'main', index: 0 }]] },
		Requests: { main: [[{ node: 'One Item Per Request', type: 'main', index: 0 }]] },
		'One Item Per Request': { main: [[{ node: 'JAS Request', type: 'main', index: 0 }]] },
		'JAS Request': { main: JAS_OUTPUTS.map((output) => [{ node: output, type: 'main', index: 0 }]) },
	};
	return { id, name: 'JAS Request demo', nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

export interface DemoClients {
	jas: { url: string; clientId: string; clientSecret: string };
	partner: { url: string; clientId: string; clientSecret: string };
	jtl: { url: string; clientId: string; clientSecret: string; scopes: string[]; tokenData: Record<string, unknown> };
}

export function demoCredentials(c: DemoClients) {
	return [
		{ id: CREDENTIAL_IDS.jas, name: 'JAS (simulator)', type: 'jasOAuth2Api', data: { baseUrl: c.jas.url, clientId: c.jas.clientId, clientSecret: c.jas.clientSecret, renewalMarginSec: 60 } },
		{
			id: CREDENTIAL_IDS.partner,
			name: 'Partner (simulator)',
			type: 'partnerOAuth2Api',
			data: { baseUrl: c.partner.url, clientId: c.partner.clientId, clientSecret: c.partner.clientSecret, renewalMarginSec: 300 },
		},
		{
			id: CREDENTIAL_IDS.jtl,
			name: 'JTL-FFN (simulator)',
			type: 'jtlFfnOAuth2Api',
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
	];
}
