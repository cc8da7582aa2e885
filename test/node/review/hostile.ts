/**
 * The adversarial review (a second pair of eyes attacking the hardening with hostile servers on 127.0.0.1), kept as
 * regression tests: a00 scrubber, a01 file secrets, a02 text secrets, a03 origins, a04 memory, a05 concurrency,
 * a06 option clamps, a07 item accounting, a11 renewal and egress, a12 tool mode (the node as an AI agent's tool).
 * This file: the hostile server and a run helper.
 * Titles starting "attack …, now refused" name an attack that broke the code when the review ran; the test asserts
 * it no longer does. The others held then and are kept as controls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { JasRequest } from '../../../nodes/JasRequest/JasRequest.node';
import { registerSecrets } from '../../../tools/simulators/secretRegistry';
import { runNode, type RunNodeResult } from '../../helpers/runNode';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
export const OUT = { success: 0, client: 1, auth: 2, notFound: 3, rate: 4, server: 5, network: 6 } as const;

export interface Srv {
	url: string; tokens: string[]; tokenRequests: number; apiRequests: number;
	handle: Handler; makeToken: () => string; tokenHandle?: Handler; close(): Promise<void>;
	lastAuth: string[];
}
let n = 0;
export async function startSrv(makeToken?: () => string): Promise<Srv> {
	const s: Srv = { url: '', tokens: [], tokenRequests: 0, apiRequests: 0, lastAuth: [],
		handle: (_q, r) => r.end('{}'), makeToken: makeToken ?? (() => `atk-tok-${++n}-${process.pid}-${Math.random().toString(36).slice(2)}`), close: async () => {} };
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (url.pathname === '/oauth2/token') {
			s.tokenRequests++;
			if (s.tokenHandle) return s.tokenHandle(req, res, url);
			req.resume();
			req.on('end', () => {
				const token = s.makeToken();
				s.tokens.push(token);
				registerSecrets(token);
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 600 }));
			});
			return;
		}
		s.apiRequests++;
		s.lastAuth.push(String(req.headers.authorization ?? ''));
		try { s.handle(req, res, url); } catch (e) { res.statusCode = 599; res.end(String(e)); }
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	s.close = async () => await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
	return s;
}
export const bearerOf = (req: IncomingMessage) => String(req.headers.authorization ?? '').replace(/^Bearer /, '');
let c = 0;
export function client() {
	const cl = { clientId: `atk-client-${++c}-${Math.random().toString(36).slice(2)}`, clientSecret: `atk-secret-${c}-${Math.random().toString(36).slice(2)}-zz` };
	registerSecrets(cl.clientSecret);
	return cl;
}
export async function run(s: Srv, items: IDataObject[], parameters: IDataObject = {},
	extra: { credentials?: ICredentialDataDecryptedObject; signal?: AbortSignal; helpersOverride?: Partial<IExecuteFunctions['helpers']>; onError?: any } = {}): Promise<RunNodeResult> {
	return await runNode({
		node: new JasRequest(),
		parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '={{ $json.path }}', ...parameters },
		items: items.map((json) => ({ json })),
		credentials: { jasOAuth2Api: extra.credentials ?? { baseUrl: s.url, ...client(), renewalMarginSec: 60 } },
		signal: extra.signal, helpersOverride: extra.helpersOverride, onError: extra.onError,
	});
}
export const errorOf = (item: INodeExecutionData) => (item.json as any).error;
export const paired = (o: INodeExecutionData[]) => o.map((i) => (i.pairedItem as any).item);
export const allPaired = (r: RunNodeResult) => r.outputs.flatMap((o) => paired(o)).sort((a, b) => a - b);
export const dump = (r: RunNodeResult) => JSON.stringify(r.outputs);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
