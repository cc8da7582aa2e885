/**
 * The layers, as the folders show them (docs/architecture.md): imports run one way only.
 *   nodes/shared/http   → nothing of the package but itself
 *   nodes/shared/secrets/ → nothing of the package but itself
 *   nodes/shared/token  → http, secrets
 *   nodes/JasRequest    → shared (any), never credentials
 *   nodes/JasTrigger    → shared (any), and JAS Request only through nodes/JasTrigger/api.ts
 *   credentials         → credentials, nodes/shared/token
 * and no production module imports the tools or the tests. Inside the node, the item's way runs one way too:
 *   JasRequest.node.ts → execute.ts → run/ → present/ → the node's other modules
 * Beside the product: scripts and bench may import tools, tools never import scripts or bench; and no module
 * anywhere takes part in an import circle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = join(dir, name);
		return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
	});
}

/** Every relative import of a file, as repo-relative paths. */
function localImports(file: string): string[] {
	const source = readFileSync(file, 'utf8');
	return [...source.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) => relative(ROOT, resolve(dirname(file), match[1])));
}

const RULES: Array<{ layer: string; may: string[] }> = [
	{ layer: 'nodes/shared/http/', may: ['nodes/shared/http/'] },
	{ layer: 'nodes/shared/secrets/', may: ['nodes/shared/secrets/'] },
	{ layer: 'nodes/shared/token/', may: ['nodes/shared/token/', 'nodes/shared/http/', 'nodes/shared/secrets'] },
	{ layer: 'nodes/JasRequest/', may: ['nodes/JasRequest/', 'nodes/shared/'] },
	{ layer: 'nodes/JasTrigger/', may: ['nodes/JasTrigger/', 'nodes/shared/', 'nodes/JasRequest/'] },
	{ layer: 'credentials/', may: ['credentials/', 'nodes/shared/token/'] },
];

const production = [...files(join(ROOT, 'nodes')), ...files(join(ROOT, 'credentials'))];

it.each(RULES)('$layer imports only from its allowed layers', ({ layer, may }) => {
	const offending = production
		.filter((file) => relative(ROOT, file).startsWith(layer))
		.flatMap((file) => localImports(file).filter((target) => !may.some((allowed) => target.startsWith(allowed))).map((target) => `${relative(ROOT, file)} → ${target}`));
	expect(offending).toEqual([]);
});

it('the rules cover every production file', () => {
	const uncovered = production.map((file) => relative(ROOT, file)).filter((file) => !RULES.some(({ layer }) => file.startsWith(layer)));
	expect(uncovered).toEqual([]);
});

it('the trigger reaches JAS Request only through its one adapter (nodes/JasTrigger/api.ts)', () => {
	const offending = production
		.filter((file) => relative(ROOT, file).startsWith('nodes/JasTrigger/') && relative(ROOT, file) !== 'nodes/JasTrigger/api.ts')
		.flatMap((file) => localImports(file).filter((target) => target.startsWith('nodes/JasRequest/')).map((target) => `${relative(ROOT, file)} → ${target}`));
	expect(offending).toEqual([]);
});

/** The node's own order: a module may import only modules of its rank or lower. */
function nodeRank(file: string): number {
	if (file === 'nodes/JasRequest/JasRequest.node.ts') return 4;
	if (file === 'nodes/JasRequest/execute.ts') return 3;
	if (file.startsWith('nodes/JasRequest/run/')) return 2;
	if (file.startsWith('nodes/JasRequest/present/')) return 1;
	return 0;
}

it("inside the node, imports run JasRequest.node.ts → execute.ts → run/ → present/ → the node's other modules", () => {
	const node = production.map((file) => relative(ROOT, file)).filter((file) => file.startsWith('nodes/JasRequest/'));
	const offending = node.flatMap((file) =>
		localImports(join(ROOT, file))
			.map((target) => (target.endsWith('.ts') ? target : `${target}.ts`))
			.filter((target) => target.startsWith('nodes/JasRequest/') && nodeRank(target) > nodeRank(file))
			.map((target) => `${file} → ${target}`),
	);
	expect(offending).toEqual([]);
});

const tooling = ['tools', 'scripts', 'bench'].flatMap((dir) => files(join(ROOT, dir)));

it('tools never import scripts or bench (scripts and bench are entry points over the tools)', () => {
	const offending = tooling
		.filter((file) => relative(ROOT, file).startsWith('tools/'))
		.flatMap((file) => localImports(file).filter((target) => target.startsWith('scripts/') || target.startsWith('bench/')).map((target) => `${relative(ROOT, file)} → ${target}`));
	expect(offending).toEqual([]);
});

/** A module's file for an import path: `x.ts`, or `x/index.ts`. */
function moduleFile(target: string): string | undefined {
	for (const candidate of [`${target}.ts`, join(target, 'index.ts'), target]) {
		const full = join(ROOT, candidate);
		if (candidate.endsWith('.ts') && statSync(full, { throwIfNoEntry: false })?.isFile()) return candidate;
	}
	return undefined;
}

it('no module takes part in an import circle (type-only imports included)', () => {
	const graph = new Map<string, string[]>();
	for (const file of [...production, ...tooling]) {
		graph.set(relative(ROOT, file), localImports(file).flatMap((target) => moduleFile(target) ?? []));
	}
	const circles: string[] = [];
	const state = new Map<string, 'open' | 'done'>();
	const visit = (file: string, path: string[]): void => {
		if (state.get(file) === 'done') return;
		if (state.get(file) === 'open') {
			circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
			return;
		}
		state.set(file, 'open');
		for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
		state.set(file, 'done');
	};
	for (const file of graph.keys()) visit(file, []);
	expect(circles).toEqual([]);
});
