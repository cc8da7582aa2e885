#!/usr/bin/env node
// Runs first in `npm test` and `npm run demo`: a newcomer who skipped `npm ci` gets one clear line instead of
// "sh: tsc: not found". Plain Node, no dependencies (it must work before anything is installed).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
	console.error(`n8n-nodes-jas development needs Node.js 20 or newer; this is ${process.version}.`);
	process.exit(1);
}
const needed = ['tsc', 'jest', 'tsx', 'gulp'];
const missing = needed.filter((bin) => !existsSync(join(root, 'node_modules', '.bin', bin)));
if (missing.length > 0) {
	console.error(`The development dependencies are not installed (missing: ${missing.join(', ')}).`);
	console.error('Run `npm ci` first, then run this command again.');
	process.exit(1);
}
