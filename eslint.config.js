const tsParser = require('@typescript-eslint/parser');
const n8n = require('eslint-plugin-n8n-nodes-base');

const withParser = { parser: tsParser, parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] } };

module.exports = [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'bench/**', '*.js'] },
	{
		files: ['package.json'],
		languageOptions: withParser,
		plugins: { 'n8n-nodes-base': n8n },
		rules: n8n.configs.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: withParser,
		plugins: { 'n8n-nodes-base': n8n },
		rules: {
			...n8n.configs.credentials.rules,
			// As in n8n-nodes-starter: camelCase doc slugs apply to n8n's own repository; ours are full URLs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: withParser,
		plugins: { 'n8n-nodes-base': n8n },
		rules: n8n.configs.nodes.rules,
	},
];
