/**
 * Token-endpoint fault injection, shared by all three simulators.
 *
 * A fault is taken once per token request (counting down `times`). Faults either replace the answer before the grant
 * is processed (status, html, notJson, drop — no state changes), delay it (slow), or corrupt a successful answer
 * after the grant was processed (missingAccessToken, emptyAccessToken, wrongTokenType, badExpiresIn, noExpiresIn).
 */
import { httpError, type Reply } from './http';
import type { TokenFault, TokenFaultKind } from './types';

const KINDS: ReadonlySet<TokenFaultKind> = new Set<TokenFaultKind>([
	'status',
	'html',
	'notJson',
	'missingAccessToken',
	'emptyAccessToken',
	'wrongTokenType',
	'badExpiresIn',
	'noExpiresIn',
	'drop',
	'slow',
]);

/** Validates an untrusted fault description (from /__admin/config); throws a readable Error. */
export function parseTokenFault(value: unknown): TokenFault | null {
	if (value === null || value === undefined) return null;
	if (typeof value !== 'object') throw new Error('tokenFault must be an object or null');
	const v = value as Record<string, unknown>;
	if (typeof v.kind !== 'string' || !KINDS.has(v.kind as TokenFaultKind)) {
		throw new Error(`tokenFault.kind must be one of ${[...KINDS].join(', ')}`);
	}
	const fault: TokenFault = { kind: v.kind as TokenFaultKind };
	if (v.status !== undefined) {
		if (!Number.isInteger(v.status) || (v.status as number) < 200 || (v.status as number) > 599) {
			throw new Error('tokenFault.status must be an integer 200..599');
		}
		fault.status = v.status as number;
	}
	if (v.retryAfter !== undefined) {
		if (typeof v.retryAfter !== 'string') throw new Error('tokenFault.retryAfter must be a string');
		fault.retryAfter = v.retryAfter;
	}
	if (v.delayMs !== undefined) {
		if (typeof v.delayMs !== 'number' || !(v.delayMs >= 0)) throw new Error('tokenFault.delayMs must be >= 0');
		fault.delayMs = v.delayMs;
	}
	if (v.times !== undefined) {
		if (!Number.isInteger(v.times) || (v.times as number) < 0) throw new Error('tokenFault.times must be an integer >= 0');
		fault.times = v.times as number;
	}
	return fault;
}

export class TokenFaultState {
	private fault: TokenFault | null = null;
	private remaining = Infinity;

	set(fault: TokenFault | null): void {
		const parsed = parseTokenFault(fault);
		this.fault = parsed && parsed.times !== 0 ? parsed : null;
		this.remaining = parsed?.times ?? Infinity;
	}

	get current(): TokenFault | null {
		return this.fault;
	}

	/** The fault affecting this token request, if any; counts down `times` and clears itself at zero. */
	take(): TokenFault | null {
		const fault = this.fault;
		if (!fault) return null;
		this.remaining -= 1;
		if (this.remaining <= 0) this.fault = null;
		return fault;
	}
}

const LOGIN_PAGE =
	'<!DOCTYPE html><html><head><title>Sign in</title></head><body>' +
	'<h1>Session expired</h1><form method="post" action="/login"><input name="username"><input name="password" type="password">' +
	'<button>Sign in</button></form></body></html>';

/** Faults that answer instead of the grant (nothing is issued or spent). */
export function preGrantFaultReply(fault: TokenFault): Reply | undefined {
	switch (fault.kind) {
		case 'status': {
			const status = fault.status ?? 500;
			return httpError(status, undefined, fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : undefined);
		}
		case 'html':
			return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, raw: LOGIN_PAGE };
		case 'notJson':
			return {
				status: 200,
				headers: { 'Content-Type': 'application/json; charset=utf-8' },
				raw: 'upstream error: this is not JSON {',
			};
		case 'drop':
			return { drop: true };
		default:
			return undefined;
	}
}

/** Corrupts a successful (200, JSON object) token answer; other answers pass unchanged. */
export function corruptTokenReply(fault: TokenFault, reply: Reply): Reply {
	if ('drop' in reply || reply.status !== 200 || typeof reply.json !== 'object' || reply.json === null) return reply;
	const body: Record<string, unknown> = { ...(reply.json as Record<string, unknown>) };
	switch (fault.kind) {
		case 'missingAccessToken':
			delete body.access_token;
			break;
		case 'emptyAccessToken':
			body.access_token = '';
			break;
		case 'wrongTokenType':
			body.token_type = 'mac';
			break;
		case 'badExpiresIn':
			body.expires_in = 'soon';
			break;
		case 'noExpiresIn':
			delete body.expires_in;
			break;
		default:
			return reply;
	}
	return { ...reply, json: body };
}
