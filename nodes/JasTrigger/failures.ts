/**
 * A failed poll as n8n's own error, so n8n records the failure and runs the workflow's error workflow. The message
 * says what to do; `reconnectRequired` (on the error and in its context) says whether a person must fix the
 * credential. Every text is scrubbed of the credential's secrets. The state is not touched: the next poll retries
 * from the same place.
 */
import { type INode, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redact } from '../shared/secrets';
import { PollFailure } from './client';

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
