/**
 * A request as the simulators' routes see it. A leaf (imports nothing of the simulators), so the route modules
 * (changeFeeds.ts, recordLists.ts) and types.ts, which names their classes, need not import each other in a circle.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface TokenRecord {
	clientId: string;
	userId: string;
	scopes: string[];
	expiresAt: number;
}

/** A request as the token endpoint and the API routes see it: body already read. */
export interface SimRequest {
	method: string;
	url: URL;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

export interface ApiRequest extends SimRequest {
	/** the record of the bearer token that authenticated this request */
	token: TokenRecord;
}
