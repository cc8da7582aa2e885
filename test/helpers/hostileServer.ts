/**
 * One small hostile API on 127.0.0.1 for the node tests: a token endpoint (`/oauth2/token`, JAS style, every token
 * registered with the leak guard) and an API whose every answer the test writes (`handle`). It counts what it saw.
 * For well-behaved providers use the simulators (tools/simulators/); this is for answers no provider should give.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { registerSecrets } from '../../tools/simulators/secretRegistry';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface HostileServer {
	url: string;
	/** Every token issued, in order. */
	tokens: string[];
	tokenRequests: number;
	apiRequests: number;
	/** The Authorization header of every API request, in order. */
	lastAuth: string[];
	/** The API's answer; default `{}`. */
	handle: Handler;
	/** Replaces the token endpoint's answer. */
	tokenHandle?: Handler;
	makeToken: () => string;
	close(): Promise<void>;
}

let tokens = 0;
const randomPart = () => Math.random().toString(36).slice(2);

function issueToken(server: HostileServer, req: IncomingMessage, res: ServerResponse): void {
	req.resume();
	req.on('end', () => {
		const token = server.makeToken();
		server.tokens.push(token);
		registerSecrets(token);
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 600 }));
	});
}

export async function startHostileServer(makeToken?: () => string): Promise<HostileServer> {
	const state: HostileServer = {
		url: '',
		tokens: [],
		tokenRequests: 0,
		apiRequests: 0,
		lastAuth: [],
		handle: (_req, res) => res.end('{}'),
		makeToken: makeToken ?? (() => `atk-tok-${++tokens}-${process.pid}-${randomPart()}`),
		close: async () => {},
	};
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (url.pathname === '/oauth2/token') {
			state.tokenRequests++;
			if (state.tokenHandle) state.tokenHandle(req, res, url);
			else issueToken(state, req, res);
			return;
		}
		state.apiRequests++;
		state.lastAuth.push(String(req.headers.authorization ?? ''));
		try {
			state.handle(req, res, url);
		} catch (error) {
			res.statusCode = 599;
			res.end(String(error));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	state.close = async () =>
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	return state;
}

/** The bearer token of a request. */
export const bearerOf = (req: IncomingMessage): string => String(req.headers.authorization ?? '').replace(/^Bearer /, '');

let clients = 0;
/** A fresh JAS client (its secret registered with the leak guard). */
export function hostileClient(): { clientId: string; clientSecret: string } {
	const id = ++clients;
	const pair = { clientId: `atk-client-${id}-${randomPart()}`, clientSecret: `atk-secret-${id}-${randomPart()}-zz` };
	registerSecrets(pair.clientSecret);
	return pair;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
