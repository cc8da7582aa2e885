/**
 * Everything the trigger takes from the JAS Request node, in this one file: the same authorizers (token engine,
 * JTL refresh through n8n), the same call loop (retries, Retry-After, one renewal after a 401), the same URL rule
 * and pagination decisions. JAS Request's modules may move; only these lines then need re-pointing.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeProperties, IPollFunctions } from 'n8n-workflow';

import type { TokenHttp } from '../shared/token/tokenRequest';
import { JtlAuthorizer } from '../JasRequest/authorizers';
import { properties as requestProperties } from '../JasRequest/description';

export { type Authorizer, ClientCredentialsAuthorizer } from '../JasRequest/authorizers';
export { callApi, type CallSettings } from '../JasRequest/callApi';
export { getPath } from '../JasRequest/dotPath';
export { statusTextFor } from '../JasRequest/present/errorItems';
export { firstPageUrl, nextPageUrl, type PaginationSettings } from '../JasRequest/pagination';
export { resolveUrl } from '../JasRequest/requestBuilder';
export { bodyText, parseText } from '../JasRequest/responseBody';

/**
 * The JTL authorizer for a poll. It asks n8n to refresh through `helpers.refreshOAuth2Token` (or, on older n8n,
 * `httpRequestWithAuthentication`) and `getCredentials`: a poll's context has the same three as an execution's.
 * `tokenHttp`: the token transport (never follows redirects) for the check before each refresh.
 */
export function jtlAuthorizer(ctx: IPollFunctions, credentials: ICredentialDataDecryptedObject, tokenHttp: TokenHttp, name?: string): JtlAuthorizer {
	return new JtlAuthorizer(ctx as unknown as IExecuteFunctions, credentials, tokenHttp, name);
}

/** A parameter of JAS Request (its name is the contract), or one of its options: the trigger offers the same. */
export function jasRequestParameter(name: string, inOptions = false): INodeProperties {
	const list = inOptions ? ((requestProperties.find((p) => p.name === 'options')?.options ?? []) as INodeProperties[]) : requestProperties;
	const found = list.find((p) => p.name === name);
	if (!found) throw new Error(`JAS Request has no parameter "${name}"`);
	return found;
}
