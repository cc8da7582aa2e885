/**
 * ItemParameters must give exactly what n8n's getNodeParameter gives, only faster: compared here item by
 * item against n8n's own evaluator, for templates it renders itself and for ones it hands to n8n.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { ItemParameters, parseSimpleTemplate, renderSimpleTemplate } from '../../nodes/JasRequest/itemParameters';
import { runNode } from '../helpers/runNode';

class CompareParameters implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Compare Parameters',
		name: 'compareParameters',
		group: ['transform'],
		version: 1,
		description: 'test node',
		defaults: { name: 'Compare Parameters' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			{ displayName: 'Constant', name: 'constant', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const params = new ItemParameters(this);
		return [
			this.getInputData().map((_, index) => ({
				json: {
					fast: params.get('value', index, ''),
					n8n: this.getNodeParameter('value', index, ''),
					constant: params.get('constant', index, ''),
				},
				pairedItem: { item: index },
			})),
		];
	}
}

const items = [
	{ json: { path: '/a', n: 5, flag: true, nested: { id: 'x y' }, 'odd key': 'q' } },
	{ json: { path: '/b', n: 0, flag: false, nested: { id: 7 }, 'odd key': 'r' } },
	{ json: { n: 1.5, nested: null } },
	{ json: { path: { not: 'a string' }, n: -1 } },
];

it.each([
	'={{ $json.path }}',
	'={{ $json.n }}',
	'={{ $json.flag }}',
	'=/api/echo?n={{ $json.n }}&flag={{$json.flag}}',
	'=/x/{{ $json.nested.id }}/{{ $json["odd key"] }}',
	"=/x/{{ $json['odd key'] }}",
	'=/api/{{ $json.missing }}',
	'={{ $json.path + "/more" }}',
	'=plain text, no braces',
])('%s renders as n8n renders it, for every item', async (value) => {
	const result = await runNode({ node: new CompareParameters(), parameters: { value, constant: 'fixed' }, items });
	for (const item of result.outputs[0]) {
		expect(item.json.fast).toEqual(item.json.n8n);
		expect(item.json.constant).toBe('fixed');
	}
});

it('renders directly what it can', () => {
	expect(renderSimpleTemplate(parseSimpleTemplate('=/e?n={{ $json.n }}')!, { n: 5 })).toBe('/e?n=5');
	expect(renderSimpleTemplate(parseSimpleTemplate('={{ $json.n }}')!, { n: 5 })).toBe(5);
	expect(renderSimpleTemplate(parseSimpleTemplate('={{ $json.n }}')!, { n: { deep: 1 } })).toBeUndefined();
});

it('only plain $json references are rendered directly', () => {
	expect(parseSimpleTemplate('=/a/{{ $json.b.c }}?d={{ $json["e f"] }}')).toEqual(['/a/', ['b', 'c'], '?d=', ['e f']]);
	expect(parseSimpleTemplate('={{ $json.a + 1 }}')).toBeUndefined();
	expect(parseSimpleTemplate('={{ $("Node").item.json.a }}')).toBeUndefined();
	expect(parseSimpleTemplate('={{ $json.a }}}}')).toBeUndefined();
	expect(parseSimpleTemplate('no expression')).toBeUndefined();
});
