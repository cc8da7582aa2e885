/**
 * Runs a polling trigger's `poll()` through n8n-core's own PollContext, poll after poll, the way n8n's active
 * workflow does: parameters through n8n's Workflow (defaults filled in), credentials through the test credentials
 * helper, and the node's static data kept between polls as n8n keeps it: one workflow object across polls (what a
 * poll changes in memory stays for the next one, thrown or not, as in n8n's process), saved only after a poll that
 * did not throw; a manual "Fetch Test Event" runs on its own copy (the editor's). A "restart" (a new harness from
 * `saved()`) is what n8n does after a process restart: it loads the last saved static data.
 */
import { ExecutionLifecycleHooks, PollContext } from 'n8n-core';
import { deepCopy, Workflow } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject, INode, INodeParameters, INodeType, IPollFunctions, IWorkflowBase } from 'n8n-workflow';

import { TestCredentialsHelper } from './credentialsHelper';
import { assertNoRegisteredSecrets } from './leakGuard';
import { createAdditionalData, createNodeTypes } from './runNode';

export interface PollHarnessOptions {
	node: INodeType;
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	/** The static data n8n saved before (a restart); default none (first activation). */
	staticData?: IDataObject;
	/** Merged over the poll context's helpers (e.g. a `refreshOAuth2Token` stand-in). */
	helpersOverride?: Partial<IPollFunctions['helpers']>;
}

export interface PollResult {
	/** The records the poll emitted (null: nothing new). */
	items: IDataObject[] | null;
	/** What the poll threw (n8n records a failed poll and runs the error workflow). */
	error?: Error & { reconnectRequired?: boolean; description?: string | null };
	/** What the poll wrote to n8n's log as warnings. */
	warnings: string[];
}

export interface PollHarness {
	poll(mode?: 'trigger' | 'manual'): Promise<PollResult>;
	/** The static data as n8n would have saved it. */
	saved(): IDataObject;
}

let executions = 0;

export function pollHarness(options: PollHarnessOptions): PollHarness {
	const typeName = `n8n-nodes-jas.${options.node.description.name}`;
	const node: INode = {
		id: 'trigger',
		name: options.node.description.defaults.name ?? options.node.description.displayName,
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: deepCopy(options.parameters),
		credentials: Object.fromEntries(Object.keys(options.credentials).map((type) => [type, { id: `credential-${type}`, name: type }])),
	};
	const credentialsHelper = new TestCredentialsHelper(new Map(Object.entries(deepCopy(options.credentials))), options.credentialTypes ?? []);
	let saved: IDataObject = deepCopy(options.staticData ?? {});

	const workflowOf = (staticData: IDataObject, active: boolean) =>
		new Workflow({
			id: 'pollHarness',
			name: 'poll harness',
			nodes: [node],
			connections: {},
			active,
			nodeTypes: createNodeTypes({ [typeName]: options.node }),
			staticData,
		});
	const active = workflowOf(deepCopy(saved), true);

	const poll = async (mode: 'trigger' | 'manual' = 'trigger'): Promise<PollResult> => {
		const workflow = mode === 'trigger' ? active : workflowOf(deepCopy(saved), false);
		const executionId = `poll-${++executions}`;
		const workflowData = { id: workflow.id, name: workflow.name, nodes: [node], connections: {} } as unknown as IWorkflowBase;
		const additionalData = createAdditionalData(executionId, credentialsHelper, new ExecutionLifecycleHooks('trigger', executionId, workflowData));
		const context = new PollContext(workflow, workflow.getNode(node.name)!, additionalData, mode, mode === 'manual' ? 'manual' : 'activate');
		if (options.helpersOverride) Object.assign(context.helpers, options.helpersOverride);
		// n8n's logger is shared (a DI singleton): its warn is borrowed for this poll only.
		const warnings: string[] = [];
		const { logger } = context;
		const warn = logger.warn;
		logger.warn = (message: string) => void warnings.push(message);
		try {
			const output = await options.node.poll!.call(context);
			const items = output ? output[0].map((item) => item.json) : null;
			assertNoRegisteredSecrets(items, 'the trigger output');
			// n8n saves static data after a poll that returned, for active workflows only.
			if (mode === 'trigger') saved = deepCopy(workflow.staticData);
			return { items, warnings };
		} catch (error) {
			const e = error as PollResult['error'];
			assertNoRegisteredSecrets({ message: e?.message, description: e?.description }, 'the trigger error');
			return { items: null, error: e, warnings };
		} finally {
			logger.warn = warn;
		}
	};
	return { poll, saved: () => deepCopy(saved) };
}
