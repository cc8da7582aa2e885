/**
 * The JAS error table (docs/providers.md#jas), the one source for every place that names a documented status: error
 * messages (errorItems.ts), the Status Codes picker (description.ts) and, checked by a test because the editor needs
 * it self-contained, the canvas labels in routing.ts.
 */
export const JAS_STATUSES = [
	{ code: 400, text: 'Client or Validation Error', label: 'Bad Request' },
	{ code: 401, text: 'Authentication Failure', label: 'Unauthorized' },
	{ code: 403, text: 'Access Denied', label: 'Forbidden' },
	{ code: 404, text: 'Requested Resource not Found', label: 'Not Found' },
	{ code: 405, text: 'Method not allowed', label: 'Method Not Allowed' },
	{ code: 406, text: 'Unsupported Accept Header', label: 'Not Acceptable' },
	{ code: 409, text: 'Inconsistent/Conflicting State', label: 'Conflict' },
	{ code: 415, text: 'Unsupported Content-type', label: 'Unsupported Type' },
	{ code: 429, text: 'Rate Limit Exceeded', label: 'Rate Limited' },
	{ code: 500, text: 'Unexpected Server Error', label: 'Server Error' },
] as const;

/** Status → the table's text. */
export const JAS_STATUS_TEXT: Readonly<Record<number, string>> = Object.fromEntries(JAS_STATUSES.map(({ code, text }) => [code, text]));
