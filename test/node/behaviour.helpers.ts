/**
 * Shared setup for the behaviour.*.node.test.ts files: running the JAS Request node through n8n against the
 * simulators, reading error items, and an API (on the hostile server, test/helpers/hostileServer.ts) that echoes
 * the bearer token back.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import type { ErrorDetails } from '../../nodes/JasRequest/present/errorItems';
import { startHostileServer } from '../helpers/hostileServer';
import { runNode, type RunNodeOptions, type RunNodeResult } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator } from '../../tools/simulators';

/** The error of an error item, as the node builds it (present/errorItems.ts). */
export const errorOf = (item: INodeExecutionData): ErrorDetails => (item.json as { error: ErrorDetails }).error;

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
	const server = await startHostileServer();
	const revoked = new Set<string>();
	server.handle = (req, res, url) => {
		const authorization = req.headers.authorization ?? '';
		const token = authorization.replace(/^Bearer\s+/i, '');
		const delay = Number(url.searchParams.get('delay') ?? 0);
		setTimeout(() => {
			if (revoked.has(token) && url.searchParams.get('acceptAny') !== '1') {
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
	};
	return {
		url: server.url,
		revoked,
		get requests() {
			return server.apiRequests;
		},
		close: server.close,
	};
}
