/**
 * Why an item failed, as a typed value, and the one place that turns it into error details (errorItems.ts): both
 * presenters (workflow items and tool answers) report every failure from here.
 */
import type { TransportError } from '../../shared/http/errors';
import type { HttpResponse } from '../../shared/http/send';
import { reconnectRequired } from '../../shared/token/reconnect';
import type { TokenError } from '../../shared/token/tokenErrors';
import { parseBody } from '../responseBody';
import { apiErrorMessage, type ErrorDetails, statusTextFor } from './errorItems';

/** The request as shown in an error: method and URL. */
export interface RequestLine {
	method: string;
	url: string;
}

export type FailureCause =
	/** No token: the credential's problem, not the item's. */
	| { kind: 'token'; error: TokenError; attempts: number }
	/** The credential could not even be read (tool mode; a workflow stops instead). */
	| { kind: 'credential'; message: string }
	/** No HTTP answer (after retries). */
	| { kind: 'network'; error: TransportError; attempts: number }
	/** An HTTP error answer (after retries). */
	| { kind: 'api'; response: HttpResponse; attempts: number; retryAfterMs?: number }
	/** An answer that cannot be used as configured (no array to split, too many items, a refused next link, …). */
	| { kind: 'unusable'; status: number; message: string; source: 'input' | 'response'; attempts: number }
	/** A download that broke off (a reset connection, a cancel): no HTTP outcome to route by. */
	| { kind: 'download'; message: string; attempts: number }
	/** The item's own parameters (the request was not sent). */
	| { kind: 'input'; message: string }
	/** Anything unforeseen: a bug to report; the other items go on. */
	| { kind: 'internal'; message: string };

export type Failure = FailureCause & { request: RequestLine; pagesFetched?: number };

/** The output a failure goes to: by an HTTP status, by "no answer" (null), or to the input-error output. */
export const INPUT_OUTPUT = 'input';

export function failureRoute(failure: Failure): number | null | typeof INPUT_OUTPUT {
	switch (failure.kind) {
		case 'token':
		case 'credential':
			return 401; // where authentication failures go
		case 'network':
			// Not sent: the credential is paused (another request's 429) beyond this item's wait. Routed as a 429 is.
			if (failure.error.code === 'rateLimited') return 429;
			return failure.error.code === 'tooLarge' ? INPUT_OUTPUT : null;
		case 'download':
			return null;
		case 'api':
			return failure.response.status;
		default:
			return INPUT_OUTPUT;
	}
}

/** What an error item (or a tool's error answer) says about `failure`; `jtl`: the credential is JTL-FFN's (its tips apply). */
export function failureDetails(failure: Failure, jtl = false): ErrorDetails {
	const base = { request: failure.request, pagesFetched: failure.pagesFetched };
	switch (failure.kind) {
		case 'token': {
			const { status } = failure.error;
			const statusText = status === null ? 'Token Request Failed' : statusTextFor(status);
			return { ...base, status, statusText, message: failure.error.message, source: 'token', attempts: failure.attempts, reconnectRequired: reconnectRequired(failure.error) };
		}
		case 'credential':
			// The credential could not be read at all: only a person can set it up again.
			return { ...base, status: null, statusText: 'Credential Problem', message: failure.message, source: 'token', attempts: 0, reconnectRequired: true };
		case 'network':
			return networkDetails(failure.error, failure.attempts, base);
		case 'api':
			return apiDetails(failure.response, failure.attempts, failure.retryAfterMs, base, jtl);
		case 'unusable': {
			const { status, message, source, attempts } = failure;
			return { ...base, status, statusText: statusTextFor(status), message, source, attempts };
		}
		case 'download':
			return { ...base, status: null, statusText: 'network', message: failure.message, source: 'network', attempts: failure.attempts };
		case 'input':
			return { ...base, status: null, statusText: 'Invalid Input', message: failure.message, source: 'input', attempts: 0 };
		case 'internal': {
			const message = `The node failed unexpectedly on this item (${failure.message}). The other items are unaffected; please report this.`;
			return { ...base, status: null, statusText: 'Internal Error', message, source: 'internal', attempts: 0 };
		}
	}
}

type Base = Pick<ErrorDetails, 'request' | 'pagesFetched'>;

function networkDetails(error: TransportError, attempts: number, base: Base): ErrorDetails {
	if (error.code === 'rateLimited') return { ...base, status: null, statusText: 'Rate Limited', message: error.message, source: 'network', attempts };
	if (error.code !== 'tooLarge') return { ...base, status: null, statusText: error.code, message: error.message, source: 'network', attempts };
	const message = `${error.message} Raise the "Max Response Size" option, or choose Response Format: File to stream a download to n8n's binary storage.`;
	return { ...base, status: null, statusText: 'Response Too Large', message, source: 'response', attempts };
}

function apiDetails(response: HttpResponse, attempts: number, retryAfterMs: number | undefined, base: Base, jtl: boolean): ErrorDetails {
	const retryAfter = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
	return {
		...base,
		status: response.status,
		statusText: statusTextFor(response.status),
		// A 401 from another origin (a redirect dropped the token) was not an answer to our token: nothing was renewed.
		message: apiErrorMessage(response.status, attempts, retryAfter, response.credentialsDropped, jtl),
		source: 'api',
		attempts,
		retryAfter,
		body: parseBody(response.body, response.headers, 'auto'),
		headers: response.headers,
	};
}
