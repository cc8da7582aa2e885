import { assertSupportedN8n } from '../../nodes/JasRequest/n8nVersion';
import { JAS_STATUSES } from '../../nodes/JasRequest/jasStatus';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';

import {
	CATEGORY,
	categoryOf,
	configuredOutputs,
	createRouter,
	isSuccessStatus,
	parseCodeList,
	type OutputDefinition,
	type RoutingParameters,
} from '../../nodes/JasRequest/routing';

const names = (outputs: OutputDefinition[]) => outputs.map((output) => output.displayName);

const CATEGORY_NAMES = ['Success', 'Client Error', 'Auth Error', 'Not Found', 'Rate Limited', 'Server Error', 'Network Error'];

describe('configuredOutputs', () => {
	it('defaults to the seven category outputs', () => {
		expect(names(configuredOutputs({}))).toEqual(CATEGORY_NAMES);
		expect(names(configuredOutputs({ routing: 'byCategory' }))).toEqual(CATEGORY_NAMES);
		expect(configuredOutputs({}).every((output) => output.type === 'main')).toBe(true);
	});

	it('byStatusCode: Success, one output per code, Other Error', () => {
		expect(names(configuredOutputs({ routing: 'byStatusCode', statusCodes: [401, '404'] }))).toEqual(['Success', '401 Unauthorized', '404 Not Found', 'Other Error']);
		expect(names(configuredOutputs({ routing: 'byStatusCode' }))).toEqual(['Success', 'Other Error']);
	});

	it('labels every code of the JAS table as jasStatus.ts does (the editor needs the labels inline)', () => {
		const codes = JAS_STATUSES.map(({ code }) => code);
		expect(names(configuredOutputs({ routing: 'byStatusCode', statusCodes: codes }))).toEqual([
			'Success',
			...JAS_STATUSES.map(({ code, label }) => `${code} ${label}`),
			'Other Error',
		]);
	});

	it('custom: rule name, else its codes, else "Rule n"', () => {
		const parameters: RoutingParameters = {
			routing: 'custom',
			customRules: { rules: [{ name: 'Auth', codes: '401' }, { codes: '500-599' }, {}] },
		};
		expect(names(configuredOutputs(parameters))).toEqual(['Success', 'Auth', '500-599', 'Rule 3', 'Other Error']);
		expect(names(configuredOutputs({ routing: 'custom' }))).toEqual(['Success', 'Other Error']);
	});
});

/**
 * n8n evaluates `={{(${configuredOutputs})($parameter)}}` in the editor: the function's source text, as compiled,
 * must run without any identifier from its module. We take the compiled JS (dist, as built by
 * `npx tsc -p tsconfig.json`; when dist is missing or older than the source, the same compilation done here with
 * the project's compiler options), evaluate the module, stringify the function and rebuild it from text alone.
 */
describe('configuredOutputs is self-contained once compiled', () => {
	const root = join(__dirname, '..', '..');
	const sourcePath = join(root, 'nodes', 'JasRequest', 'routing.ts');
	const distPath = join(root, 'dist', 'nodes', 'JasRequest', 'routing.js');

	function compiledModuleText(): { text: string; origin: string } {
		if (existsSync(distPath) && statSync(distPath).mtimeMs >= statSync(sourcePath).mtimeMs) {
			return { text: readFileSync(distPath, 'utf8'), origin: distPath };
		}
		const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
		const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
		const output = ts.transpileModule(readFileSync(sourcePath, 'utf8'), { compilerOptions: options, fileName: sourcePath });
		return { text: output.outputText, origin: 'transpiled routing.ts' };
	}

	const { text, origin } = compiledModuleText();
	// Evaluate the CommonJS module in a bare context: its exports hold the compiled function object.
	const moduleExports: Record<string, unknown> = {};
	vm.runInNewContext(text, {
		exports: moduleExports,
		module: { exports: moduleExports },
		require: (id: string) => {
			throw new Error(`routing.js must not require anything, asked for ${id}`);
		},
	});
	const compiled = moduleExports.configuredOutputs as (parameters: RoutingParameters) => OutputDefinition[];
	const source = compiled.toString();

	const cases: Array<[string, RoutingParameters]> = [
		['byCategory (default)', {}],
		['byCategory', { routing: 'byCategory' }],
		['byStatusCode', { routing: 'byStatusCode', statusCodes: [400, 429] }],
		['byStatusCode without codes', { routing: 'byStatusCode' }],
		['custom', { routing: 'custom', customRules: { rules: [{ name: 'Auth', codes: '401,403' }, { codes: 'network' }, {}] } }],
		['custom without rules', { routing: 'custom', customRules: {} }],
	];

	it(`is a function in the compiled module (${origin})`, () => {
		expect(typeof compiled).toBe('function');
		expect(source).not.toMatch(/\brequire\(|exports\./);
	});

	it.each(cases)('rebuilt with new Function, %s gives the same outputs as the source', (_label, parameters) => {
		const rebuilt = new Function('return (' + source + ')')() as typeof configuredOutputs;
		expect(rebuilt(parameters)).toEqual(configuredOutputs(parameters));
	});

	it.each(cases)('rebuilt in an empty context (no module scope, no globals of ours), %s works', (_label, parameters) => {
		const result = vm.runInNewContext(`(${source})(parameters)`, { parameters: JSON.parse(JSON.stringify(parameters)) }) as unknown;
		expect(JSON.parse(JSON.stringify(result))).toEqual(configuredOutputs(parameters));
	});

	it('works as the n8n outputs expression string', () => {
		const expression = `(${source})($parameter)`;
		const result = vm.runInNewContext(expression, { $parameter: { routing: 'byStatusCode', statusCodes: [404] } }) as OutputDefinition[];
		expect(result.map((output) => output.displayName)).toEqual(['Success', '404 Not Found', 'Other Error']);
	});
});

describe('parseCodeList', () => {
	it('parses codes, ranges and network, trimming and skipping empty parts', () => {
		expect(parseCodeList(' 401, 403 ,, 500 - 599, Network', 'Rule')).toEqual([
			{ from: 401, to: 401 },
			{ from: 403, to: 403 },
			{ from: 500, to: 599 },
			'network',
		]);
	});

	it('rejects an empty list, naming the rule', () => {
		expect(() => parseCodeList(' , ', 'Routing rule 2 ("X")')).toThrow(/^Routing rule 2 \("X"\) has no status codes/);
	});

	it.each(['99', '600', '4xx', '500-499', '1000', '404-', 'abc'])('rejects %p and names the part', (part) => {
		expect(() => parseCodeList(`401, ${part}`, 'Rule 1')).toThrow(`Rule 1: "${part}" is not a status code or range`);
	});

	it('accepts the limits 100 and 599', () => {
		expect(parseCodeList('100-599', 'R')).toEqual([{ from: 100, to: 599 }]);
	});
});

describe('isSuccessStatus and categoryOf', () => {
	it('success is any answer below 400', () => {
		expect([100, 200, 204, 301, 304, 399].every(isSuccessStatus)).toBe(true);
		expect([400, 404, 500].some(isSuccessStatus)).toBe(false);
		expect(isSuccessStatus(null)).toBe(false);
	});

	it.each([
		[null, CATEGORY.networkError],
		[200, CATEGORY.success],
		[302, CATEGORY.success],
		[400, CATEGORY.clientError],
		[401, CATEGORY.authError],
		[403, CATEGORY.authError],
		[404, CATEGORY.notFound],
		[409, CATEGORY.clientError],
		[422, CATEGORY.clientError],
		[429, CATEGORY.rateLimited],
		[500, CATEGORY.serverError],
		[503, CATEGORY.serverError],
	])('categoryOf(%p) = %p', (status, category) => {
		expect(categoryOf(status)).toBe(category);
	});

	it('category indexes match the output names', () => {
		const outputs = names(configuredOutputs({}));
		expect(outputs[CATEGORY.rateLimited]).toBe('Rate Limited');
		expect(outputs[CATEGORY.networkError]).toBe('Network Error');
		expect(outputs[CATEGORY.authError]).toBe('Auth Error');
	});
});

describe('createRouter', () => {
	it('byCategory routes by category; input errors go to Client Error', () => {
		const router = createRouter({});
		expect(router.outputs).toHaveLength(7);
		expect(router.route(429)).toBe(4);
		expect(router.route(null)).toBe(6);
		expect(router.inputError).toBe(CATEGORY.clientError);
	});

	it('byStatusCode: listed codes first, success, everything else to Other Error', () => {
		const router = createRouter({ routing: 'byStatusCode', statusCodes: [404, '429', 200] });
		expect(names(router.outputs)).toEqual(['Success', '404 Not Found', '429 Rate Limited', '200', 'Other Error']);
		expect(router.route(404)).toBe(1);
		expect(router.route(429)).toBe(2);
		expect(router.route(200)).toBe(3); // a listed success code gets its own output
		expect(router.route(201)).toBe(0);
		expect(router.route(500)).toBe(4);
		expect(router.route(null)).toBe(4);
		expect(router.inputError).toBe(4);
	});

	it('custom: first matching rule wins, then success, then Other Error', () => {
		const router = createRouter({
			routing: 'custom',
			customRules: { rules: [{ name: 'Gone', codes: '404, 410' }, { codes: '400-499' }, { name: 'Offline', codes: 'network' }] },
		});
		expect(names(router.outputs)).toEqual(['Success', 'Gone', '400-499', 'Offline', 'Other Error']);
		expect(router.route(410)).toBe(1);
		expect(router.route(404)).toBe(1);
		expect(router.route(418)).toBe(2);
		expect(router.route(null)).toBe(3);
		expect(router.route(204)).toBe(0);
		expect(router.route(502)).toBe(4);
		expect(router.inputError).toBe(4);
	});

	it('custom: a rule may capture success codes', () => {
		const router = createRouter({ routing: 'custom', customRules: { rules: [{ codes: '201' }] } });
		expect(router.route(201)).toBe(1);
		expect(router.route(200)).toBe(0);
	});

	it('custom: an invalid rule throws with its number and name', () => {
		expect(() => createRouter({ routing: 'custom', customRules: { rules: [{ codes: '200' }, { name: 'Bad', codes: '4O4' }] } })).toThrow(
			'Routing rule 2 ("Bad"): "4O4" is not a status code or range',
		);
		expect(() => createRouter({ routing: 'custom', customRules: { rules: [{ name: 'Empty' }] } })).toThrow(
			'Routing rule 1 ("Empty") has no status codes',
		);
	});
});

describe('assertSupportedN8n', () => {
	it('passes with NodeConnectionTypes, and refuses without it with a message that says what to do', () => {
		expect(() => assertSupportedN8n({ NodeConnectionTypes: { Main: 'main' } })).not.toThrow();
		expect(() => assertSupportedN8n({})).toThrow(/needs n8n 1\.123 or newer.*Update n8n/);
	});
});
