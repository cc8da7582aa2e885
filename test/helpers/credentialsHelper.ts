/** The credentials helper of the runNode harness: n8n's CredentialsHelper behaviour over plain data (see the class). */
import {
	getAdditionalKeys,
} from 'n8n-core';
import {
	deepCopy,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { RunNodeResult } from './runNode';

/** Like n8n, a credential's preAuthentication hook gets `helpers.httpRequest` and nothing else. */
function httpRequestOnly(helpers: IHttpRequestHelper): IHttpRequestHelper {
	return { helpers: { httpRequest: async (options) => await helpers.helpers.httpRequest(options) } };
}

/**
 * Credentials helper over plain decrypted data. Mirrors n8n's CLI CredentialsHelper where it matters
 * to a node: `getDecrypted` applies the credential type's defaults (if the type is known) and resolves
 * expressions, `updateCredentials*` persist into the in-memory store (later reads in the same run see
 * them) and are recorded.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly updates: RunNodeResult['credentialUpdates'] = [];

	private readonly types: Map<string, ICredentialType>;

	constructor(
		private readonly store: Map<string, ICredentialDataDecryptedObject>,
		credentialTypes: ICredentialType[],
	) {
		super();
		this.types = new Map(credentialTypes.map((type) => [type.name, type]));
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types.get(type);
		if (!credentialType) return [];
		const properties: INodeProperties[] = [];
		for (const parent of credentialType.extends ?? []) {
			NodeHelpers.mergeNodeProperties(properties, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(properties, credentialType.properties);
		return properties;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.types.get(typeName)?.authenticate;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic' && workflow && node) {
			const resolve = (value: string) => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', {
					$credentials: credentials,
				});
				return resolved ? String(resolved) : '';
			};
			const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
			for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
				const bucket = (target[outerKey] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
					bucket[resolve(key)] = resolve(String(value));
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.get(typeName);
		const expirable = credentialType?.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!credentialType || !expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = (await credentialType.preAuthentication.call(
			httpRequestOnly(helpers),
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		const nodeCredentials = node.credentials?.[typeName];
		if (!nodeCredentials) return undefined;
		await this.updateCredentials(nodeCredentials, typeName, { ...(this.store.get(typeName) ?? {}), ...output });
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const preAuthentication = this.types.get(typeName)?.preAuthentication;
		if (typeof preAuthentication !== 'function') return undefined;
		const output = await preAuthentication.call(httpRequestOnly(helpers), credentials);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const data = this.stored(type);
		return {
			id: nodeCredentials.id ?? undefined,
			name: nodeCredentials.name,
			type,
			data: undefined,
			getData: () => deepCopy(data),
			getDataKey: () => type,
			getDataToSave: () => ({ id: nodeCredentials.id ?? undefined, name: nodeCredentials.name, type, data: '' }),
			hasNodeAccess: () => true,
			setData: (newData: ICredentialDataDecryptedObject) => this.store.set(type, deepCopy(newData)),
			updateData: (toUpdate: ICredentialDataDecryptedObject) =>
				this.store.set(type, { ...this.stored(type), ...deepCopy(toUpdate) }),
		} as unknown as ICredentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = deepCopy(this.stored(type));
		if (raw) return original;
		const properties = this.getCredentialsProperties(type);
		let data: ICredentialDataDecryptedObject = properties.length
			? (NodeHelpers.getNodeParameters(properties, original as INodeParameters, true, false, null, null) as
					| ICredentialDataDecryptedObject
					| null) ?? {}
			: original;
		if (properties.length) {
			for (const key of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
				if (data[key] === undefined && original[key] !== undefined) data[key] = original[key];
			}
		}
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } = expressionResolveValues;
			data = workflow.expression.getParameterValue(
				data as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, deepCopy(data));
		this.updates.push({ type, data: deepCopy(data) });
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, { ...this.stored(type), oauthTokenData: deepCopy(data.oauthTokenData) });
		this.updates.push({ type, data: deepCopy(data) });
	}

	private stored(type: string): ICredentialDataDecryptedObject {
		const data = this.store.get(type);
		if (!data) throw new Error(`runNode: no credentials of type "${type}" were given`);
		return data;
	}
}
