/**
 * Runs one node's `execute()` through n8n's own execution engine (n8n-core `WorkflowExecute`), so
 * parameters, expressions, "On Error" settings, pairedItem, binary data, credentials and the
 * cancel signal behave as in a real n8n instance.
 *
 * The node under test is placed in a two-node workflow: an "Input" node (a pass-through that emits
 * the test's items) connected to the node under test. `WorkflowExecute.processRunExecutionData` runs
 * it exactly like the editor's "Execute workflow" (mode `manual`, execution order v1), and the node's
 * output is read back from `runData`, i.e. after n8n's own post-processing (automatic pairedItem,
 * error-output routing, `continueOnFail` pass-through, `item.error` normalisation).
 *
 * Runtime: binary data uses n8n's default `filesystem` mode in a per-test-file temp directory
 * (N8N_USER_FOLDER is pointed there, so nothing touches ~/.n8n); expressions use the default
 * (legacy, in-process) engine; logging is silenced unless N8N_LOG_LEVEL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	prepareBinaryData,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	deepCopy,
	ICredentialsHelper,
	isNodeClassInstance,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeOutputConfiguration,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	NodeConnectionType,
	NodeExecutionHint,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { TestCredentialsHelper } from './credentialsHelper';
import { assertNoRegisteredSecrets } from './leakGuard';

// ---------------------------------------------------------------------------------------------
// Runtime (DI container, binary data, temp folder)
// ---------------------------------------------------------------------------------------------

const PACKAGE_NAME = 'n8n-nodes-jas';
const INPUT_NODE_TYPE = `${PACKAGE_NAME}.runNodeHarnessInput`;
const INPUT_NODE_NAME = 'Input';
const WORKFLOW_ID = 'runNodeHarness';
const UPSTREAM_EXECUTION_ID = 'upstream';
let executionCounter = 0;

/**
 * n8n's process-wide runtime, prepared once per test file (jest gives each file its own module registry
 * and process.env): a throw-away user folder for InstanceSettings' config file and the binary data
 * store (removed after the file's tests), silent logging unless N8N_LOG_LEVEL is set, and
 * `BinaryDataService` in n8n's default `filesystem` mode.
 */
const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-run-node-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_LOG_LEVEL ??= 'silent';
delete process.env.N8N_BINARY_DATA_STORAGE_PATH;
delete process.env.N8N_DEFAULT_BINARY_DATA_MODE;
const removeUserFolder = () => rmSync(userFolder, { recursive: true, force: true });
if (typeof afterAll === 'function') afterAll(removeUserFolder);
else process.once('exit', removeUserFolder);

let runtime: Promise<void> | undefined;

async function ensureRuntime(): Promise<void> {
	runtime ??= Container.get(BinaryDataService).init();
	await runtime;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export type OnErrorSetting = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface RunNodeOptions {
	/** Instance of the node class under test. */
	node: INodeType;
	/** Node parameters as saved in a workflow (defaults are filled in by n8n's `Workflow`, as on load). */
	parameters: INodeParameters;
	/** Input items (json + optional binary). They are deep-copied; the test's objects are not mutated. */
	items: INodeExecutionData[];
	/** Decrypted credential data by credential type name; each becomes a credential selected on the node. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The names the selected credentials carry on the node (the names the user gave them); default: the type name. */
	credentialNames?: Record<string, string>;
	/**
	 * Shorthand for `onError: 'continueErrorOutput'` (the node setting "On Error: Continue (using error
	 * output)"). `onError` wins when both are given.
	 */
	continueOnFail?: boolean;
	/** The node's "On Error" setting as n8n stores it (`node.onError`). Default: `stopWorkflow`. */
	onError?: OnErrorSetting;
	/** Aborting it cancels the execution the way n8n does; the node sees it via `getExecutionCancelSignal()`. */
	signal?: AbortSignal;
	/** Defaults to `description.defaultVersion`, else the highest of `description.version`. */
	typeVersion?: number;
	/** Merged over `this.helpers` before the node runs (e.g. `refreshOAuth2Token`, `getSecureEgressFilter`). */
	helpersOverride?: Partial<IExecuteFunctions['helpers']>;
	/**
	 * Addition to the agreed API: credential type classes (e.g. `new JasOAuth2Api()`). With them the
	 * credentials helper behaves like n8n's: credential defaults are applied, and `authenticate`,
	 * `preAuthentication` (expirable property) and `runPreAuthentication` call the type. Without a
	 * type, `authenticate` leaves the request unchanged and pre-authentication is skipped.
	 */
	credentialTypes?: ICredentialType[];
}

export interface RunNodeResult {
	/** One array per main output, in output order (including the "Error" output for `continueErrorOutput`). */
	outputs: INodeExecutionData[][];
	/** The node's computed output display names for these parameters (as the editor shows them). */
	outputNames: string[];
	/** What the node persisted through `updateCredentials` / `updateCredentialsOauthTokenData`, in order. */
	credentialUpdates: Array<{ type: string; data: ICredentialDataDecryptedObject }>;
	/** The execution hints n8n shows in the editor's output pane (`addExecutionHints`). */
	hints: NodeExecutionHint[];
}

/**
 * Runs the node once over `items`. Resolves with its outputs; rejects with the error the node threw
 * (the original object, e.g. a `NodeOperationError`) when the execution stops on it, as with
 * "On Error: Stop Workflow". With a continue setting n8n does not fail, so neither does this.
 */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	await ensureRuntime();
	const executionId = `${++executionCounter}`;
	const { description } = options.node;
	const typeVersion = options.typeVersion ?? defaultTypeVersion(options.node);
	const nodeTypeName = `${PACKAGE_NAME}.${description.name}`;
	const nodeName = description.defaults.name ?? description.displayName;
	const inputName = nodeName === INPUT_NODE_NAME ? `${INPUT_NODE_NAME} Items` : INPUT_NODE_NAME;
	const onError = options.onError ?? (options.continueOnFail ? 'continueErrorOutput' : undefined);

	const inputItems = options.items.map((item) => deepCopy(item));
	let thrown: { error: unknown } | undefined;
	const capture = (error: unknown) => {
		thrown = { error };
	};

	const nodeTypes = createNodeTypes({
		[nodeTypeName]: wrapNodeUnderTest(options.node, options.helpersOverride, capture),
		[INPUT_NODE_TYPE]: createInputNodeType(inputItems),
	});

	const credentialsStore = new Map(
		Object.entries(options.credentials ?? {}).map(([type, data]) => [type, deepCopy(data)]),
	);
	const credentialsHelper = new TestCredentialsHelper(credentialsStore, options.credentialTypes ?? []);

	const nodeUnderTest: INode = {
		id: `node-${executionId}`,
		name: nodeName,
		type: nodeTypeName,
		typeVersion,
		position: [220, 0],
		parameters: deepCopy(options.parameters),
		...(onError ? { onError } : {}),
		...(credentialsStore.size
			? {
					credentials: Object.fromEntries(
						[...credentialsStore.keys()].map((type) => [type, { id: `credential-${type}`, name: options.credentialNames?.[type] ?? type }]),
					),
				}
			: {}),
	};
	const inputNode: INode = {
		id: `input-${executionId}`,
		name: inputName,
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'runNode harness',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [inputNode, nodeUnderTest],
		connections: {
			[inputName]: { main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: false,
		nodeTypes,
		settings: workflowData.settings,
		staticData: {},
	});

	const mode: WorkflowExecuteMode = 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const additionalData = createAdditionalData(executionId, credentialsHelper, hooks);

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: workflow.getNode(inputName)!, data: { main: [[{ json: {} }]] }, source: null },
			],
		},
	});
	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);

	// n8n cancels an execution through the PCancelable it returns, which aborts the signal the node gets
	// from getExecutionCancelSignal(). Wired when the node starts, so an already-aborted signal still
	// reaches the node (instead of the execution stopping before it).
	const { signal } = options;
	let detachSignal = () => {};
	if (signal) {
		const cancel = () => execution.cancel();
		hooks.addHandler('nodeExecuteBefore', (name) => {
			if (name !== nodeName) return;
			if (signal.aborted) cancel();
			else {
				signal.addEventListener('abort', cancel, { once: true });
				detachSignal = () => signal.removeEventListener('abort', cancel);
			}
		});
	}

	let run: IRun;
	try {
		run = await execution;
	} finally {
		detachSignal();
	}
	await assertRunLeaksNothing(run, thrown);

	const task = run.data.resultData.runData[nodeName]?.[0];
	const failure = task?.error ?? run.data.resultData.error;
	// With a continue setting n8n records the error but carries on with data; only a stop ends here.
	if (!task?.data && (thrown || failure)) throw thrown ? thrown.error : asError(failure);
	// A node returning null leaves no task data in n8n; that is "no items on any output".
	const main = task?.data?.[NodeConnectionTypes.Main] ?? [];

	const outputTypes = NodeHelpers.getNodeOutputs(workflow, nodeUnderTest, description);
	const mainOutputs = outputTypes
		.map((output, index) => ({ output, index }))
		.filter(({ output }) => connectionType(output) === NodeConnectionTypes.Main);
	const outputNames = mainOutputs.map(({ output, index }) => outputDisplayName(output, index, description.outputNames));
	const outputCount = Math.max(mainOutputs.length, main.length);
	const outputs = Array.from({ length: outputCount }, (_, index) => main[index] ?? []);

	return { outputs, outputNames, credentialUpdates: credentialsHelper.updates, hints: task?.hints ?? [] };
}

/**
 * The suite-wide leak check (leakGuard.ts): the node's whole task data (every item of every output, binary metadata,
 * the bytes of files up to 1 MB) and any error it threw must not hold a registered secret.
 */
async function assertRunLeaksNothing(run: IRun, thrown: { error: unknown } | undefined): Promise<void> {
	const runData = run.data.resultData.runData;
	assertNoRegisteredSecrets(runData, 'the node output');
	if (thrown) {
		const error = thrown.error as { message?: unknown; description?: unknown };
		assertNoRegisteredSecrets({ message: error?.message, description: error?.description }, 'the thrown error');
	}
	assertNoRegisteredSecrets(run.data.resultData.error ?? null, 'the execution error');
	for (const tasks of Object.values(runData)) {
		for (const task of tasks) {
			for (const output of task.data?.main ?? []) {
				for (const item of output ?? []) {
					for (const binary of Object.values(item.binary ?? {})) {
						if ((binary.bytes ?? 0) > 1024 * 1024) continue;
						assertNoRegisteredSecrets(await Container.get(BinaryDataService).getAsBuffer(binary), 'a binary file');
					}
				}
			}
		}
	}
}

/** n8n keeps errors it did not get from the node as plain copies; give them back an Error prototype. */
function asError(failure: unknown): Error {
	if (failure instanceof Error) return failure;
	const { message, ...rest } = failure as { message?: string };
	return Object.assign(new Error(message ?? 'Execution failed'), rest);
}

/** Reads binary data the node produced (or any binary data object) back as a Buffer. */
export async function binaryBuffer(item: INodeExecutionData, property: string): Promise<Buffer> {
	await ensureRuntime();
	const binary = item.binary?.[property];
	if (!binary) {
		const present = Object.keys(item.binary ?? {});
		throw new Error(`Item has no binary property "${property}" (present: ${present.join(', ') || 'none'})`);
	}
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** Creates binary input the way an upstream node would, with `this.helpers.prepareBinaryData`. */
export async function binaryInput(data: Buffer, fileName: string, mimeType: string): Promise<IBinaryData> {
	await ensureRuntime();
	return await prepareBinaryData(data, UPSTREAM_EXECUTION_ID, WORKFLOW_ID, fileName, mimeType);
}

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

function defaultTypeVersion(nodeType: INodeType): number {
	const { version, defaultVersion } = nodeType.description;
	if (defaultVersion !== undefined) return defaultVersion;
	return Array.isArray(version) ? Math.max(...version) : version;
}

export function createNodeTypes(types: Record<string, INodeType>): INodeTypes {
	const get = (name: string): INodeType => {
		const type = types[name];
		if (!type) throw new Error(`runNode: unknown node type "${name}"`);
		return type;
	};
	return {
		getByName: get,
		getByNameAndVersion: (name) => get(name),
		getKnownTypes: () =>
			Object.fromEntries(Object.keys(types).map((name) => [name, { className: name, sourcePath: '' }])),
	};
}

/**
 * The node type seen by n8n: the test's instance (prototype chain, so description, methods and a
 * class-style node's tag stay as they are), with `execute` wrapped to apply `helpersOverride` to the
 * real ExecuteContext and to keep the original thrown error (n8n stores only a plain copy of it).
 */
function wrapNodeUnderTest(
	nodeType: INodeType,
	helpersOverride: RunNodeOptions['helpersOverride'],
	capture: (error: unknown) => void,
): INodeType {
	const original = nodeType.execute;
	if (!original) throw new Error('runNode: the node has no execute() method');
	const wrapped = Object.create(nodeType) as INodeType;
	const prepare = (context: IExecuteFunctions) => {
		if (helpersOverride) Object.assign(context.helpers, helpersOverride);
	};
	if (isNodeClassInstance(nodeType)) {
		const execute = original as unknown as (context: IExecuteFunctions, ...rest: unknown[]) => unknown;
		(wrapped as unknown as { execute: typeof execute }).execute = async (context, ...rest) => {
			prepare(context);
			try {
				return await execute.call(nodeType, context, ...rest);
			} catch (error) {
				capture(error);
				throw error;
			}
		};
	} else {
		wrapped.execute = async function (this: IExecuteFunctions, ...rest: unknown[]) {
			prepare(this);
			try {
				return await (original as (this: IExecuteFunctions, ...args: unknown[]) => Promise<unknown>).apply(this, rest);
			} catch (error) {
				capture(error);
				throw error;
			}
		} as INodeType['execute'];
	}
	return wrapped;
}

/** Stands in for the upstream node: emits the test's items, each paired with the single trigger item. */
function createInputNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: 'Input',
			name: 'runNodeHarnessInput',
			group: ['input'],
			version: 1,
			description: 'Emits the items given to runNode()',
			defaults: { name: INPUT_NODE_NAME },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute() {
			return [items.map((item) => ({ ...item, pairedItem: { item: 0 } }))];
		},
	};
}

function connectionType(output: NodeConnectionType | INodeOutputConfiguration): NodeConnectionType {
	return typeof output === 'string' ? output : output.type;
}

function outputDisplayName(
	output: NodeConnectionType | INodeOutputConfiguration,
	index: number,
	outputNames: string[] | undefined,
): string {
	if (typeof output !== 'string' && output.displayName) return output.displayName;
	return outputNames?.[index] ?? '';
}

// ---------------------------------------------------------------------------------------------
// additionalData and credentials
// ---------------------------------------------------------------------------------------------

export function createAdditionalData(
	executionId: string,
	credentialsHelper: ICredentialsHelper,
	hooks: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const unavailable = (what: string) => async () => {
		throw new Error(`runNode: ${what} is not available in the test harness`);
	};
	const baseUrl = 'http://localhost:5678';
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId: WORKFLOW_ID,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formBaseUrl: `${baseUrl}/form`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		formTestBaseUrl: `${baseUrl}/form-test`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		mcpBaseUrl: `${baseUrl}/mcp`,
		mcpTestBaseUrl: `${baseUrl}/mcp-test`,
		variables: {},
		executeWorkflow: unavailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unavailable('startRunnerTask'),
		externalSecretsProxy: {
			hasProvider: () => false,
			hasSecret: () => false,
			getSecret: () => undefined,
			listProviders: () => [],
			listSecrets: () => [],
		} as unknown as IWorkflowExecuteAdditionalData['externalSecretsProxy'],
	};
}
