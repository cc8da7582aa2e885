/**
 * JAS Trigger in the editor, in a real Chromium against `n8n start`: a no-code user finds it in the node search and
 * its parameters open. ("Fetch Test Event" returning real records is covered through n8n-core in
 * test/node/jasTrigger.node.test.ts.) Skipped, loudly, without Chromium.
 */
import type { Page } from 'playwright-core';

import { chromiumMissing } from '../../tools/browser/chromium';
import { addNodeFromSearch } from '../../tools/browser/editor';
import { type EditorSession, startEditorSession } from '../../tools/browser/session';

const missing = chromiumMissing();
if (missing) process.stderr.write(`\n*** SKIPPED: browser tests (test/browser/trigger): ${missing} ***\n\n`);
const suite = missing ? describe.skip : describe;

jest.setTimeout(3 * 60_000);

suite('JAS Trigger in the editor', () => {
	let s: EditorSession;
	let page: Page;

	beforeAll(async () => {
		s = await startEditorSession();
		page = s.page;
	}, 8 * 60_000);

	afterAll(async () => {
		await s?.close();
	});

	it('is found in the node search as a trigger', async () => {
		await page.goto(`${s.server.url}/workflow/new`);
		await addNodeFromSearch(page, 'JAS Trigger', 'JAS Trigger');
		await s.shots.step(page, 'trigger-added');
		await page.getByTestId('ndv').getByText('On First Activation').first().waitFor();
	});
});
