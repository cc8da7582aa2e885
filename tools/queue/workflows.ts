/** Workflows that queue mode can run: started by a production webhook, so main enqueues them for the workers. */
import { createHash } from 'node:crypto';

import type { N8nWorkflow } from '../n8n/instance';
import { workflowNode } from '../demo/workflow';

/** A stable UUID-shaped webhook id per path (n8n keys production webhooks by it). */
function webhookId(path: string): string {
	const hex = createHash('sha256').update(path).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Webhook `POST /webhook/<path>` with body `{ items: [...] }` → one item per entry → `node`. The webhook answers
 * when the execution finished (responseMode lastNode), with no data: the caller reads results from the database.
 */
export function webhookWorkflow(id: string, path: string, node: Record<string, unknown> & { name: string; type: string; parameters: Record<string, unknown> }): N8nWorkflow {
	return {
		id,
		name: `queue ${id}`,
		nodes: [
			{ ...workflowNode('Webhook', 'n8n-nodes-base.webhook', 2, [0, 0], { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData', options: {} }), webhookId: webhookId(path) },
			workflowNode('One Item Each', 'n8n-nodes-base.splitOut', 1, [220, 0], { fieldToSplitOut: 'body.items' }),
			{ id: `${id}-node`, position: [440, 0], typeVersion: 1, ...node },
		],
		connections: {
			Webhook: { main: [[{ node: 'One Item Each', type: 'main', index: 0 }]] },
			'One Item Each': { main: [[{ node: node.name, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
