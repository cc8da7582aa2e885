/**
 * The n8n side of the benchmark. A pair run is one workflow in which JAS Request and the ideal node get the same
 * items, one after the other (n8n's v1 order runs sibling branches top to bottom, so the node placed higher runs
 * first). Items: a Set node in raw mode holds all paths, Split Out makes one item per path (as tools/demo/workflow.ts).
 * In execute mode each (run, repetition) has its own workflow and a fresh JAS credential, so no run inherits a token
 * another run fetched (n8n also persists the generic OAuth2 credential's token); warm mode (warm.ts) starts the
 * same workflow by a production webhook, with one credential for the life of the server, as users run it.
 */
import { randomUUID } from 'node:crypto';

import { workflowNode as node } from '../tools/demo/workflow';
import type { N8nCredential, N8nWorkflow } from '../tools/n8n/instance';
import type { BenchMode, RunSpec } from './config';
import { IDEAL_NODE_TYPE } from './idealNode/pack';

/** Node names in every workflow; each one's `executionTime` is what its items/s is computed from. */
export const NODE_NAMES = { jas: 'JAS Request', ideal: 'Ideal Request', httpRequest: 'HTTP Request' } as const;

export function itemPath(index: number): string {
	return `/api/echo?n=${index}`;
}

export function ids(run: RunSpec, rep: number, mode: BenchMode = 'execute'): { workflowId: string; credentialId: string } {
	// n8n: workflow ids at most 21 characters; keep them short and alphanumeric. Warm mode: one workflow per run.
	if (mode === 'warm') return { workflowId: `warm${run.key}`, credentialId: `credwarm${run.key}` };
	return { workflowId: `bench${run.key}r${rep}`, credentialId: `cred${run.key}r${rep}` };
}

export interface SimulatorAccess {
	url: string;
	clientId: string;
	clientSecret: string;
	renewalMarginSec: number;
}

/** Where each contender's API is: one simulator each, so every counter (tokens, 401s, in flight) is its own. */
export interface Simulators {
	jas: SimulatorAccess;
	ideal: SimulatorAccess;
}

export const IDEAL_CREDENTIAL_ID = 'credideal1';

export function idealCredential(sim: SimulatorAccess): N8nCredential {
	return { id: IDEAL_CREDENTIAL_ID, name: 'Ideal bench', type: 'idealBenchApi', data: { baseUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret } };
}

export function benchCredential(run: RunSpec, rep: number, sim: SimulatorAccess, mode: BenchMode = 'execute'): N8nCredential {
	const { credentialId } = ids(run, rep, mode);
	if (run.kind === 'pair') {
		return {
			id: credentialId,
			name: `JAS bench ${run.key} ${mode} ${rep}`,
			type: 'jasOAuth2Api',
			data: { baseUrl: sim.url, tokenUrl: '', clientId: sim.clientId, clientSecret: sim.clientSecret, renewalMarginSec: sim.renewalMarginSec },
		};
	}
	// n8n's generic OAuth2 credential, client credentials grant, credentials in the form body (as JAS documents).
	return {
		id: credentialId,
		name: `OAuth2 bench ${run.key} ${rep}`,
		type: 'oAuth2Api',
		data: { grantType: 'clientCredentials', accessTokenUrl: `${sim.url}/oauth2/token`, clientId: sim.clientId, clientSecret: sim.clientSecret, scope: '', authentication: 'body' },
	};
}

/** The nodes under test of a run, placed top to bottom in the order they are to run. */
function contenders(run: RunSpec, rep: number, sims: Simulators, mode: BenchMode): Array<Record<string, unknown> & { name: string }> {
	const { credentialId } = ids(run, rep, mode);
	const credential = benchCredential(run, rep, sims.jas, mode);
	if (run.kind === 'httpRequest') {
		return [
			node(
				NODE_NAMES.httpRequest,
				'n8n-nodes-base.httpRequest',
				4.2,
				[660, 0],
				{ method: 'GET', url: `=${sims.jas.url}{{ $json.path }}`, authentication: 'genericCredentialType', genericAuthType: 'oAuth2Api', options: run.httpOptions ?? {} },
				{ credentials: { oAuth2Api: { id: credentialId, name: credential.name } } },
			),
		];
	}
	if (run.kind !== 'pair') throw new Error(`run ${run.key} does not run in n8n`);
	const options = run.concurrencyOption === undefined ? {} : { concurrency: run.concurrencyOption };
	const jasFirst = run.order === 'jasFirst';
	const jas = node(
		NODE_NAMES.jas,
		'n8n-nodes-jas.jasRequest',
		1,
		[660, jasFirst ? 0 : 200],
		{ authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', options },
		{ credentials: { jasOAuth2Api: { id: credentialId, name: credential.name } } },
	);
	const ideal = node(NODE_NAMES.ideal, IDEAL_NODE_TYPE, 1, [660, jasFirst ? 200 : 0], { pathField: 'path', concurrency: run.concurrency }, {
		credentials: { idealBenchApi: { id: IDEAL_CREDENTIAL_ID, name: idealCredential(sims.ideal).name } },
	});
	return jasFirst ? [jas, ideal] : [ideal, jas];
}

/** Execute mode: Manual Trigger → Items → Split Out → the contenders. Warm mode: a production webhook instead. */
export function benchWorkflow(run: RunSpec, rep: number, items: number, sims: Simulators, mode: BenchMode = 'execute'): N8nWorkflow {
	const { workflowId } = ids(run, rep, mode);
	const trigger =
		mode === 'warm'
			? { ...node('Start', 'n8n-nodes-base.webhook', 2, [0, 0], { httpMethod: 'POST', path: webhookPath(run), responseMode: 'lastNode', responseData: 'noData', options: {} }), webhookId: randomUUID() }
			: node('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {});
	const paths = Array.from({ length: items }, (_, i) => ({ path: itemPath(i) }));
	const nodes = contenders(run, rep, sims, mode);
	return {
		id: workflowId,
		name: `bench ${run.label} ${mode} #${rep}`,
		nodes: [
			trigger,
			node('Items', 'n8n-nodes-base.set', 3.4, [220, 0], { mode: 'raw', jsonOutput: JSON.stringify({ requests: paths }) }),
			node('One Item Per Path', 'n8n-nodes-base.splitOut', 1, [440, 0], { fieldToSplitOut: 'requests' }),
			...nodes,
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'One Item Per Path', type: 'main', index: 0 }]] },
			'One Item Per Path': { main: [nodes.map((n) => ({ node: n.name, type: 'main', index: 0 }))] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

export function webhookPath(run: RunSpec): string {
	return `bench-${run.key.toLowerCase()}`;
}
