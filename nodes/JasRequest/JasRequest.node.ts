import * as workflow from 'n8n-workflow';
import { CREDENTIAL_TYPES } from '../shared/token/credentialTypes';
import { type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { configuredOutputs } from './routing';
import { properties } from './description';
import { executeJasRequest } from './execute';
import { assertSupportedN8n } from './n8nVersion';

assertSupportedN8n(workflow);

/**
 * Shown for its own Authentication only. The `hide` repeats what `show` says, on purpose: when a user has exactly one
 * usable credential, n8n's editor gives a fresh node that credential and switches its Authentication to match,
 * unless the credential's displayOptions have a `hide` (resolveNodeCredentials). A fresh JAS Request node so starts
 * on JAS with no other provider's credential preselected.
 */
const onlyFor = (type: string) => ({
	show: { authentication: [type] },
	hide: { authentication: Object.values(CREDENTIAL_TYPES).filter((other) => other !== type) },
});

export class JasRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'JAS Request',
		name: 'jasRequest',
		icon: { light: 'file:jasRequest.svg', dark: 'file:jasRequest.dark.svg' },
		group: ['output'],
		// 1.1: Send Body for DELETE, pagination as fields of its own; nodes saved as 1 keep their form and behaviour.
		version: [1, 1.1],
		defaultVersion: 1.1,
		// The URL as written: an expression URL shows its template (GET /orders/{{ $json.id }}), not an empty subtitle.
		subtitle: '={{$parameter["method"] + " " + String($rawParameter["url"] || "").replace(/^=/, "")}}',
		description: 'Call any JAS, partner or JTL-FFN API endpoint; every item goes to one output by outcome',
		defaults: { name: 'JAS Request' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		credentials: [
			{ name: CREDENTIAL_TYPES.jas, required: true, displayOptions: { show: { authentication: [CREDENTIAL_TYPES.jas] } } },
			{ name: CREDENTIAL_TYPES.partner, required: true, displayOptions: onlyFor(CREDENTIAL_TYPES.partner) },
			{ name: CREDENTIAL_TYPES.jtl, required: true, displayOptions: onlyFor(CREDENTIAL_TYPES.jtl) },
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJasRequest.call(this);
	}
}
