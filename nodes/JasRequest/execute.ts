/**
 * The JAS Request node's run, as stages (docs/architecture.md): open the run once (run/openRun.ts: settings,
 * authorizer, rate limiter, the exit, one presenter) → for every item, with bounded concurrency (pool.ts): read its
 * request → fetch its pages → hand each to the presenter (run/runItem.ts) → the presenter's outputs.
 * Every item leaves exactly once, in input order, paired to its input.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runPool } from './pool';
import { openRun } from './run/openRun';
import { runItem } from './run/runItem';

export async function executeJasRequest(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const run = await openRun(this);
	await runPool(this.getInputData().length, run.concurrency, async (index) => await runItem(run, index));
	return run.presenter.outputs();
}
