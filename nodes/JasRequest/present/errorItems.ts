/** The JSON of an error item: what happened, what to do, and the request, never a secret. */
import type { IDataObject } from 'n8n-workflow';

import { reasonPhrase } from '../../shared/http/statusText';
import { JAS_STATUS_TEXT } from '../jasStatus';

/**
 * api: an HTTP error answer; token: the credential; network: no answer; input: the item's parameters; response: an
 * answer the node could not use as configured (too large); internal: a failure inside the node (a bug to report).
 */
export type ErrorSource = 'api' | 'token' | 'network' | 'input' | 'response' | 'internal';

export function statusTextFor(status: number): string {
	return JAS_STATUS_TEXT[status] ?? reasonPhrase(status) ?? 'Unknown Status';
}

const ADVICE: Readonly<Record<number, string>> = {
	400: 'Check the body and parameters against the API documentation; error.body has the details.',
	401: 'The token was renewed and rejected again: check that the credential\'s client may use this API.',
	403: 'The client lacks a subscription, role or scope for this endpoint.',
	404: 'Check the URL path.',
	405: 'This endpoint does not accept this method: check the Method.',
	406: 'The API cannot answer in the requested format: set an Accept header it supports.',
	409: 'The resource is in a state that conflicts with this request: reload it and try again.',
	415: 'The API does not accept this body format: choose the body type the endpoint documents.',
	429: 'The API is rate limiting: lower Concurrency, or try again later.',
};

/** What JTL-FFN answers mean beyond the general advice: said only when the credential is a JTL-FFN one. */
const JTL_ADVICE: Readonly<Record<number, string>> = {
	403: 'Check the scopes in the JTL-FFN credential, then reconnect it.',
	404: 'On a fresh JTL-FFN account, log in to the FFN portal once so your user exists.',
};

/** A 401 from another origin: the token was dropped at the cross-origin redirect, so nothing was renewed or rejected. */
const CROSS_ORIGIN_401 =
	"The API redirected to another origin, which answered 401: the token is never sent to another origin, so it was not renewed. Check the URL, or turn off Follow Redirects.";

/**
 * What went wrong and what to do, for an HTTP error answer. `credentialsDropped`: the answer came after a
 * cross-origin redirect, so it was not an answer to our token. `jtl`: the credential is JTL-FFN's (its own tips apply).
 */
export function apiErrorMessage(status: number, attempts: number, retryAfterSec?: number, credentialsDropped = false, jtl = false): string {
	const head = `The API answered ${status} ${statusTextFor(status)}`;
	const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
	const wait = retryAfterSec !== undefined ? ` It asked to wait ${retryAfterSec} s.` : '';
	const fallback = status >= 500 ? 'The server failed: try again later, or ask the provider if it persists.' : '';
	const general = status === 401 && credentialsDropped ? CROSS_ORIGIN_401 : (ADVICE[status] ?? fallback);
	const advice = jtl && JTL_ADVICE[status] ? `${general} ${JTL_ADVICE[status]}` : general;
	return `${head}${tries}.${wait} ${advice}`.trim();
}

export interface ErrorDetails {
	status: number | null;
	statusText: string;
	message: string;
	source: ErrorSource;
	attempts: number;
	retryAfter?: number;
	body?: unknown;
	/** The answer's headers as received; the exit keeps only the safe ones. */
	headers?: Record<string, string | string[]>;
	request: { method: string; url: string };
	pagesFetched?: number;
	/** Token failures only: true when only a person can fix the credential (reconnect it, correct its secret), false when it may heal by itself. */
	reconnectRequired?: boolean;
}

/**
 * `outcome` names the output the item left through. It also keeps n8n's "continue using error output"
 * from moving routed items away: n8n only moves items whose JSON is nothing but an error.
 */
export function errorJson(outcome: string, details: ErrorDetails): IDataObject {
	const error: IDataObject = {
		status: details.status,
		statusText: details.statusText,
		message: details.message,
		source: details.source,
		attempts: details.attempts,
		request: details.request,
	};
	if (details.retryAfter !== undefined) error.retryAfter = details.retryAfter;
	if (details.body !== undefined) error.body = details.body as IDataObject;
	if (details.headers !== undefined) error.headers = details.headers as IDataObject;
	if (details.pagesFetched !== undefined) error.pagesFetched = details.pagesFetched;
	if (details.reconnectRequired !== undefined) error.reconnectRequired = details.reconnectRequired;
	return { outcome, error };
}
