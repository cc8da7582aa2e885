import { type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions, NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../shared/token/credentialTypes';
import { properties } from './description';
import { pollTrigger } from './poll';

export class JasTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'JAS Trigger',
		name: 'jasTrigger',
		icon: { light: 'file:jasTrigger.svg', dark: 'file:jasTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["source"] === "list" ? "New in " + $parameter["path"] : $parameter["role"] + " " + $parameter["watch"] + " changes"}}',
		description: 'Starts a workflow when JTL-FFN reports changes, or when new or changed records appear in a JAS or partner list',
		defaults: { name: 'JAS Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: CREDENTIAL_TYPES.jtl, required: true, displayOptions: { show: { source: ['jtlFeed'] } } },
			{ name: CREDENTIAL_TYPES.jas, required: true, displayOptions: { show: { source: ['list'], authentication: [CREDENTIAL_TYPES.jas] } } },
			{ name: CREDENTIAL_TYPES.partner, required: true, displayOptions: { show: { source: ['list'], authentication: [CREDENTIAL_TYPES.partner] } } },
			{ name: CREDENTIAL_TYPES.jtl, required: true, displayOptions: { show: { source: ['list'], authentication: [CREDENTIAL_TYPES.jtl] } } },
		],
		properties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollTrigger.call(this);
	}
}
