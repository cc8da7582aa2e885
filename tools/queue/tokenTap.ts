/**
 * A pass-through HTTP server in front of a provider simulator that records which bearer token each API request
 * carried, and when tokens were requested. The simulator alone cannot tell which n8n process asked; the tap lets a
 * test attribute tokens to workers through the executions that used them (an execution id in the query string,
 * the worker from its log). Tokens are recorded as first-seen numbers, never as values. With `callers`, each
 * request also records which of the given processes sent it (socketOwner.ts), looked up while it is still open.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

import { socketOwner } from './socketOwner';

export interface TappedRequest {
	at: number;
	method: string;
	/** path and query as received */
	path: string;
	/** 1, 2, …: the n-th distinct bearer token seen; 0 without one */
	token: number;
	/** with `callers`: the name of the process that sent it, undefined if none of them */
	caller?: string;
}

export interface TokenTapOptions {
	/** the processes that may call, by name (e.g. main, worker 1): asked at each request, so restarts are seen */
	callers?: () => Record<string, number>;
}

export interface TokenTap {
	/** e.g. http://127.0.0.1:41234: use as the credential's Base URL */
	readonly url: string;
	/** API requests (everything but the token path), in arrival order */
	readonly requests: TappedRequest[];
	/** arrival times of token requests */
	readonly tokenRequests: number[];
	reset(): void;
	close(): Promise<void>;
}

export async function startTokenTap(target: string, tokenPath: string, options: TokenTapOptions = {}): Promise<TokenTap> {
	const upstream = new URL(target);
	const tokenIds = new Map<string, number>();
	const requests: TappedRequest[] = [];
	const tokenRequests: number[] = [];
	const tokenNumber = (authorization: string | undefined): number => {
		const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
		if (!bearer) return 0;
		const key = createHash('sha256').update(bearer).digest('hex');
		if (!tokenIds.has(key)) tokenIds.set(key, tokenIds.size + 1);
		return tokenIds.get(key)!;
	};

	const server: Server = createServer((req: IncomingMessage, res) => {
		const path = req.url ?? '/';
		if (new URL(path, upstream).pathname === tokenPath) tokenRequests.push(Date.now());
		else {
			const caller = options.callers ? socketOwner(req.socket.remotePort ?? 0, req.socket.localPort ?? 0, options.callers()) : undefined;
			requests.push({ at: Date.now(), method: req.method ?? 'GET', path, token: tokenNumber(req.headers.authorization), caller });
		}
		// The client's Host header goes through: links the simulator builds from it (a feed's nextChunkUrl, a list's
		// next page) point back at the tap, as they would at an API behind a gateway.
		const forward = request(
			{ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		// The simulator's /api/drop closes the connection: the client must see the same.
		forward.on('error', () => res.destroy());
		req.pipe(forward);
	});
	await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		tokenRequests,
		reset() {
			requests.length = 0;
			tokenRequests.length = 0;
		},
		async close() {
			server.closeAllConnections();
			await new Promise((resolvePromise) => server.close(resolvePromise));
		},
	};
}
