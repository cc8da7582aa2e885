/**
 * What an AI agent's model receives when the node runs as a tool ("JAS Request Tool"). Both of n8n's agent code paths
 * hand the model only the JSON of output 0 (AI Agent 3.x through the engine, 2.x through n8n-core's tool
 * invocation), so in tool mode every outcome becomes ONE item there: lean (no response headers, no hosts), within a
 * character budget, with a clear cut marker. Pure: the node scrubs what goes in and what comes out at its one exit
 * (emit.ts `Exit.tool`), so a secret can never be half cut and half shown.
 */
import type { IDataObject } from 'n8n-workflow';

import { attempt } from '../../shared/http/settle';
import type { ErrorDetails, ErrorSource } from './errorItems';

/** n8n offers a `usableAsTool` node to agents as a copy whose type name ends in "Tool" (on every n8n version). */
export function isToolNodeType(type: string): boolean {
	return type.endsWith('Tool');
}

/** A file the model cannot read: what it is, in one line. */
export interface FileDescription {
	fileName: string;
	mimeType: string;
	size: string;
}

export type ToolOutcome =
	/**
	 * `body`: the page's body as parsed (JSON as JSON, text as text); several pages: one body per page.
	 * `stoppedAtFile`: pagination stopped at this page, a file the model cannot read (the pages before are kept).
	 */
	| { kind: 'success'; status: number; body: unknown; pages?: number; stoppedAtBudget?: boolean; stoppedAtFile?: FileDescription & { page: number }; stopMessage?: string }
	| ({ kind: 'file'; status: number } & FileDescription)
	/** A success without a file to store (a 304 Not Modified, a redirect not followed) when a file was asked for. */
	| { kind: 'noFile'; status: number; statusText: string }
	/** What the node reports of a failure (failures.ts), as an error item would show it. */
	| { kind: 'error'; error: ErrorDetails };

export const CUT_MARKER = '[cut: ';

/** An answer's `problem` for a failure that is not the API's own error answer. */
const PROBLEM: Readonly<Record<Exclude<ErrorSource, 'api'>, string>> = {
	token: 'credential',
	network: 'network',
	input: 'input',
	response: 'response',
	internal: 'internal',
};

const PROVIDER_ADVICE: Readonly<Record<Exclude<ErrorSource, 'api'>, string>> = {
	token: 'The credential could not get an access token. This is not fixable by changing the request: tell the user to check the credential in n8n (client ID, secret, API and token URLs, or reconnect), or to try again later if the provider is down.',
	network: 'The API could not be reached or did not answer in time. Try again later; if it persists, tell the user.',
	input: 'The request was not sent: fix the arguments (the path must be relative to the API, e.g. /v1/..., or on its own host) and try again.',
	response: 'The answer could not be used as configured; tell the user.',
	internal: 'The tool failed unexpectedly; tell the user.',
};

/** A token failure only a person can fix (reconnectRequired: true), and one that may heal by itself (false). */
const RECONNECT_ADVICE = 'The credential could not get an access token, and retrying will not help: tell the user to fix or reconnect the credential in n8n (client ID, secret, API and token URLs, or "Connect my account").';
const RETRY_LATER_ADVICE = 'The credential could not get an access token right now (the provider is busy or down); this is not fixable by changing the request. Try again later; if it persists, tell the user to check the credential (its token URL) and the network.';

/** `scheme://[userinfo@]host[:port]`; group 1 is the host name. */
const URL_ORIGIN = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s/"'?#)@\\]*@)?(\[[^\]\s]*\]|[^\s/"'?#):\\]+)(?::\d{1,5})?/gi;
/** Bare hosts: IPv4, IPv6 (bracketed, compressed or full), and names with a port (localhost, dotted or hyphenated). */
const BARE_HOSTS = [
	/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g,
	/\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d{1,5})?/gi,
	/(?<![\w:])(?:(?=[0-9a-f:]*::)(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}|(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4})(?![\w:])/gi,
	/\b(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+|[a-z0-9]+(?:-[a-z0-9]+)+):\d{1,5}\b/gi,
	// The API's host already hidden by the exit (emit.ts): its port, or another port on the same host, goes too.
	/\[host\]:\d{1,5}\b/g,
];
/** The host after a Node network error code (`getaddrinfo ENOTFOUND api.internal`). */
const ERROR_CODE_HOST = /\b(E(?:NOTFOUND|AI_AGAIN|CONNREFUSED|HOSTUNREACH|NETUNREACH|TIMEDOUT|CONNRESET)) [^\s,;)"']+/g;
const escapeRegex = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * `text` with every host replaced by "[host]": the model needs paths, not where the API lives. A host named in a URL
 * is hidden wherever else the text names it too (e.g. `the host name "api.internal" could not be resolved`).
 */
export function withoutHosts(text: string): string {
	const named = new Set<string>();
	let result = text.replace(URL_ORIGIN, (_, host: string) => {
		if (host.length > 1) named.add(host);
		return '[host]';
	});
	for (const host of named) result = result.replace(new RegExp(`(?<![\\w.[-])${escapeRegex(host)}(?::\\d{1,5})?(?![\\w\\]-])`, 'gi'), '[host]');
	for (const pattern of BARE_HOSTS) result = result.replace(pattern, '[host]');
	return result.replace(ERROR_CODE_HOST, '$1 [host]');
}

/** A message-like field of an error body: its text, or its JSON when it is structured. */
function messageField(body: Record<string, unknown>): string | undefined {
	for (const key of ['message', 'error_description', 'detail', 'title', 'error', 'errors']) {
		const value = body[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
		if (value !== undefined && value !== null && typeof value === 'object') {
			return (!Array.isArray(value) && messageField(value as Record<string, unknown>)) || asJson(value);
		}
	}
	return undefined;
}

/** The API's own words from an error body: a message-like field, else the whole body (text, or JSON), cut later. */
function apiMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return undefined;
	const field = Array.isArray(body) ? undefined : messageField(body as Record<string, unknown>);
	return field ?? asJson(body);
}

/** What a failure's answer says, from the same details an error item shows (failures.ts). */
function errorAnswer(error: ErrorDetails): IDataObject {
	const answer: IDataObject = { ok: false };
	if (error.source === 'api') {
		answer.status = error.status;
		answer.meaning = error.statusText;
		const fromApi = apiMessage(error.body);
		if (fromApi) answer.apiMessage = fromApi;
		if (error.retryAfter !== undefined) answer.retryAfterSeconds = error.retryAfter;
		answer.advice = error.message;
		if ((error.status === 429 || error.status === 503) && error.retryAfter === undefined) answer.advice += ' Wait a little (e.g. 10 seconds) before trying again.';
	} else {
		answer.problem = PROBLEM[error.source];
		if (error.status !== null) answer.status = error.status;
		answer.message = error.message;
		answer.advice = PROVIDER_ADVICE[error.source];
		if (error.reconnectRequired !== undefined) {
			answer.reconnectRequired = error.reconnectRequired;
			answer.advice = error.reconnectRequired ? RECONNECT_ADVICE : RETRY_LATER_ADVICE;
		}
	}
	if (error.pagesFetched !== undefined && error.pagesFetched > 0) answer.pagesFetched = error.pagesFetched;
	return answer;
}

const describeFile = (file: FileDescription) => `"${file.fileName}", ${file.mimeType || 'unknown type'}, ${file.size}`;

function baseAnswer(outcome: ToolOutcome, maxChars: number): IDataObject {
	if (outcome.kind === 'error') return errorAnswer(outcome.error);
	if (outcome.kind === 'file') return { ok: true, status: outcome.status, file: `A file was returned, not shown here: ${describeFile(outcome)}.` };
	if (outcome.kind === 'noFile') return { ok: true, status: outcome.status, file: `No file: the API answered ${outcome.status} ${outcome.statusText}.` };
	const answer: IDataObject = { ok: true, status: outcome.status };
	if (outcome.pages !== undefined && outcome.pages > 1) answer.pages = outcome.pages;
	if (outcome.stoppedAtBudget) {
		answer.note = `Pagination stopped after ${outcome.pages ?? 1} page(s): the answer reached the tool's budget of ${maxChars.toLocaleString('en-US')} characters, and more pages exist. Ask for less (a filter or a smaller page) if you need the rest.`;
	}
	// Paging that ended short of the list's end (Max Pages, a missing field): the model must not take it for all.
	if (outcome.stopMessage) answer.note = `${outcome.stopMessage} Tell the user: the answer holds only part of the list.`;
	if (outcome.stoppedAtFile) {
		const { page } = outcome.stoppedAtFile;
		answer.note = `Pagination stopped at page ${page}: it is a file, not shown here (${describeFile(outcome.stoppedAtFile)}). The body holds the ${page - 1} page(s) before it.`;
	}
	answer.body = outcome.body as IDataObject;
	return answer;
}

/** `text` cut to at most `max` characters, never between the two halves of a surrogate pair. */
function cutText(text: string, max: number): string {
	let end = Math.max(0, max);
	const code = text.charCodeAt(end - 1);
	if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
	return text.slice(0, end);
}

/** The fields worth cutting (at most one of them is ever large: the body, the API's message, or a file's name). */
const CUTTABLE = ['body', 'apiMessage', 'message', 'advice', 'file'] as const;

const UNSHOWABLE = '[The body is too large or too deeply nested to show here.]';

/** `value` as JSON; JSON.stringify fails on more than a string can hold, or on nesting deeper than the stack. */
function asJson(value: unknown): string {
	const json = attempt(() => JSON.stringify(value));
	return json.ok ? json.value : UNSHOWABLE;
}

/** A field as the text the cut works on: a string as it is, anything else as JSON. */
function asText(value: unknown): string {
	return typeof value === 'string' ? value : asJson(value);
}

/** `answer[field]` replaced by as much of `full` as fits the budget, then a marker saying how much was left out. */
function cutField(answer: IDataObject, field: (typeof CUTTABLE)[number], full: string, maxChars: number): void {
	const marker = (left: number) => ` …${CUT_MARKER}${left.toLocaleString('en-US')} of ${full.length.toLocaleString('en-US')} characters left out to fit the tool's budget of ${maxChars.toLocaleString('en-US')}]`;
	answer[field] = marker(full.length);
	const base = JSON.stringify(answer).length;
	let keep = Math.min(full.length, maxChars);
	for (let tries = 0; tries < 20; tries++) {
		const shown = cutText(full, keep);
		answer[field] = shown + marker(full.length - shown.length);
		const size = JSON.stringify(answer).length;
		if (size <= maxChars || keep === 0) return;
		// JSON escaping makes some characters longer than one (a control character six): shrink in proportion.
		keep = Math.max(0, Math.min(keep - 1, Math.floor((keep * (maxChars - base)) / Math.max(1, size - base))));
	}
}

/**
 * The item JSON the model receives for `outcome`, at most `maxChars` characters as JSON (n8n wraps it in `[…]`).
 * When too long, the longest field becomes its text cut short, followed by a marker saying how much was left out.
 */
export function toolAnswer(outcome: ToolOutcome, maxChars: number): IDataObject {
	const answer = baseAnswer(outcome, maxChars);
	for (const key of ['message', 'advice', 'apiMessage'] as const) {
		if (typeof answer[key] === 'string') answer[key] = withoutHosts(answer[key]);
	}
	const texts: Array<{ key: (typeof CUTTABLE)[number]; text: string }> = [];
	for (const key of CUTTABLE) {
		if (answer[key] === undefined) continue;
		const text = asText(answer[key]);
		if (text === UNSHOWABLE) answer[key] = text; // what cannot be serialised is said, not sent
		texts.push({ key, text });
	}
	texts.sort((a, b) => b.text.length - a.text.length);
	// A field's JSON is at least as long as its text: an answer holding a longer text cannot fit, and is never
	// serialised whole (a 100 MB body would cost seconds, or more characters than a string can hold).
	if (!texts.some(({ text }) => text.length > maxChars) && JSON.stringify(answer).length <= maxChars) return answer;
	answer.truncated = true;
	for (const { key, text } of texts) {
		delete answer[key];
		cutField(answer, key, text, maxChars);
		if (JSON.stringify(answer).length <= maxChars) break;
	}
	return answer;
}
