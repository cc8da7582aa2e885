import { type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions, NodeConnectionTypes } from 'n8n-workflow';

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
			{ name: 'jtlFfnOAuth2Api', required: true, displayOptions: { show: { source: ['jtlFeed'] } } },
			{ name: 'jasOAuth2Api', required: true, displayOptions: { show: { source: ['list'], authentication: ['jasOAuth2Api'] } } },
			{ name: 'partnerOAuth2Api', required: true, displayOptions: { show: { source: ['list'], authentication: ['partnerOAuth2Api'] } } },
			{ name: 'jtlFfnOAuth2Api', required: true, displayOptions: { show: { source: ['list'], authentication: ['jtlFfnOAuth2Api'] } } },
		],
		properties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollTrigger.call(this);
	}
}
