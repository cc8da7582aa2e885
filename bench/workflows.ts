/**
 * The n8n side of the benchmark: one workflow and one fresh credential per (run, repetition), so no run inherits a
 * token another run fetched (n8n persists the generic OAuth2 credential's token in its database).
 * Items: a Set node in raw mode holds all paths, Split Out makes one item per path (as tools/demo/workflow.ts).
 */
import type { N8nCredential, N8nWorkflow } from '../tools/n8n/instance';
import { workflowNode } from '../tools/demo/workflow';
import type { RunSpec } from './config';

/** The name of the node under test in every workflow; its `executionTime` is what items/s is computed from. */
export const NODE_UNDER_TEST = 'Request';

export function itemPath(index: number): string {
	return `/api/echo?n=${index}`;
}

export function ids(run: RunSpec, rep: number): { workflowId: string; credentialId: string } {
	// n8n: workflow ids at most 21 characters, with a digit for execute-batch; keep both short and alphanumeric.
	return { workflowId: `bench${run.key}r${rep}`, credentialId: `cred${run.key}r${rep}` };
}

export interface SimulatorAccess {
	url: string;
	clientId: string;
	clientSecret: string;
	renewalMarginSec: number;
}

export function benchCredential(run: RunSpec, rep: number, sim: SimulatorAccess): N8nCredential {
	const { credentialId } = ids(run, rep);
	if (run.kind === 'jas') {
		return {
			id: credentialId,
			name: `JAS bench ${run.key} ${rep}`,
			type: 'jasOAuth2Api',
			data: { baseUrl: sim.url, tokenUrl: '', clientId: sim.clientId, clientSecret: sim.clientSecret, renewalMarginSec: sim.renewalMarginSec },
		};
	}
	// n8n's generic OAuth2 credential, client credentials grant, credentials in the form body (as JAS documents).
	return {
		id: credentialId,
		name: `OAuth2 bench ${run.key} ${rep}`,
		type: 'oAuth2Api',
		data: {
			grantType: 'clientCredentials',
			accessTokenUrl: `${sim.url}/oauth2/token`,
			clientId: sim.clientId,
			clientSecret: sim.clientSecret,
			scope: '',
			authentication: 'body',
		},
	};
}

const node = workflowNode;

export function benchWorkflow(run: RunSpec, rep: number, items: number, sim: SimulatorAccess): N8nWorkflow {
	const { workflowId, credentialId } = ids(run, rep);
	const credential = benchCredential(run, rep, sim);
	let request;
	if (run.kind === 'jas') {
		const options = run.concurrencyOption === undefined ? {} : { concurrency: run.concurrencyOption };
		request = node(
			NODE_UNDER_TEST,
			'n8n-nodes-jas.jasRequest',
			1,
			[660, 0],
			{ authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', options },
			{ credentials: { jasOAuth2Api: { id: credentialId, name: credential.name } } },
		);
	} else if (run.kind === 'httpRequest') {
		request = node(
			NODE_UNDER_TEST,
			'n8n-nodes-base.httpRequest',
			4.2,
			[660, 0],
			{
				method: 'GET',
				url: `=${sim.url}{{ $json.path }}`,
				authentication: 'genericCredentialType',
				genericAuthType: 'oAuth2Api',
				options: run.httpOptions ?? {},
			},
			{ credentials: { oAuth2Api: { id: credentialId, name: credential.name } } },
		);
	} else {
		throw new Error(`run ${run.key} does not run in n8n`);
	}
	const paths = Array.from({ length: items }, (_, i) => ({ path: itemPath(i) }));
	return {
		id: workflowId,
		name: `bench ${run.label} #${rep}`,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
			node('Items', 'n8n-nodes-base.set', 3.4, [220, 0], { mode: 'raw', jsonOutput: JSON.stringify({ requests: paths }) }),
			node('One Item Per Path', 'n8n-nodes-base.splitOut', 1, [440, 0], { fieldToSplitOut: 'requests' }),
			request,
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'One Item Per Path', type: 'main', index: 0 }]] },
			'One Item Per Path': { main: [[{ node: NODE_UNDER_TEST, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}
