/**
 * Validates test/helpers/runNode.ts against small nodes defined here: each test runs a node through
 * n8n-core's WorkflowExecute and checks behaviour that only the real engine provides.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExpressionError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	INodeExecutionData,
	INodeOutputConfiguration,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { binaryBuffer, binaryInput, runNode } from '../helpers/runNode';

function describeNode(name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription {
	return {
		displayName: name,
		name: name.charAt(0).toLowerCase() + name.slice(1).replace(/\s/g, ''),
		group: ['transform'],
		version: 1,
		description: `${name} (test node)`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

const jsonOf = (items: INodeExecutionData[]) => items.map((item) => item.json);

// ---------------------------------------------------------------------------------------------

class LabelNode implements INodeType {
	description = describeNode('Label', {
		properties: [
			{ displayName: 'Label', name: 'label', type: 'string', default: '' },
			{ displayName: 'Suffix', name: 'suffix', type: 'string', default: '!' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [
			items.map((item, itemIndex) => ({
				json: {
					id: item.json.id,
					label: `${this.getNodeParameter('label', itemIndex) as string}${this.getNodeParameter('suffix', itemIndex) as string}`,
				},
				pairedItem: { item: itemIndex },
			})),
		];
	}
}

describe('parameters and expressions', () => {
	it('resolves expressions per item against $json and fills defaults of unsaved parameters', async () => {
		const result = await runNode({
			node: new LabelNode(),
			parameters: { label: '=item-{{ $json.id * 10 }}' },
			items: [{ json: { id: 1 } }, { json: { id: 2 } }],
		});
		expect(result.outputs).toHaveLength(1);
		expect(jsonOf(result.outputs[0])).toEqual([
			{ id: 1, label: 'item-10!' },
			{ id: 2, label: 'item-20!' },
		]);
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('resolves $("Input").item through pairedItem lineage like a real upstream node', async () => {
		const result = await runNode({
			node: new LabelNode(),
			parameters: { label: '={{ $("Input").item.json.name }}', suffix: '?' },
			items: [{ json: { id: 1, name: 'a' } }, { json: { id: 2, name: 'b' } }],
		});
		expect(jsonOf(result.outputs[0])).toEqual([
			{ id: 1, label: 'a?' },
			{ id: 2, label: 'b?' },
		]);
	});

	it('rejects with n8n\'s ExpressionError when an expression references a missing node', async () => {
		const error = await runNode({
			node: new LabelNode(),
			parameters: { label: '={{ $("Nope").item.json.id }}' },
			items: [{ json: { id: 1 } }],
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ExpressionError);
		expect((error as ExpressionError).message).toBe("Referenced node doesn't exist");
	});
});

// ---------------------------------------------------------------------------------------------

/** Self-contained, like n8n's Switch node: n8n evaluates its source as an expression over $parameter. */
const configuredOutputs = (parameters: INodeParameters) =>
	String(parameters.outputs)
		.split(',')
		.map((name) => ({ type: 'main', displayName: name.trim() }));

class ParityRouterNode implements INodeType {
	description = describeNode('Parity Router', {
		outputs: `={{(${configuredOutputs.toString()})($parameter)}}`,
		properties: [{ displayName: 'Outputs', name: 'outputs', type: 'string', default: 'Even, Odd' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const even: INodeExecutionData[] = [];
		const odd: INodeExecutionData[] = [];
		this.getInputData().forEach((item, itemIndex) => {
			(Number(item.json.n) % 2 === 0 ? even : odd).push({ json: item.json, pairedItem: { item: itemIndex } });
		});
		return [even, odd];
	}
}

describe('computed outputs', () => {
	const items = [1, 2, 3, 4, 5].map((n) => ({ json: { n } }));

	it('evaluates the outputs expression with the parameter defaults and routes items', async () => {
		const result = await runNode({ node: new ParityRouterNode(), parameters: {}, items });
		expect(result.outputNames).toEqual(['Even', 'Odd']);
		expect(jsonOf(result.outputs[0])).toEqual([{ n: 2 }, { n: 4 }]);
		expect(jsonOf(result.outputs[1])).toEqual([{ n: 1 }, { n: 3 }, { n: 5 }]);
		expect(result.outputs[1].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 4 }]);
	});

	it('takes the names from the saved parameters and appends "Error" for continueErrorOutput', async () => {
		const result = await runNode({
			node: new ParityRouterNode(),
			parameters: { outputs: 'Pair, Impair' },
			items,
			onError: 'continueErrorOutput',
		});
		expect(result.outputNames).toEqual(['Pair', 'Impair', 'Error']);
		expect(result.outputs.map((output) => output.length)).toEqual([2, 3, 0]);
	});

	it('names a single static output "Success" next to "Error", as the editor does', async () => {
		const result = await runNode({
			node: new LabelNode(),
			parameters: {},
			items: [{ json: { id: 1 } }],
			onError: 'continueErrorOutput',
		});
		expect(result.outputNames).toEqual(['Success', 'Error']);
		const plain = await runNode({ node: new LabelNode(), parameters: {}, items: [{ json: { id: 1 } }] });
		expect(plain.outputNames).toEqual(['']);
		expect(configuredOutputs({ outputs: 'x' })).toEqual<INodeOutputConfiguration[]>([{ type: 'main', displayName: 'x' }]);
	});
});

// ---------------------------------------------------------------------------------------------

class SessionApi implements ICredentialType {
	name = 'sessionApi';

	displayName = 'Session API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'User', name: 'user', type: 'string', default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${String(credentials.baseUrl)}/session`,
			body: { user: credentials.user },
			json: true,
		})) as { token: string };
		return { sessionToken: token };
	}

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
	};
}

class WhoAmINode implements INodeType {
	description = describeNode('Who Am I', { credentials: [{ name: 'sessionApi', required: true }] });

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials('sessionApi');
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'sessionApi', {
			url: `${String(credentials.baseUrl)}/whoami`,
			json: true,
		})) as { authorization: string };
		return [[{ json: { user: credentials.user, region: credentials.region, authorization: response.authorization } }]];
	}
}

describe('credentials', () => {
	let server: Server;
	let baseUrl: string;
	let sessions = 0;

	beforeAll(async () => {
		server = createServer((request, response) => {
			response.setHeader('content-type', 'application/json');
			if (request.url === '/session') {
				sessions += 1;
				response.end(JSON.stringify({ token: `tok-${sessions}` }));
			} else {
				response.end(JSON.stringify({ authorization: request.headers.authorization ?? null }));
			}
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => await new Promise<void>((resolve) => server.close(() => resolve())));

	it('decrypts with type defaults, runs preAuthentication + authenticate and records the persisted token', async () => {
		const result = await runNode({
			node: new WhoAmINode(),
			parameters: {},
			items: [{ json: {} }],
			credentials: { sessionApi: { baseUrl, user: 'alice' } },
			credentialTypes: [new SessionApi()],
		});
		expect(jsonOf(result.outputs[0])).toEqual([{ user: 'alice', region: 'eu', authorization: 'Bearer tok-1' }]);
		expect(result.credentialUpdates).toEqual([
			{ type: 'sessionApi', data: { baseUrl, user: 'alice', sessionToken: 'tok-1' } },
		]);
	});

	it('uses a still-valid stored token without persisting anything', async () => {
		const result = await runNode({
			node: new WhoAmINode(),
			parameters: {},
			items: [{ json: {} }],
			credentials: { sessionApi: { baseUrl, user: 'bob', region: 'us', sessionToken: 'stored' } },
			credentialTypes: [new SessionApi()],
		});
		expect(jsonOf(result.outputs[0])).toEqual([{ user: 'bob', region: 'us', authorization: 'Bearer stored' }]);
		expect(result.credentialUpdates).toEqual([]);
	});

	it('fails like n8n when the node has no credentials set', async () => {
		await expect(runNode({ node: new WhoAmINode(), parameters: {}, items: [{ json: {} }] })).rejects.toThrow(
			/Node does not have any credentials set/,
		);
	});
});

// ---------------------------------------------------------------------------------------------

class UpperCaseFileNode implements INodeType {
	description = describeNode('Upper Case File', {
		properties: [{ displayName: 'Input Binary Field', name: 'binaryPropertyName', type: 'string', default: 'data' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
			const meta = this.helpers.assertBinaryData(itemIndex, property);
			const text = (await this.helpers.getBinaryDataBuffer(itemIndex, property)).toString('utf8');
			const upper = await this.helpers.prepareBinaryData(Buffer.from(text.toUpperCase()), `upper-${meta.fileName}`, 'text/plain');
			out.push({ json: { length: text.length }, binary: { upper }, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}

describe('binary data', () => {
	it('reads binary input and writes binary output through the filesystem binary data store', async () => {
		const data = await binaryInput(Buffer.from('hello n8n'), 'greeting.txt', 'text/plain');
		expect(data.id).toMatch(/^filesystem-v2:/);
		const result = await runNode({ node: new UpperCaseFileNode(), parameters: {}, items: [{ json: {}, binary: { data } }] });
		const [item] = result.outputs[0];
		expect(item.json).toEqual({ length: 9 });
		expect(item.binary?.upper).toMatchObject({ fileName: 'upper-greeting.txt', mimeType: 'text/plain', fileExtension: 'txt' });
		expect((await binaryBuffer(item, 'upper')).toString()).toBe('HELLO N8N');
	});

	it('rejects with assertBinaryData\'s NodeOperationError when the item lacks the binary field', async () => {
		const error = await runNode({ node: new UpperCaseFileNode(), parameters: {}, items: [{ json: {} }] }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toMatch(/expects the node's input data to contain a binary file 'data'/);
	});
});

// ---------------------------------------------------------------------------------------------

class StrictNode implements INodeType {
	description = describeNode('Strict');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				if (items[itemIndex].json.bad) throw new NodeOperationError(this.getNode(), `item ${itemIndex} is bad`, { itemIndex });
				out.push({ json: { ok: items[itemIndex].json.id }, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
			}
		}
		return [out];
	}
}

describe('On Error settings and this.continueOnFail()', () => {
	const items = [{ json: { id: 'a' } }, { json: { id: 'b', bad: true } }, { json: { id: 'c' } }];

	it('continueErrorOutput: n8n moves error-only items to the Error output, merged with their input item', async () => {
		const result = await runNode({ node: new StrictNode(), parameters: {}, items, onError: 'continueErrorOutput' });
		expect(result.outputNames).toEqual(['Success', 'Error']);
		expect(jsonOf(result.outputs[0])).toEqual([{ ok: 'a' }, { ok: 'c' }]);
		expect(jsonOf(result.outputs[1])).toEqual([{ id: 'b', bad: true, error: 'item 1 is bad' }]);
		expect(result.outputs[1][0].pairedItem).toEqual({ item: 1 });
	});

	it('continueOnFail: true is shorthand for continueErrorOutput', async () => {
		const result = await runNode({ node: new StrictNode(), parameters: {}, items, continueOnFail: true });
		expect(result.outputs.map((output) => output.length)).toEqual([2, 1]);
	});

	it('continueRegularOutput: error items stay in the single output', async () => {
		const result = await runNode({ node: new StrictNode(), parameters: {}, items, onError: 'continueRegularOutput' });
		expect(result.outputNames).toEqual(['']);
		expect(jsonOf(result.outputs[0])).toEqual([{ ok: 'a' }, { error: 'item 1 is bad' }, { ok: 'c' }]);
	});

	it('stopWorkflow (default): rejects with the NodeOperationError the node threw, itemIndex included', async () => {
		const error = await runNode({ node: new StrictNode(), parameters: {}, items }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({ message: 'item 1 is bad', context: { itemIndex: 1 } });
		await expect(runNode({ node: new StrictNode(), parameters: {}, items, onError: 'stopWorkflow' })).rejects.toThrow(
			'item 1 is bad',
		);
	});
});

class AlwaysThrowsNode implements INodeType {
	description = describeNode('Always Throws');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'cannot process', { itemIndex: 2, description: 'details here' });
	}
}

describe('a node that throws', () => {
	const items = [{ json: { i: 0 } }, { json: { i: 1 } }, { json: { i: 2 } }];

	it('rejects runNode with the original NodeOperationError', async () => {
		const promise = runNode({ node: new AlwaysThrowsNode(), parameters: {}, items });
		await expect(promise).rejects.toBeInstanceOf(NodeOperationError);
		await expect(promise).rejects.toMatchObject({ message: 'cannot process', description: 'details here', context: { itemIndex: 2 } });
	});

	it('with a continue setting, n8n passes the input items through on the first output (not the Error output)', async () => {
		const result = await runNode({ node: new AlwaysThrowsNode(), parameters: {}, items, onError: 'continueErrorOutput' });
		expect(jsonOf(result.outputs[0])).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
		expect(result.outputs[1]).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------

class WaitForCancelNode implements INodeType {
	description = describeNode('Wait For Cancel');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const signal = this.getExecutionCancelSignal();
		if (!signal) throw new NodeOperationError(this.getNode(), 'no cancel signal');
		const before = signal.aborted;
		if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
		return [[{ json: { abortedBeforeStart: before, aborted: signal.aborted } }]];
	}
}

class HelpersNode implements INodeType {
	description = describeNode('Helpers');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const token = (await this.helpers.refreshOAuth2Token.call(this, 'someOAuth2Api')) as IDataObject;
		const egress = await this.helpers.getSecureEgressFilter().validateUrl('http://127.0.0.1:1/');
		return [[{ json: { token, localhostAllowed: egress.ok } }]];
	}
}

class NothingNode implements INodeType {
	description = describeNode('Nothing', { outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main], outputNames: ['A', 'B'] });

	async execute(): Promise<null> {
		return null;
	}
}

describe('cancel signal and helper overrides', () => {
	it('aborting the signal while the node runs reaches getExecutionCancelSignal()', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 20);
		const result = await runNode({ node: new WaitForCancelNode(), parameters: {}, items: [{ json: {} }], signal: controller.signal });
		expect(jsonOf(result.outputs[0])).toEqual([{ abortedBeforeStart: false, aborted: true }]);
	});

	it('an already-aborted signal is seen by the node when it starts', async () => {
		const result = await runNode({
			node: new WaitForCancelNode(),
			parameters: {},
			items: [{ json: {} }],
			signal: AbortSignal.abort(),
		});
		expect(jsonOf(result.outputs[0])).toEqual([{ abortedBeforeStart: true, aborted: true }]);
	});

	it('helpersOverride replaces helpers on the real execute context', async () => {
		const refreshOAuth2Token = jest.fn(async () => ({ access_token: 'fresh' }));
		const result = await runNode({
			node: new HelpersNode(),
			parameters: {},
			items: [{ json: {} }],
			helpersOverride: { refreshOAuth2Token },
		});
		expect(refreshOAuth2Token).toHaveBeenCalledWith('someOAuth2Api');
		// getSecureEgressFilter is n8n's own: SSRF protection is off by default, so localhost passes.
		expect(jsonOf(result.outputs[0])).toEqual([{ token: { access_token: 'fresh' }, localhostAllowed: true }]);
	});

	it('a node returning null yields empty outputs named from description.outputNames', async () => {
		const result = await runNode({ node: new NothingNode(), parameters: {}, items: [{ json: {} }] });
		expect(result).toEqual({ outputs: [[], []], outputNames: ['A', 'B'], credentialUpdates: [], hints: [] });
	});
});
