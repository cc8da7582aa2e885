/**
 * How a client-credentials credential's pasted fields are read: one rule, used in code (preAuthentication and the
 * node) and, as n8n expressions built from the same rule, in the credential's Test request, so Save's test asks for
 * exactly what the node will ask for. URLs and the client id are trimmed; the secret is used verbatim (a trailing
 * space may be part of one). The Token URL, when empty after trimming, is the Base URL (without trailing slashes)
 * plus the provider's path.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { trimTrailingSlashes } from '../http/url';

export type CredentialField = 'baseUrl' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'scope';

const VERBATIM: ReadonlySet<CredentialField> = new Set(['clientSecret']);

/** A field as the rule reads it ('' for anything but a string). */
export function fieldValue(credentials: ICredentialDataDecryptedObject, field: CredentialField): string {
	const value = credentials[field];
	if (typeof value !== 'string') return '';
	return VERBATIM.has(field) ? value : value.trim();
}

/** The same reading as the body of an n8n expression over `$credentials`. */
export function fieldExpression(field: CredentialField): string {
	const raw = `(typeof $credentials.${field} === "string" ? $credentials.${field} : "")`;
	return VERBATIM.has(field) ? raw : `${raw}.trim()`;
}

/** The Token URL: as entered, or the Base URL plus the provider's documented path. */
export function tokenUrlOf(credentials: ICredentialDataDecryptedObject, endpointPath: string): string {
	const explicit = fieldValue(credentials, 'tokenUrl');
	if (explicit) return explicit;
	const base = trimTrailingSlashes(fieldValue(credentials, 'baseUrl'));
	return base ? base + endpointPath : '';
}

/** tokenUrlOf as an n8n expression (for the Test request). */
export function tokenUrlExpression(endpointPath: string): string {
	const base = `${fieldExpression('baseUrl')}.replace(/\\/+$/, "")`;
	return `={{ ${fieldExpression('tokenUrl')} || (${base} ? ${base} + "${endpointPath}" : "") }}`;
}
