/**
 * The ideal node of the bench (never part of n8n-nodes-jas): what any node calling the JAS API must do, and nothing
 * more. One undici request per item through a keep-alive pool with the package's settings (nodes/shared/http/pools.ts:
 * one pool for the life of the process, unlimited connections per origin, no pipelining, 4 s / 30 s keep-alive),
 * a Bearer token fetched once per run (bearerClient.ts), each JSON answer parsed, one item out paired to its input.
 * Its URL is the credential's base URL plus the item's field named by "Path Field", read directly (no expression):
 * an ideal node evaluating an expression per item would measure n8n's evaluator, not the ceiling.
 * A failed request fails the run: the bench checks every item anyway.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, NodeConnectionType } from 'n8n-workflow';
import { Agent } from 'undici';

import { BearerClient, inLanes } from './bearerClient';

/** As POOL_OPTIONS in nodes/shared/http/pools.ts (without a proxy the package hands out exactly such an Agent). */
export const IDEAL_POOL_OPTIONS = { connections: null, pipelining: 1, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 30_000 } as const;

let pool: Agent | undefined;

const MAIN = 'main' as NodeConnectionType;

export class IdealRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ideal Request (bench)',
		name: 'idealRequest',
		group: ['transform'],
		version: 1,
		description: 'Benchmark reference: one GET per item with a Bearer token, nothing else',
		defaults: { name: 'Ideal Request' },
		inputs: [MAIN],
		outputs: [MAIN],
		credentials: [{ name: 'idealBenchApi', required: true }],
		properties: [
			{ displayName: 'Path Field', name: 'pathField', type: 'string', default: 'path', description: 'Input field holding the path to GET' },
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 10, description: 'Requests in flight' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const inputs = this.getInputData();
		const field = this.getNodeParameter('pathField', 0) as string;
		const concurrency = this.getNodeParameter('concurrency', 0) as number;
		const credentials = await this.getCredentials('idealBenchApi');
		pool ??= new Agent(IDEAL_POOL_OPTIONS);
		const client = new BearerClient({
			baseUrl: String(credentials.baseUrl),
			clientId: String(credentials.clientId),
			clientSecret: String(credentials.clientSecret),
			renewalMarginSec: 60,
			dispatcher: pool,
		});
		const out = new Array<INodeExecutionData>(inputs.length);
		await inLanes(inputs.length, concurrency, async (index) => {
			const answer = await client.getJson(String(inputs[index].json[field]));
			if (answer.status !== 200) throw new Error(`item ${index}: the API answered ${answer.status}`);
			out[index] = { json: answer.body as INodeExecutionData['json'], pairedItem: { item: index } };
		});
		return [out];
	}
}
