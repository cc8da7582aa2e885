/**
 * Where a JAS or Partner credential's token goes when another n8n node uses the credential (n8n's HTTP Request node,
 * "Predefined Credential Type"): n8n calls the credential's `authenticate` function with each request's options
 * (n8n CLI `CredentialsHelper.authenticate`, for `httpRequestWithAuthentication` and `requestWithAuthentication`
 * alike), and the Bearer header is added only when the request is for the credential's API origin (the Base URL's
 * scheme, host and port). A request elsewhere goes out without it; so does one whose URL cannot be read.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { tryParseUrl } from '../http/url';
import { fieldValue } from './credentialFields';

/** What n8n hands `authenticate`: its own request options, or the legacy ones (`uri`, `baseUrl`). */
type AnyRequestOptions = IHttpRequestOptions & { uri?: unknown; baseUrl?: unknown };

/** The URL a request is for, as n8n will resolve it. */
function targetOf(request: AnyRequestOptions): URL | undefined {
	const url: unknown = request.url ?? request.uri;
	const base: unknown = request.baseURL ?? request.baseUrl;
	if (typeof url !== 'string') return undefined;
	return tryParseUrl(url, typeof base === 'string' && base ? base : undefined);
}

/** Whether `request` is for the credential's API origin: the only place its token may be sent. */
export function isForApiOrigin(credentials: ICredentialDataDecryptedObject, request: AnyRequestOptions): boolean {
	const api = tryParseUrl(fieldValue(credentials, 'baseUrl'));
	const target = targetOf(request);
	return api !== undefined && target !== undefined && (api.protocol === 'http:' || api.protocol === 'https:') && api.origin === target.origin;
}

/** n8n's `authenticate`: the request with `Authorization: Bearer <token>` when it is for the API origin, else as it was. */
export async function authenticateForApiOrigin(credentials: ICredentialDataDecryptedObject, request: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const token = typeof credentials.accessToken === 'string' ? credentials.accessToken : '';
	if (!token || !isForApiOrigin(credentials, request)) return request;
	return { ...request, headers: { ...(request.headers ?? {}), Authorization: `Bearer ${token}` } };
}
