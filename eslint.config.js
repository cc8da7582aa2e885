// The rules of n8n's official scanner (@n8n/scan-community-package 0.32.0, `buildScanConfig` in
// scanner/scanner.mjs), taken from the scanner itself so the bar cannot drift: the community-nodes plugin's
// recommended config plus the community, credentials and nodes rule sets of eslint-plugin-n8n-nodes-base, with the
// scanner's own off-overrides. On top, deliberate exceptions (README, "n8n Cloud"): the runtime dependency on undici
// and its import, and reading the proxy variables in nodes/shared/http/proxyEnv.ts (as undici itself reads them). Nothing else may be switched off, here or inline (the scanner ignores
// inline eslint-disable comments, so `npm run lint` does too: see linterOptions).
const scanner = import('@n8n/scan-community-package/scanner/scanner.mjs');

/** The two exceptions: undici is the design card's HTTP client (keep-alive pools, per-hop egress checks, streaming). */
const UNDICI_EXCEPTIONS = [
	{
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		files: ['nodes/shared/http/**/*.ts'],
		rules: {
			// Only the import of 'undici' is let through; every other restricted module still fails.
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'no-restricted-imports': [
				'error',
				{
					patterns: [{ regex: '^(?!undici$|n8n-workflow$|node:crypto$|crypto$|\\.{1,2}/).*', message: 'n8n Cloud does not allow this import; only undici is excepted (README).' }],
				},
			],
		},
	},
	{
		// ALL_PROXY and scheme-less proxies, as n8n's own requests honour them (undici reads only HTTP(S)_PROXY itself):
		// the one file that reads process.env, and only the proxy variables.
		files: ['nodes/shared/http/proxyEnv.ts'],
		rules: { '@n8n/community-nodes/no-restricted-globals': 'off' },
	},
];

module.exports = (async () => [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'bench/**', 'tools/**', 'docs/**', '*.js', '*.mjs'] },
	{ linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
	...(await (await scanner).buildScanConfig()),
	...UNDICI_EXCEPTIONS,
])();
