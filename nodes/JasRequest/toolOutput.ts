/**
 * What an AI agent's model receives when the node runs as a tool ("JAS Request Tool"). Both of n8n's agent code paths
 * hand the model only the JSON of output 0 (AI Agent 3.x through the engine, 2.x through n8n-core's tool
 * invocation), so in tool mode every outcome becomes ONE item there: lean (no response headers, no hosts), within a
 * character budget, with a clear cut marker. Pure: the node scrubs what goes in and what comes out at its one exit
 * (emit.ts `Exit.tool`), so a secret can never be half cut and half shown.
 */
import type { IDataObject } from 'n8n-workflow';

/** n8n offers a `usableAsTool` node to agents as a copy whose type name ends in "Tool" (on every n8n version). */
export function isToolNodeType(type: string): boolean {
	return type.endsWith('Tool');
}

export type ToolOutcome =
	/** `body`: the page's body as parsed (JSON as JSON, text as text); several pages: one body per page. */
	| { kind: 'success'; status: number; body: unknown; pages?: number; stoppedAtBudget?: boolean }
	/** A file the model cannot read: what it is, in one line. */
	| { kind: 'file'; status: number; fileName: string; mimeType: string; size: string }
	/** The JSON of the error item the node would emit outside tool mode (`{ outcome, error }`, errorItems.ts). */
	| { kind: 'error'; item: IDataObject };

export const CUT_MARKER = '[cut: ';

const PROVIDER_ADVICE: Readonly<Record<string, string>> = {
	token: 'The credential could not get an access token. This is not fixable by changing the request: tell the user to check the credential in n8n (client ID, secret, API and token URLs, or reconnect), or to try again later if the provider is down.',
	network: 'The API could not be reached or did not answer in time. Try again later; if it persists, tell the user.',
	input: 'The request was not sent: fix the arguments (the path must be relative to the API, e.g. /v1/..., or on its own host) and try again.',
	response: 'The answer could not be used as configured; tell the user.',
	internal: 'The tool failed unexpectedly; tell the user.',
};

/** Scheme and host of any URL, and bare IPv4 hosts, as "[host]": the model needs paths, not where the API lives. */
export function withoutHosts(text: string): string {
	return text.replace(/\bhttps?:\/\/[^\s/"'?#)]+/gi, '[host]').replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '[host]');
}

/** The API's own words from an error body: a message-like field, or the body when it is short text. */
function apiMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const record = body as Record<string, unknown>;
	for (const key of ['message', 'error_description', 'detail', 'title', 'error', 'errors']) {
		const value = record[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
		if (value !== undefined && value !== null && typeof value === 'object') {
			const inner = apiMessage(value);
			if (inner) return inner;
			return JSON.stringify(value);
		}
	}
	return undefined;
}

function errorAnswer(item: IDataObject): IDataObject {
	const error = (item.error ?? {}) as IDataObject;
	const source = String(error.source ?? 'internal');
	const answer: IDataObject = { ok: false };
	if (source === 'api') {
		answer.status = error.status as number;
		answer.meaning = error.statusText as string;
		const fromApi = apiMessage(error.body);
		if (fromApi) answer.apiMessage = fromApi;
		if (typeof error.retryAfter === 'number') answer.retryAfterSeconds = error.retryAfter;
		answer.advice = error.message as string;
		const status = Number(error.status);
		if ((status === 429 || status === 503) && typeof error.retryAfter !== 'number') answer.advice += ' Wait a little (e.g. 10 seconds) before trying again.';
	} else {
		answer.problem = source === 'token' ? 'credential' : source;
		if (error.status !== null && error.status !== undefined) answer.status = error.status as number;
		// "Item 0: " numbers items for a workflow's user; a tool call is always one item.
		answer.message = String(error.message ?? '').replace(/^Item \d+: /, '');
		answer.advice = PROVIDER_ADVICE[source] ?? PROVIDER_ADVICE.internal;
	}
	if (typeof error.pagesFetched === 'number' && error.pagesFetched > 0) answer.pagesFetched = error.pagesFetched;
	return answer;
}

function baseAnswer(outcome: ToolOutcome, maxChars: number): IDataObject {
	if (outcome.kind === 'error') return errorAnswer(outcome.item);
	if (outcome.kind === 'file') {
		return {
			ok: true,
			status: outcome.status,
			file: `A file was returned, not shown here: "${outcome.fileName}", ${outcome.mimeType || 'unknown type'}, ${outcome.size}.`,
		};
	}
	const answer: IDataObject = { ok: true, status: outcome.status };
	if (outcome.pages !== undefined && outcome.pages > 1) answer.pages = outcome.pages;
	if (outcome.stoppedAtBudget) {
		answer.note = `Pagination stopped after ${outcome.pages ?? 1} page(s): the answer reached the tool's budget of ${maxChars.toLocaleString('en-US')} characters, and more pages exist. Ask for less (a filter or a smaller page) if you need the rest.`;
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

/** The largest string field worth cutting: the body, the API's message, or a message. */
const CUTTABLE = ['body', 'apiMessage', 'message', 'advice'] as const;

/**
 * The item JSON the model receives for `outcome`, at most `maxChars` characters as JSON (n8n wraps it in `[…]`).
 * When too long, the biggest field becomes its text cut short, followed by a marker saying how much was left out.
 */
export function toolAnswer(outcome: ToolOutcome, maxChars: number): IDataObject {
	const answer = baseAnswer(outcome, maxChars);
	for (const key of ['message', 'advice', 'apiMessage'] as const) {
		if (typeof answer[key] === 'string') answer[key] = withoutHosts(answer[key]);
	}
	let size = JSON.stringify(answer).length;
	if (size <= maxChars) return answer;
	const field = CUTTABLE.filter((key) => answer[key] !== undefined).sort(
		(a, b) => JSON.stringify(answer[b]).length - JSON.stringify(answer[a]).length,
	)[0];
	if (!field) return answer;
	const value = answer[field];
	const full = typeof value === 'string' ? value : JSON.stringify(value);
	const marker = (left: number) => ` …${CUT_MARKER}${left.toLocaleString('en-US')} of ${full.length.toLocaleString('en-US')} characters left out to fit the tool's budget of ${maxChars.toLocaleString('en-US')}]`;
	delete answer[field];
	answer.truncated = true;
	// JSON escaping can make a character longer than one: shrink until the whole answer fits.
	let keep = Math.max(0, maxChars - JSON.stringify(answer).length - marker(full.length).length - field.length - 8);
	for (let tries = 0; tries < 20; tries++) {
		const shown = cutText(full, keep);
		answer[field] = shown + marker(full.length - shown.length);
		size = JSON.stringify(answer).length;
		if (size <= maxChars || keep === 0) break;
		keep = Math.max(0, keep - (size - maxChars) - 1);
	}
	return answer;
}
