/**
 * Per-item parameter reading that evaluates only what varies per item. In n8n 2.x every expression runs
 * in an isolate, about a millisecond each: evaluating a constant parameter for every item, or a plain
 * `{{ $json.path }}`, dominated the node's CPU time. Results are the same as `getNodeParameter`:
 * - a parameter without any expression is read once;
 * - a string made only of literal text and `{{ $json.a.b }}` / `{{ $json["a"] }}` references to strings,
 *   numbers or booleans is rendered directly (as n8n renders them: String(value), or the value itself
 *   when it is the whole expression);
 * - anything else goes to n8n's evaluator for each item.
 */
import type { IDataObject, IExecuteFunctions, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

type Segment = string | string[];

const KEY = String.raw`(?:\.([A-Za-z_$][\w$]*)|\[\s*"([^"\\]*)"\s*\]|\[\s*'([^'\\]*)'\s*\])`;
const REFERENCE = new RegExp(String.raw`^\{\{\s*\$json((?:${KEY})+)\s*\}\}`);
const KEYS = new RegExp(KEY, 'g');

/** Literal text and $json paths, or undefined when the expression is anything more. */
export function parseSimpleTemplate(expression: string): Segment[] | undefined {
	if (!expression.startsWith('=')) return undefined;
	const segments: Segment[] = [];
	let rest = expression.slice(1);
	while (rest.length > 0) {
		const open = rest.indexOf('{{');
		if (open === -1) {
			segments.push(rest);
			break;
		}
		if (open > 0) segments.push(rest.slice(0, open));
		const match = REFERENCE.exec(rest.slice(open));
		if (!match) return undefined;
		segments.push([...match[1].matchAll(KEYS)].map((key) => key[1] ?? key[2] ?? key[3]));
		rest = rest.slice(open + match[0].length);
	}
	return segments.some((segment) => segment.includes('}}')) ? undefined : segments;
}

/**
 * Renders a parsed template for one item; undefined when a value is not a string, number or boolean.
 * A lone reference keeps its type, as n8n returns `={{ $json.n }}` as a number.
 */
export function renderSimpleTemplate(segments: Segment[], json: IDataObject): string | number | boolean | undefined {
	const values: Array<string | number | boolean> = [];
	for (const segment of segments) {
		if (typeof segment === 'string') {
			values.push(segment);
			continue;
		}
		let value: unknown = json;
		for (const key of segment) value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as IDataObject)[key] : undefined;
		if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
		values.push(value);
	}
	return values.length === 1 ? values[0] : values.join('');
}

/** How a parameter is read, decided once per run from its raw value. */
type Reading = { kind: 'constant'; value: unknown } | { kind: 'template'; segments: Segment[] } | { kind: 'expression' };

export class ItemParameters {
	private readonly readings = new Map<string, Reading>();

	private readonly raw: INodeParameters;

	/** The run's input items (n8n hands out the same array for every call). */
	private items?: ReturnType<IExecuteFunctions['getInputData']>;

	constructor(private readonly ctx: IExecuteFunctions) {
		this.raw = ctx.getNode().parameters;
	}

	private reading(name: string, index: number, fallback: unknown): Reading {
		let reading = this.readings.get(name);
		if (!reading) {
			const raw = this.raw[name];
			if (!hasExpression(raw)) reading = { kind: 'constant', value: this.ctx.getNodeParameter(name, index, fallback as NodeParameterValueType) };
			else {
				const segments = typeof raw === 'string' ? parseSimpleTemplate(raw) : undefined;
				reading = segments ? { kind: 'template', segments } : { kind: 'expression' };
			}
			this.readings.set(name, reading);
		}
		return reading;
	}

	get<T>(name: string, index: number, fallback: T): T {
		const reading = this.reading(name, index, fallback);
		if (reading.kind === 'constant') return reading.value as T;
		if (reading.kind === 'template') {
			const json = (this.items ??= this.ctx.getInputData())[index]?.json;
			const rendered = json ? renderSimpleTemplate(reading.segments, json) : undefined;
			if (rendered !== undefined) return rendered as T;
		}
		return this.ctx.getNodeParameter(name, index, fallback as NodeParameterValueType) as T;
	}
}
