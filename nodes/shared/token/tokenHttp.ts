/**
 * The two ways a token request goes over the wire, both with the same rules: never follow a redirect (a 307/308
 * would re-post the client secret to whatever host the Location names), a timeout of their own, and certificates
 * always checked. The node uses the package's transport; the credentials' preAuthentication uses n8n's helper, so
 * that n8n's own proxy and egress settings apply there.
 */
import type { IHttpRequestHelper } from 'n8n-workflow';

import type { EgressFilter } from '../http/egress';
import { sendHttp } from '../http/send';
import { TOKEN_REQUEST_TIMEOUT_MS, type TokenHttp } from './tokenRequest';

/** A token answer is a few hundred bytes; anything near this is not one. */
const TOKEN_RESPONSE_MAX_BYTES = 1024 * 1024;

/** A TokenHttp over n8n's own request helper (credential hooks get nothing else). */
export function n8nTokenHttp(helpers: IHttpRequestHelper['helpers']): TokenHttp {
	return async (request) => {
		const response = (await helpers.httpRequest({
			url: request.url,
			method: request.method,
			headers: request.headers,
			body: request.body,
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: TOKEN_REQUEST_TIMEOUT_MS,
		})) as { statusCode: number; headers: Record<string, string | string[] | undefined>; body: unknown };
		const body = response.body;
		return {
			status: response.statusCode,
			headers: response.headers ?? {},
			body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? ''),
		};
	};
}

/**
 * The token engine's HTTP function over this transport, for the node's token requests. Token endpoints must answer
 * directly: no redirects. No execution's signal and always a valid certificate ("Ignore SSL Issues" is for the API
 * calls, never for the request that carries the client secret); its own timeout, since the request is shared.
 */
export function transportTokenHttp(options: { egress?: EgressFilter; timeoutMs?: number } = {}): TokenHttp {
	return async (request) => {
		const response = await sendHttp({
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			timeoutMs: options.timeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS,
			followRedirects: false,
			maxRedirects: 0,
			egress: options.egress,
			maxBodyBytes: TOKEN_RESPONSE_MAX_BYTES,
		});
		return { status: response.status, headers: response.headers, body: response.body.toString('utf8') };
	};
}
