/**
 * The least any client of the JAS API must do per item, shared by the bench's two references (the raw undici loop
 * in a worker thread, and the ideal node inside n8n): a Bearer token from the client-credentials endpoint, fetched
 * once and renewed ahead of expiry (the JAS credential's margin rule, so runs longer than a 4 s token still work),
 * single-flight; then one GET per item whose JSON answer is read and parsed. Nothing else: no routing, scrubbing,
 * retries, egress checks or token engine.
 */
import { type Dispatcher, request } from 'undici';

export interface BearerClientOptions {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	/** renew this many seconds before expiry, shrunk to a quarter of the lifetime like the JAS credential */
	renewalMarginSec: number;
	dispatcher: Dispatcher;
}

export interface JsonAnswer {
	status: number;
	/** the parsed JSON body of a 200; undefined otherwise (the body is discarded) */
	body: unknown;
	/** the token the request carried */
	bearer: string;
}

export class BearerClient {
	tokenFetches = 0;

	private current: { token: string; renewAt: number } | undefined;

	private pending: Promise<string> | undefined;

	constructor(private readonly options: BearerClientOptions) {}

	/** single-flight: every caller waits for the one fetch in progress */
	token(): Promise<string> {
		if (this.current && Date.now() < this.current.renewAt) return Promise.resolve(this.current.token);
		this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
		return this.pending;
	}

	/** forgets exactly this token (after a 401), so the next caller fetches a new one */
	drop(token: string): void {
		if (this.current?.token === token) this.current = undefined;
	}

	async getJson(path: string): Promise<JsonAnswer> {
		const bearer = await this.token();
		const res = await request(`${this.options.baseUrl}${path}`, {
			dispatcher: this.options.dispatcher,
			headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
		});
		if (res.statusCode !== 200) {
			await res.body.dump();
			return { status: res.statusCode, body: undefined, bearer };
		}
		return { status: res.statusCode, body: await res.body.json(), bearer };
	}

	private async fetchToken(): Promise<string> {
		this.tokenFetches += 1;
		const { baseUrl, clientId, clientSecret, renewalMarginSec, dispatcher } = this.options;
		const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
		const res = await request(`${baseUrl}/oauth2/token`, {
			method: 'POST',
			dispatcher,
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: form.toString(),
		});
		const body = (await res.body.json()) as { access_token?: string; expires_in?: number };
		if (res.statusCode !== 200 || !body.access_token || !body.expires_in) throw new Error(`token request answered ${res.statusCode}`);
		const lifetimeMs = body.expires_in * 1000;
		const marginMs = Math.min(renewalMarginSec * 1000, lifetimeMs / 4);
		this.current = { token: body.access_token, renewAt: Date.now() + lifetimeMs - marginMs };
		return body.access_token;
	}
}

/** Runs `worker` over indexes 0..count-1 with `concurrency` lanes, each taking the next index when it is free. */
export async function inLanes(count: number, concurrency: number, worker: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
			while (next < count) await worker(next++);
		}),
	);
}
