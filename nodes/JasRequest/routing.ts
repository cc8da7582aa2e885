/**
 * Outcome routing: which output an item goes to, from its HTTP status (or none, for network errors).
 * `configuredOutputs` is also the node's `outputs` expression in the editor, so it must stay
 * self-contained (n8n stringifies it): no imports, no helpers, no closures.
 */

export type RoutingMode = 'byCategory' | 'byStatusCode' | 'custom';

export interface RoutingParameters {
	routing?: RoutingMode;
	/** byStatusCode: the codes that get an output of their own. */
	statusCodes?: Array<number | string>;
	/** custom: user rules, first match wins. */
	customRules?: { rules?: Array<{ name?: string; codes?: string }> };
}

export interface OutputDefinition {
	type: 'main';
	displayName: string;
}

export const configuredOutputs = (parameters: RoutingParameters): OutputDefinition[] => {
	const mode = parameters.routing || 'byCategory';
	const out = (displayName: string): OutputDefinition => ({ type: 'main', displayName });
	if (mode === 'byStatusCode') {
		// Short labels: the canvas has little room, the picker shows the JAS table's full texts.
		const labels: Record<string, string> = {
			400: 'Bad Request',
			401: 'Unauthorized',
			403: 'Forbidden',
			404: 'Not Found',
			405: 'Method Not Allowed',
			406: 'Not Acceptable',
			409: 'Conflict',
			415: 'Unsupported Type',
			429: 'Rate Limited',
			500: 'Server Error',
		};
		const codes = ([] as Array<number | string>).concat(parameters.statusCodes || []);
		return [out('Success')].concat(
			codes.map((code) => out(labels[String(code)] ? code + ' ' + labels[String(code)] : String(code))),
			[out('Other Error')],
		);
	}
	if (mode === 'custom') {
		const rules = (parameters.customRules && parameters.customRules.rules) || [];
		return [out('Success')].concat(
			rules.map((rule, index) => out(rule.name || rule.codes || 'Rule ' + (index + 1))),
			[out('Other Error')],
		);
	}
	return ['Success', 'Client Error', 'Auth Error', 'Not Found', 'Rate Limited', 'Server Error', 'Network Error'].map(out);
};

/** byCategory output indexes. */
export const CATEGORY = {
	success: 0,
	clientError: 1,
	authError: 2,
	notFound: 3,
	rateLimited: 4,
	serverError: 5,
	networkError: 6,
} as const;

/** One matcher of a custom rule: a code, an inclusive range, or `network` (no HTTP answer). */
type Matcher = { from: number; to: number } | 'network';

/** Parses "401, 403", "500-599", "network"; throws a message that says what to fix. */
export function parseCodeList(spec: string, ruleLabel: string): Matcher[] {
	const parts = spec
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
	if (parts.length === 0) throw new Error(`${ruleLabel} has no status codes. Enter codes or ranges such as "401, 403" or "500-599".`);
	return parts.map((part): Matcher => {
		if (/^network$/i.test(part)) return 'network';
		const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
		const from = match ? Number(match[1]) : NaN;
		const to = match?.[2] ? Number(match[2]) : from;
		if (!match || from < 100 || to > 599 || from > to) {
			throw new Error(`${ruleLabel}: "${part}" is not a status code or range. Use codes from 100 to 599, e.g. "404" or "500-599", or "network".`);
		}
		return { from, to };
	});
}

function matches(matchers: Matcher[], status: number | null): boolean {
	return matchers.some((m) => (m === 'network' ? status === null : status !== null && status >= m.from && status <= m.to));
}

/** Success means an answer below 400: 2xx, or a 1xx/3xx handed back when redirects are not followed. */
export function isSuccessStatus(status: number | null): boolean {
	return status !== null && status < 400;
}

export function categoryOf(status: number | null): number {
	if (status === null) return CATEGORY.networkError;
	if (status < 400) return CATEGORY.success;
	if (status === 401 || status === 403) return CATEGORY.authError;
	if (status === 404) return CATEGORY.notFound;
	if (status === 429) return CATEGORY.rateLimited;
	if (status >= 500) return CATEGORY.serverError;
	return CATEGORY.clientError;
}

export interface Router {
	outputs: OutputDefinition[];
	/** Output index for an outcome: an HTTP status, or null when no HTTP answer arrived. */
	route(status: number | null): number;
	/** Output for an item whose own parameters are invalid (with "On Error: Continue"). */
	inputError: number;
}

/** Builds the router once per execution; throws (with what to fix) on an invalid configuration. */
export function createRouter(parameters: RoutingParameters): Router {
	const outputs = configuredOutputs(parameters);
	const mode = parameters.routing || 'byCategory';
	if (mode === 'byCategory') return { outputs, route: categoryOf, inputError: CATEGORY.clientError };
	const other = outputs.length - 1;
	if (mode === 'byStatusCode') {
		const codes = ([] as Array<number | string>).concat(parameters.statusCodes || []).map(Number);
		return {
			outputs,
			inputError: other,
			route: (status) => {
				const index = status === null ? -1 : codes.indexOf(status);
				if (index >= 0) return index + 1;
				return isSuccessStatus(status) ? 0 : other;
			},
		};
	}
	const rules = (parameters.customRules?.rules ?? []).map((rule, index) =>
		parseCodeList(rule.codes ?? '', `Routing rule ${index + 1}${rule.name ? ` ("${rule.name}")` : ''}`),
	);
	return {
		outputs,
		inputError: other,
		route: (status) => {
			const index = rules.findIndex((matchers) => matches(matchers, status));
			if (index >= 0) return index + 1;
			return isSuccessStatus(status) ? 0 : other;
		},
	};
}
