/**
 * An active workflow for trigger tests: JAS Trigger on a JTL-FFN change feed (merchant outbounds, from now) → JAS
 * Request posting each change to a JAS list, with the execution id in the query (a test can tell which execution,
 * and so which queue-mode worker, posted it).
 *
 * n8n polls at most once a minute (2.41 refuses any cron whose seconds field is not one number), so the test decides
 * when n8n polls: the workflow's own schedule (midnight on 1 January) never fires during a test, and every
 * activation polls once at once (activation.ts `pollNow`).
 */
import type { N8nWorkflow } from './instance';

const NEVER_DURING_A_TEST = '0 0 0 1 1 *';

export interface PollingWorkflowOptions {
	id: string;
	jtlCredential: { id: string; name: string };
	jasCredential: { id: string; name: string };
	/** the JAS list the changes are posted to */
	list: string;
	/** the feed's chunks per poll; default the trigger's */
	maxPages?: number;
}

export const POLLING_TRIGGER_NAME = 'Outbound Changed';

export function pollingWorkflow(o: PollingWorkflowOptions): N8nWorkflow {
	return {
		id: o.id,
		name: `JAS Trigger ${o.id}: outbound changes to JAS`,
		nodes: [
			{
				id: `${o.id}-trigger`,
				name: POLLING_TRIGGER_NAME,
				type: 'n8n-nodes-jas.jasTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					pollTimes: { item: [{ mode: 'custom', cronExpression: NEVER_DURING_A_TEST }] },
					source: 'jtlFeed',
					role: 'merchant',
					watch: 'outbounds',
					firstRun: 'now',
					options: { maxSeconds: 10, ...(o.maxPages ? { maxPages: o.maxPages } : {}) },
				},
				credentials: { jtlFfnOAuth2Api: o.jtlCredential },
			},
			{
				id: `${o.id}-post`,
				name: 'Post to JAS',
				type: 'n8n-nodes-jas.jasRequest',
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					authentication: 'jasOAuth2Api',
					method: 'POST',
					url: `=/api/lists/${o.list}?exec={{ $execution.id }}`,
					bodyType: 'json',
					jsonBody: '={{ JSON.stringify({ outboundId: $json.outboundId, status: $json.status, exec: $execution.id }) }}',
					options: { concurrency: 1 },
				},
				credentials: { jasOAuth2Api: o.jasCredential },
			},
		],
		connections: { [POLLING_TRIGGER_NAME]: { main: [[{ node: 'Post to JAS', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
