import * as workflow from 'n8n-workflow';
import { type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { configuredOutputs } from './routing';
import { properties } from './description';
import { executeJasRequest } from './execute';
import { assertSupportedN8n } from './n8nVersion';

assertSupportedN8n(workflow);

export class JasRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'JAS Request',
		name: 'jasRequest',
		icon: { light: 'file:jasRequest.svg', dark: 'file:jasRequest.dark.svg' },
		group: ['output'],
		version: 1,
		// The URL as written: an expression URL shows its template (GET /orders/{{ $json.id }}), not an empty subtitle.
		subtitle: '={{$parameter["method"] + " " + String($rawParameter["url"] || "").replace(/^=/, "")}}',
		description: 'Call any JAS, partner or JTL-FFN API endpoint; every item goes to one output by outcome',
		defaults: { name: 'JAS Request' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		credentials: [
			{ name: 'jasOAuth2Api', required: true, displayOptions: { show: { authentication: ['jasOAuth2Api'] } } },
			{ name: 'partnerOAuth2Api', required: true, displayOptions: { show: { authentication: ['partnerOAuth2Api'] } } },
			{ name: 'jtlFfnOAuth2Api', required: true, displayOptions: { show: { authentication: ['jtlFfnOAuth2Api'] } } },
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJasRequest.call(this);
	}
}
