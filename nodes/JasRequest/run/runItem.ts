/** One item's way: read its request → fetch its pages → its presentation is done, or failed. */
import { NodeOperationError } from 'n8n-workflow';

import { messageOf, settle } from '../../shared/http/settle';
import type { ItemPresentation } from '../present/presenter';
import { fetchPages } from './fetchPages';
import { readableRequest, readItemRequest } from './itemRequest';
import type { Run } from './openRun';

async function present(run: Run, index: number, presentation: ItemPresentation): Promise<void> {
	const { ctx, source } = run;
	if ('failure' in source) return presentation.failed({ ...source.failure, request: readableRequest(ctx, index) });
	const read = await settle(readItemRequest(ctx, run.params, index, source.baseUrl));
	if (!read.ok) return presentation.failed({ kind: 'input', message: messageOf(read.error), request: readableRequest(ctx, index) });
	const fetched = await fetchPages(read.value, source, presentation);
	if ('kind' in fetched) presentation.failed(fetched);
	else presentation.done(fetched);
}

export async function runItem(run: Run, index: number): Promise<void> {
	const presentation = run.presenter.item(index);
	const outcome = await settle(present(run, index, presentation));
	if (outcome.ok) return;
	// An error the node means to throw (On Error: Stop) goes on; anything unforeseen still routes its item.
	if (outcome.error instanceof NodeOperationError) throw outcome.error;
	presentation.failed({ kind: 'internal', message: messageOf(outcome.error), request: readableRequest(run.ctx, index) });
}
