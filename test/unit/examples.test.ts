/**
 * The example workflows (examples/) and the demo's workflow, checked offline as a user meets them:
 * - they run against the demo as shipped: every credential they name is one `npm run demo` creates (its id and name),
 *   and their notes say that n8n keeps a change of credential only once the workflow is saved (Ctrl+S);
 * - every node and its name can be read on n8n's canvas: no two nodes' boxes (node plus its two-line name below)
 *   overlap, nor a node and a sticky note, nor two notes. The sizes are n8n 2.41.1's canvas (editor-ui
 *   `calculateNodeSize`: a node is 96 × 96, 32 px taller for each port beyond two; an AI sub-node is 80 × 80; the
 *   name below wraps at twice a node's width, 192 px, and shows at most two lines).
 * test/e2e/examples.e2e.test.ts runs them in a real n8n with exactly the demo's credentials.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { configuredOutputs, type RoutingParameters } from '../../nodes/JasRequest/routing';
import { DEMO_CREDENTIALS, demoWorkflow } from '../../tools/demo/workflow';

type WorkflowNode = {
	name: string;
	type: string;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: unknown; name: string }>;
	onError?: string;
};
type Workflow = { name: string; nodes: WorkflowNode[] };

const EXAMPLES_DIR = resolve(__dirname, '..', '..', 'examples');
const examples: Array<[string, Workflow]> = readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => [file, JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Workflow]);
const STICKY = 'n8n-nodes-base.stickyNote';

interface Box {
	name: string;
	x: number;
	y: number;
	width: number;
	height: number;
}

/** Ports on the node's left and right side: main inputs, and main outputs (JAS Request: one per routed outcome, plus n8n's Error output). */
function sidePorts(node: WorkflowNode): number {
	const trigger = /trigger/i.test(node.type) ? 0 : 1;
	let outputs = 1;
	if (node.type === 'n8n-nodes-jas.jasRequest') outputs = configuredOutputs(node.parameters as RoutingParameters).length;
	if (node.onError === 'continueErrorOutput') outputs += 1;
	return Math.max(trigger, outputs, 1);
}

/** The node's box on n8n 2.41.1's canvas, its name below it included (two lines of 20 px, a subtitle line, margins). */
function boxOf(node: WorkflowNode): Box {
	const [x, y] = node.position;
	if (node.type === STICKY) return { name: node.name, x, y, width: Number(node.parameters.width ?? 240), height: Number(node.parameters.height ?? 160) };
	const subNode = /lmChat|Tool$/.test(node.type);
	const agent = node.type === '@n8n/n8n-nodes-langchain.agent';
	const width = subNode ? 80 : agent ? 80 + 16 * (1 + 3 * 3) : 96;
	const height = subNode ? 80 : 96 + Math.max(0, sidePorts(node) - 2) * 32;
	const labelWidth = Math.max(width, 2 * 96);
	return { name: node.name, x: x - (labelWidth - width) / 2, y, width: labelWidth, height: height + 64 };
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function overlaps(workflow: Workflow): string[] {
	const boxes = workflow.nodes.map((node) => ({ node, box: boxOf(node) }));
	const found: string[] = [];
	boxes.forEach(({ node, box }, i) => {
		for (const other of boxes.slice(i + 1)) if (overlap(box, other.box)) found.push(`"${node.name}" and "${other.node.name}"`);
	});
	return found;
}

const demo = demoWorkflow() as unknown as Workflow;

describe('as shipped, every example runs against the demo', () => {
	const demoRefs = new Map<string, { id: string; name: string }>(Object.values(DEMO_CREDENTIALS).map(({ id, name, type }) => [type, { id, name }]));

	it.each(examples)('%s names only credentials the demo creates (id and name), of the type the node wants', (_file, workflow) => {
		const refs = workflow.nodes.flatMap((node) => Object.entries(node.credentials ?? {}));
		expect(refs.length).toBeGreaterThan(0);
		for (const [type, ref] of refs) expect({ type, ref }).toEqual({ type, ref: demoRefs.get(type) });
	});

	it.each(examples)('%s: a sticky note names its demo credentials and says that a credential change is kept only on Ctrl+S', (_file, workflow) => {
		const notes = workflow.nodes.filter((node) => node.type === STICKY).map((node) => String(node.parameters.content));
		const credentialNote = notes.find((note) => note.includes('**Credentials**'));
		expect(credentialNote).toMatch(/save the workflow \(\*\*Ctrl\+S\*\*\)/);
		for (const node of workflow.nodes) for (const ref of Object.values(node.credentials ?? {})) expect(credentialNote).toContain(`**${ref.name}**`);
	});

	it('the demo workflow explains itself in sticky notes', () => {
		const notes = demo.nodes.filter((node) => node.type === STICKY).map((node) => String(node.parameters.content));
		expect(notes.length).toBeGreaterThanOrEqual(2);
		expect(notes.join('\n')).toMatch(/Execute workflow[\s\S]*Success[\s\S]*Ctrl\+S/);
	});
});

describe("every node and its name can be read on n8n's canvas", () => {
	it.each([...examples, ['the demo workflow', demo] as [string, Workflow]])('%s: no two boxes overlap', (_file, workflow) => {
		expect(overlaps(workflow)).toEqual([]);
	});

	it('the check finds overlaps: the paginated export as it was (error nodes 110 px apart)', () => {
		const [, workflow] = examples.find(([file]) => file === 'jas-paginated-export.json')!;
		const errors = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.noOp').map((node, index) => ({ ...node, position: [600, 230 + 110 * index] as [number, number] }));
		expect(overlaps({ ...workflow, nodes: errors })).toHaveLength(5);
	});

	it('a JAS Request box grows with its outputs, as on the canvas (7 outcomes: 96 + 5 × 32 px, plus its name)', () => {
		const node = { name: 'JAS', type: 'n8n-nodes-jas.jasRequest', position: [0, 0] as [number, number], parameters: {} };
		expect(boxOf(node)).toEqual({ name: 'JAS', x: -48, y: 0, width: 192, height: 256 + 64 });
		expect(boxOf({ ...node, onError: 'continueErrorOutput' }).height).toBe(288 + 64);
	});
});
