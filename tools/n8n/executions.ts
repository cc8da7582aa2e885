/** Execution documents as n8n prints them (`n8n execute --rawOutput`, execute-batch snapshots), parsed. */


export interface N8nTaskData {
	executionStatus?: string;
	executionTime?: number;
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
	error?: N8nError;
}

export interface N8nError {
	name?: string;
	/** n8n's headline, e.g. "Authorization failed - please check your credentials" */
	message: string;
	/** often the underlying error's message (for a failed preAuthentication: ours) */
	description?: string;
	messages?: string[];
	httpCode?: string;
}

/** One execution as n8n reports it (`n8n execute --rawOutput`, or an execute-batch snapshot). */
export interface N8nExecution {
	/** n8n's execution status: 'success', 'error', ... */
	status: string;
	finished: boolean;
	runData: Record<string, N8nTaskData[]>;
	lastNodeExecuted?: string;
	/** the execution's error (data.resultData.error) when it failed */
	error?: N8nError;
	/** the whole JSON document n8n printed */
	document: Record<string, unknown>;
}

/** JSON items a node emitted on one output (default: first run, output 0). */
export function outputItems(execution: N8nExecution, nodeName: string, output = 0, runIndex = 0): Array<Record<string, unknown>> {
	const items = execution.runData[nodeName]?.[runIndex]?.data?.main?.[output] ?? [];
	return items.map((item) => item.json);
}

/** Everything n8n says about an error, in one string (headline, description, messages). */
export function errorText(error: N8nError | undefined): string {
	if (!error) return '';
	return [error.message, error.description, ...(error.messages ?? [])].filter(Boolean).join('\n');
}

export function toExecution(document: Record<string, unknown>): N8nExecution {
	const data = document.data as { resultData?: { runData?: N8nExecution['runData']; lastNodeExecuted?: string; error?: N8nError } };
	const resultData = data?.resultData ?? {};
	return {
		status: String(document.status ?? (resultData.error ? 'error' : 'unknown')),
		finished: document.finished === true,
		runData: resultData.runData ?? {},
		lastNodeExecuted: resultData.lastNodeExecuted,
		error: resultData.error,
		document,
	};
}

/** The end index (exclusive) of the JSON object starting at `start`, honouring strings; -1 if unbalanced. */
function balancedObjectEnd(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
		} else if (ch === '"') inString = true;
		else if (ch === '{') depth++;
		else if (ch === '}' && --depth === 0) return i + 1;
	}
	return -1;
}

/**
 * Finds the execution document in `n8n execute` output. n8n prints it through its logger, so it may follow log
 * lines, carry a log prefix on its first line ("12:00:00.000   info    {") and, at debug level, log metadata after
 * its last brace. On failure it is printed after "Execution error:". The last parseable execution wins.
 */
export function parseExecutionDocument(output: string): N8nExecution | undefined {
	let found: N8nExecution | undefined;
	const opener = /^(?:.*\s)?\{[ \t]*$/gm; // a line that ends in a lone "{"
	for (let match = opener.exec(output); match; match = opener.exec(output)) {
		const start = match.index + match[0].lastIndexOf('{');
		const end = balancedObjectEnd(output, start);
		if (end < 0) continue;
		try {
			const document = JSON.parse(output.slice(start, end)) as Record<string, unknown>;
			if (document && typeof document === 'object' && 'data' in document && ('status' in document || 'finished' in document)) {
				found = toExecution(document);
				opener.lastIndex = end;
			}
		} catch {
			// not JSON: a log line that happens to end in "{"
		}
	}
	return found;
}
