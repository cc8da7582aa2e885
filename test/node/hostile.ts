/**
 * Running the node against the hostile server (test/helpers/hostileServer.ts), and reading what came out. Each
 * call gets a fresh JAS client unless the test passes its own credentials.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import type { ErrorDetails } from '../../nodes/JasRequest/present/errorItems';
import { type HostileServer, hostileClient } from '../helpers/hostileServer';
import { type OnErrorSetting, runNode, type RunNodeResult } from '../helpers/runNode';

export interface RunExtra {
	credentials?: ICredentialDataDecryptedObject;
	signal?: AbortSignal;
	helpersOverride?: Partial<IExecuteFunctions['helpers']>;
	onError?: OnErrorSetting;
}

export async function run(server: HostileServer, items: IDataObject[], parameters: IDataObject = {}, extra: RunExtra = {}): Promise<RunNodeResult> {
	return await runNode({
		node: new JasRequest(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', ...parameters },
		items: items.map((json) => ({ json })),
		credentials: { jasOAuth2Api: extra.credentials ?? { baseUrl: server.url, ...hostileClient(), renewalMarginSec: 60 } },
		signal: extra.signal,
		helpersOverride: extra.helpersOverride,
		onError: extra.onError,
	});
}

/** The error of an error item, as the node builds it (present/errorItems.ts). */
export const errorOf = (item: INodeExecutionData): ErrorDetails => (item.json as { error: ErrorDetails }).error;
export const paired = (output: INodeExecutionData[]): number[] => output.map((item) => (item.pairedItem as { item: number }).item);
export const allPaired = (result: RunNodeResult): number[] => result.outputs.flatMap((output) => paired(output)).sort((a, b) => a - b);
export const dump = (result: RunNodeResult): string => JSON.stringify(result.outputs);
export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms));
