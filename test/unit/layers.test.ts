/**
 * The layers, as the folders show them (docs/architecture.md): imports run one way only.
 *   nodes/shared/http   → nothing of the package but itself
 *   nodes/shared/secrets.ts → nothing of the package
 *   nodes/shared/token  → http, secrets
 *   nodes/JasRequest    → shared (any), never credentials
 *   nodes/JasTrigger    → shared (any), and JAS Request only through nodes/JasTrigger/api.ts
 *   credentials         → credentials, nodes/shared/token
 * and no production module imports the tools or the tests.
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
	{ layer: 'nodes/shared/secrets', may: [] },
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
