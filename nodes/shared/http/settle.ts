/**
 * Failures as values. Code that must decide what a failure means (route it, wrap it, or let it pass) takes the
 * outcome out of the `try`, so that nothing is re-thrown from inside a `catch` (n8n's lint rule
 * require-node-api-error: errors reach the user as NodeApiError / NodeOperationError at the node's boundary).
 */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await promise };
	} catch (error) {
		return { ok: false, error };
	}
}

export function attempt<T>(fn: () => T): Settled<T> {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** The message of anything thrown (an Error's message, else its text). */
export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
