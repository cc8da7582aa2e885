/** The ideal node's credential (bench only): where the API is and the client's id and secret. */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class IdealBenchApi implements ICredentialType {
	name = 'idealBenchApi';

	displayName = 'Ideal Request (bench) API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
		{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
	];
}
