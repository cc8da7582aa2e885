/**
 * The suite-wide leak check: every secret a test world knows (client secrets of the simulators' clients, every
 * access and refresh token a simulator issued) is registered here, and every run of the node through the runNode
 * harness is checked against all of them: every field of every output item (JSON, binary metadata, and the bytes
 * of small files) and the error it threw. So each node test is also a leak test.
 */
import { registeredSecrets } from '../../tools/simulators/secretRegistry';

/** The spellings a leak may take in serialised output: as is, URL-encoded, base64. */
function spellings(secret: string): string[] {
	return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')];
}

/** Throws naming the field path when any registered secret appears anywhere in `value`. */
export function assertNoRegisteredSecrets(value: unknown, what: string): void {
	const secrets = registeredSecrets();
	if (secrets.size === 0) return;
	const forms = [...secrets].flatMap(spellings);
	const visit = (node: unknown, path: string, depth: number): void => {
		if (depth > 200) return;
		if (typeof node === 'string') {
			const found = forms.find((form) => node.includes(form));
			if (found !== undefined) throw new Error(`LEAK: a secret appears in ${what} at ${path || '(root)'}`);
			return;
		}
		if (Buffer.isBuffer(node)) return visit(node.toString('latin1'), path, depth + 1);
		if (node === null || typeof node !== 'object') return;
		for (const [key, inner] of Object.entries(node)) {
			visit(key, `${path}.<key ${key.slice(0, 20)}>`, depth + 1);
			visit(inner, `${path}.${key}`, depth + 1);
		}
	};
	visit(value, '', 0);
}
