/**
 * Shared setup for the behaviour.*.node.test.ts files: running the JAS Request node through n8n against the
 * simulators, reading error items, and a tiny "hostile" API server that echoes the bearer token back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { runNode, type RunNodeOptions, type RunNodeResult } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator } from '../../tools/simulators';

/** byCategory output indexes. */
export const OUT = { success: 0, client: 1, auth: 2, notFound: 3, rate: 4, server: 5, network: 6 } as const;

export interface ErrorInfo {
	status: number | null;
	statusText: string;
	message: string;
	source: 'api' | 'token' | 'network' | 'input';
	attempts: number;
	retryAfter?: number;
	body?: IDataObject;
	headers?: IDataObject;
	request: { method: string; url: string };
	pagesFetched?: number;
}

export const errorOf = (item: INodeExecutionData): ErrorInfo => (item.json as { error: ErrorInfo }).error;

export const pairedIndexes = (output: INodeExecutionData[]): number[] =>
	output.map((item) => (item.pairedItem as { item: number }).item);

let keys = 0;
/** A /api/flaky key no other test (or earlier run) has used. */
export const uniqueKey = (label: string): string => `${label}-${process.pid}-${Date.now()}-${++keys}`;

export const jasCredentials = (sim: Simulator, client: { clientId: string; clientSecret: string } = DEMO_CLIENTS.jas) => ({
	jasOAuth2Api: { baseUrl: sim.url, ...client, renewalMarginSec: 60 },
});

export type Params = Record<string, unknown>;

/** Runs the node with JAS credentials for `sim`, one item per entry of `items` (a path string, or item JSON). */
export async function runJas(
	sim: Simulator,
	items: Array<string | IDataObject>,
	parameters: Params = {},
	extra: Partial<RunNodeOptions> = {},
): Promise<RunNodeResult> {
	return await runNode({
		node: new JasRequest(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', ...parameters },
		items: items.map((item) => ({ json: typeof item === 'string' ? { path: item } : item })),
		credentials: jasCredentials(sim),
		...extra,
	});
}

export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is true or `timeoutMs` passes; returns the last result. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
	const until = Date.now() + timeoutMs;
	while (!check() && Date.now() < until) await sleep(20);
	return check();
}

/**
 * An API that misbehaves the way real ones sometimes do: it reflects the request's Authorization header in
 * its body and in a response header, and sets a cookie. Any bearer is accepted, except tokens in `revoked`
 * (401, unless `?acceptAny=1`). `?delay=ms` delays the answer; `?status=` picks the status.
 */
export interface ReflectingApi {
	url: string;
	revoked: Set<string>;
	requests: number;
	close(): Promise<void>;
}

export async function startReflectingApi(): Promise<ReflectingApi> {
	const state = { revoked: new Set<string>(), requests: 0 };
	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		state.requests++;
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const authorization = req.headers.authorization ?? '';
		const token = authorization.replace(/^Bearer\s+/i, '');
		const delay = Number(url.searchParams.get('delay') ?? 0);
		setTimeout(() => {
			if (state.revoked.has(token) && url.searchParams.get('acceptAny') !== '1') {
				res.writeHead(401, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: 'invalid_token', rejected: authorization }));
				return;
			}
			const status = Number(url.searchParams.get('status') ?? 200);
			res.writeHead(status, {
				'Content-Type': 'application/json',
				'Set-Cookie': 'session=reflecting-api-cookie; HttpOnly',
				'X-Echo-Authorization': authorization,
			});
			res.end(JSON.stringify({ path: url.pathname, youSent: { authorization }, token, items: [1, 2] }));
		}, delay);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		revoked: state.revoked,
		get requests() {
			return state.requests;
		},
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
