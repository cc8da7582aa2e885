/**
 * A failed poll as n8n's own error, so n8n records the failure and runs the workflow's error workflow. The message
 * says what to do; `reconnectRequired` (on the error and in its context) says whether a person must fix the
 * credential. Every text is scrubbed of the credential's secrets. The state is not touched: the next poll retries
 * from the same place.
 */
import { type INode, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redact } from '../shared/secrets';
import { PollFailure } from './client';
import type { TriggerSettings } from './settings';

export type TriggerError = (NodeApiError | NodeOperationError) & { reconnectRequired: boolean };

function advice(failure: PollFailure): string {
	if (failure.reconnectRequired) return 'Open the credential and fix or reconnect it; the trigger continues from where it stopped once the credential works.';
	if (failure.kind === 'transient' || failure.kind === 'token') return 'This may heal by itself: the next poll tries again from the same place, and nothing is skipped.';
	return 'Check the trigger\'s settings; the next poll tries again from the same place.';
}

export function triggerError(node: INode, error: unknown, secrets: string[]): TriggerError {
	const failure = error instanceof PollFailure ? error : new PollFailure('api', error instanceof Error ? error.message : String(error), false);
	const message = redact(failure.message, secrets);
	const description = advice(failure);
	const made =
		failure.status !== null
			? new NodeApiError(node, { message, httpCode: String(failure.status) } as JsonObject, { message, description, httpCode: String(failure.status) })
			: new NodeOperationError(node, message, { description });
	const flagged = made as TriggerError;
	flagged.reconnectRequired = failure.reconnectRequired;
	flagged.context = { ...flagged.context, reconnectRequired: failure.reconnectRequired };
	return flagged;
}

/**
 * "Fetch Test Event" with nothing to show: an error that says where it looked and what to do (as n8n's own Google
 * Calendar and Drive triggers answer "No data with the current filter could be found"), instead of an empty output
 * that reads like a broken trigger. Only manual runs: an active poll with nothing new returns null, quietly.
 */
export function nothingToShowError(node: INode, settings: TriggerSettings): NodeOperationError {
	if (settings.source === 'jtlFeed') {
		const hours = Math.round(settings.feed.lookbackMs / 3_600_000);
		return new NodeOperationError(node, `No changes in ${settings.feed.path} in the last ${hours} hours`, {
			description: 'Fetch Test Event shows the latest changes, whether or not an active poll has emitted them. Change a record in JTL-FFN (or raise Lookback (Hours)) and fetch again; the active trigger is not affected.',
		});
	}
	return new NodeOperationError(node, `No records in ${settings.list.path}${settings.list.recordsField ? ` at "${settings.list.recordsField}"` : ''}`, {
		description: 'Fetch Test Event shows the first records of the list, whether or not an active poll has emitted them. Check Path and Records Field, or add a record, and fetch again; the active trigger is not affected.',
	});
}
