/**
 * The package runs on the n8n versions in the README's "Supported n8n versions" (measured: 1.123.81 and 2.41.1).
 * The one n8n API it needs when n8n loads it is `NodeConnectionTypes` (n8n-workflow); without it, loading would
 * fail with an obscure "cannot read properties of undefined". Say what to do instead.
 */
export function assertSupportedN8n(workflow: object): void {
	if (!('NodeConnectionTypes' in workflow) || !(workflow as { NodeConnectionTypes?: { Main?: unknown } }).NodeConnectionTypes?.Main) {
		throw new Error('n8n-nodes-jas needs n8n 1.123 or newer (this n8n lacks NodeConnectionTypes). Update n8n, or uninstall the package.');
	}
}
