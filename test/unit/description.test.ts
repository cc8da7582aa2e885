/**
 * One home per fact: the option fields the editor shows, the README's options table and the tool description the
 * model reads all say what the code does (settings' LIMITS and PAGINATION_DEFAULTS, toolAnswer's real shapes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { properties } from '../../nodes/JasRequest/description';
import { properties as triggerProperties } from '../../nodes/JasTrigger/description';
import { toolAnswer, type ToolOutcome } from '../../nodes/JasRequest/present/toolAnswer';
import { LIMITS, PAGINATION_DEFAULTS } from '../../nodes/JasRequest/settings';

/** Every field, nested ones (options, pagination settings) included. */
function allFields(fields: readonly unknown[]): INodeProperties[] {
	return fields.flatMap((field) => {
		const f = field as INodeProperties & { values?: unknown[] };
		const nested = [...(Array.isArray(f.options) ? f.options : []), ...(Array.isArray(f.values) ? f.values : [])].filter((o) => typeof o === 'object' && o !== null);
		return 'type' in f ? [f, ...allFields(nested)] : allFields(nested);
	});
}
const fields = allFields(properties);
const field = (name: string) => fields.find((f) => f.name === name)!;

it.each(Object.entries(LIMITS))('the %s field shows the range and default the code clamps to', (name, range) => {
	const f = field(name);
	expect(f).toBeDefined();
	expect(f.typeOptions).toMatchObject({ minValue: range.min, maxValue: range.max });
	expect(f.default).toBe(range.fallback);
});

it.each(Object.entries(PAGINATION_DEFAULTS))('the pagination field %s defaults to what the code assumes when it is missing', (name, value) => {
	expect(field(name).default).toBe(value);
});

describe("the README's options table", () => {
	const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
	const rows = new Map([...readme.matchAll(/^\| ([^|]+?) \| ([^|]*?) \| ([^|]*?) \|$/gm)].map(([, option, byDefault, range]) => [option, `${byDefault} ${range}`]));
	const n = (value: number) => value.toLocaleString('en-US');
	it.each([
		['Concurrency', LIMITS.concurrency],
		['Max Response Size (MB)', LIMITS.maxResponseSizeMb],
		['Max Retry Wait (Seconds)', LIMITS.maxRetryWait],
		['Retries', LIMITS.maxRetries],
		['Timeout (Milliseconds)', LIMITS.timeout],
		['Max Requests per Second', LIMITS.maxRequestsPerSecond],
	])('%s states the default and range of LIMITS', (option, range) => {
		const row = rows.get(option) ?? '';
		expect(row).toContain(n(range.fallback));
		expect(row).toMatch(new RegExp(`${n(range.min)}\\D.*${n(range.max)}`));
	});
	it('Pagination states the Max Pages range', () => {
		const row = readme.split('\n').find((line) => line.startsWith('| Pagination |')) ?? '';
		expect(row).toContain(`Max Pages ${n(LIMITS.maxPages.min)}–${n(LIMITS.maxPages.max)}`);
	});
});

describe('the tool description the model reads', () => {
	const description = String(field('toolDescription').default);
	/** The shapes the description promises: `{ok: …, a, b}` lists. */
	const promised = [...description.matchAll(/\{ok: (true|false), ([^}]+)\}/g)].map(([, ok, keys]) => ({ ok: ok === 'true', keys: keys.split(', ') }));
	const details = { attempts: 1, request: { method: 'GET', url: '/x' } };
	const outcomes: ToolOutcome[] = [
		{ kind: 'success', status: 200, body: { a: 1 } },
		{ kind: 'file', status: 200, fileName: 'a.pdf', mimeType: 'application/pdf', size: '1 KB' },
		{ kind: 'error', error: { ...details, status: 429, statusText: 'Too Many Requests', message: 'slow', source: 'api', body: { message: 'm' }, retryAfter: 3 } },
		...(['token', 'network', 'input', 'response', 'internal'] as const).map(
			(source): ToolOutcome => ({ kind: 'error', error: { ...details, status: null, statusText: 'x', message: 'm', source } }),
		),		// A token failure says whether only the user can fix the credential (failures.ts).
		...[true, false].map((reconnectRequired): ToolOutcome => ({ kind: 'error', error: { ...details, status: null, statusText: 'x', message: 'm', source: 'token', reconnectRequired } })),
	];

	it.each(outcomes.map((outcome) => [outcome.kind === 'error' ? outcome.error.source : outcome.kind, outcome]))('a %s answer has a shape the description names', (_, outcome) => {
		const answer = toolAnswer(outcome, 20_000);
		const keys = Object.keys(answer).filter((key) => key !== 'ok');
		const shape = promised.find(({ ok, keys: named }) => ok === answer.ok && keys.every((key) => named.includes(key)));
		expect({ keys, shape }).toEqual({ keys, shape: expect.anything() });
	});

	it('a token failure tells the model whether retrying can help (reconnectRequired)', () => {
		const answer = (reconnectRequired: boolean) => toolAnswer({ kind: 'error', error: { ...details, status: null, statusText: 'x', message: 'm', source: 'token', reconnectRequired } }, 20_000);
		expect(answer(true)).toMatchObject({ problem: 'credential', reconnectRequired: true, advice: expect.stringMatching(/retrying will not help/) });
		expect(answer(false)).toMatchObject({ problem: 'credential', reconnectRequired: false, advice: expect.stringMatching(/Try again later/) });
	});

	it('names every problem an answer can have', () => {
		for (const outcome of outcomes.filter((o) => o.kind === 'error')) {
			const problem = toolAnswer(outcome, 20_000).problem;
			if (problem !== undefined) expect(description).toMatch(new RegExp(`problem: [^)]*\\b${String(problem)}\\b`));
		}
	});
});

/**
 * Where a displayOptions name points that no parameter has: n8n reads a plain name as a parameter of the same level
 * (inside Options: another option), '/name' as one of the node's own, '@tool' / '@version' as facts of the node. A wrong level hides the field for good
 * and n8n drops its value (JAS Trigger's feed options were lost that way).
 */
function danglingConditions(level: readonly unknown[], root: readonly unknown[], where: string): string[] {
	const names = (list: readonly unknown[]) => new Set(list.map((f) => (f as { name?: string }).name));
	const here = names(level);
	const top = names(root);
	return level.flatMap((entry) => {
		const f = entry as INodeProperties & { values?: unknown[] };
		const conditions = [...Object.keys(f.displayOptions?.show ?? {}), ...Object.keys(f.displayOptions?.hide ?? {})];
		const dangling = conditions.filter((key) => !key.startsWith('@') && (key.startsWith('/') ? !top.has(key.slice(1)) : !here.has(key))).map((key) => `${where}${f.name}: "${key}"`);
		const nested = Array.isArray(f.options) ? (f.options as unknown[]).filter((o) => typeof o === 'object' && o !== null && 'type' in o) : [];
		const groups = Array.isArray(f.options) ? (f.options as Array<{ name?: string; values?: unknown[] }>).filter((o) => Array.isArray(o.values)) : [];
		return [
			...dangling,
			...(nested.length > 0 ? danglingConditions(nested, root, `${where}${f.name}.`) : []),
			...groups.flatMap((g) => danglingConditions(g.values ?? [], root, `${where}${f.name}.${g.name ?? ''}.`)),
		];
	});
}

it.each([
	['JAS Request', properties],
	['JAS Trigger', triggerProperties],
])('%s: every field\'s display condition names a parameter of its level, or a node parameter as /name', (_node, props) => {
	expect(danglingConditions(props, props, '')).toEqual([]);
});
