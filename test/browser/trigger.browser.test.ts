/**
 * JAS Trigger in the editor, in a real Chromium against `n8n start`: a no-code user finds it in the node search,
 * and "Fetch Test Event" shows real records from the list it watches. Skipped, loudly, without Chromium.
 */
import type { Page } from 'playwright-core';

import { chromiumMissing } from '../../tools/browser/chromium';
import { addNodeFromSearch } from '../../tools/browser/editor';
import { type EditorSession, startEditorSession } from '../../tools/browser/session';
import { CREDENTIAL_IDS } from '../../scripts/demo/workflow';

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

	it('"Fetch Test Event" shows the records of the watched list', async () => {
		s.setup.sims.jas.lists.upsert('browser-bookings', [
			{ id: 'BK-1', reference: 'ORDER-1001' },
			{ id: 'BK-2', reference: 'ORDER-1002' },
		]);
		const node = {
			id: 'trigger',
			name: 'JAS Trigger',
			type: 'n8n-nodes-jas.jasTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, source: 'list', authentication: 'jasOAuth2Api', path: '/api/lists/browser-bookings' },
			credentials: { jasOAuth2Api: { id: CREDENTIAL_IDS.jas, name: 'JAS (simulator)' } },
		};
		const created = await s.server.rest('/rest/workflows', { method: 'POST', body: JSON.stringify({ name: 'JAS Trigger test event', nodes: [node], connections: {}, settings: {} }) });
		expect(created.status).toBe(200);
		const { data } = (await created.json()) as { data: { id: string } };
		await page.goto(`${s.server.url}/workflow/${data.id}`);
		await page.locator('[data-test-id="canvas-node"][data-node-name="JAS Trigger"]').dblclick();
		const ndv = page.getByTestId('ndv');
		await ndv.getByTestId('node-execute-button').click();
		await ndv.getByText('ORDER-1002').first().waitFor({ timeout: 60_000 });
		await s.shots.step(page, 'trigger-test-event');
		expect(await ndv.getByText('ORDER-1001').count()).toBeGreaterThan(0);
	});
});
