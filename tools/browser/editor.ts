/**
 * Driving n8n's editor (2.41) as a user does: sign in, credential forms, the canvas. Selectors are n8n's own
 * data-test-id marks (the ones n8n's Playwright suite uses), so a changed editor fails here with a clear locator.
 */
import type { Locator, Page } from 'playwright-core';

import { OWNER } from '../n8n/server';

export async function signIn(page: Page, editorUrl: string): Promise<void> {
	await page.goto(`${editorUrl}/signin`);
	await page.locator('#emailOrLdapLoginId').fill(OWNER.email);
	await page.locator('#password').fill(OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** The credential dialog ("editCredential-modal") and its fields. */
export class CredentialForm {
	readonly modal: Locator;

	constructor(readonly page: Page) {
		this.modal = page.getByTestId('editCredential-modal');
	}

	/** The "Add new credential" picker, then the form of `typeDisplayName` (e.g. "JAS OAuth2 API"). */
	static async create(page: Page, editorUrl: string, typeDisplayName: string): Promise<CredentialForm> {
		await page.goto(`${editorUrl}/home/credentials/create`);
		await page.getByPlaceholder('Search for app...').fill(typeDisplayName);
		await page.getByRole('option', { name: typeDisplayName, exact: true }).click();
		await page.getByTestId('new-credential-type-button').click();
		const form = new CredentialForm(page);
		await form.modal.waitFor();
		return form;
	}

	/** A saved credential's form, as opened from the credentials list. */
	static async open(page: Page, editorUrl: string, id: string): Promise<CredentialForm> {
		await page.goto(`${editorUrl}/home/credentials/${id}`);
		const form = new CredentialForm(page);
		await form.modal.waitFor();
		return form;
	}

	/** The wrapper of parameter `name` (visible only when its displayOptions match). */
	parameter(name: string): Locator {
		return this.modal.getByTestId(`parameter-input-${name}`);
	}

	input(name: string): Locator {
		return this.parameter(name).locator('input').first();
	}

	async fill(values: Record<string, string>): Promise<void> {
		for (const [name, value] of Object.entries(values)) await this.input(name).fill(value);
	}

	/** Picks `option` (its label, or a pattern) in a single or multi select. */
	async pick(name: string, option: string | RegExp): Promise<void> {
		await this.parameter(name).click();
		await this.page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
		if (await this.page.getByRole('listbox').isVisible()) await this.page.keyboard.press('Escape');
	}

	/** The chips a multi-select shows. */
	async chips(name: string): Promise<string[]> {
		return (await this.parameter(name).locator('.el-tag, .el-select__tags-text').allTextContents()).map((t) => t.trim()).filter(Boolean);
	}

	/** The credential test n8n runs after a save (none for OAuth2 types); testResult() waits for it. */
	private pendingTest: Promise<unknown> = Promise.resolve();

	/** Saves; n8n then tests the credential on its own (not for OAuth2 types). Returns the credential's id. */
	async save(): Promise<string> {
		const isPath = (pattern: RegExp) => (response: { url(): string }) => pattern.test(new URL(response.url()).pathname);
		const answered = this.page.waitForResponse(
			(response) => isPath(/^\/rest\/credentials(\/[^/]+)?$/)(response) && ['POST', 'PATCH'].includes(response.request().method()),
		);
		this.pendingTest = this.page.waitForResponse(isPath(/^\/rest\/credentials\/test$/), { timeout: 60_000 }).catch(() => undefined);
		await this.modal.getByTestId('credential-save-button').click();
		const response = await answered;
		if (!response.ok()) throw new Error(`saving the credential answered ${response.status()}`);
		const { data } = (await response.json()) as { data: { id: string } };
		return data.id;
	}

	/**
	 * The result of n8n's credential test as the dialog shows it: "ok", or "error" with the message of the red
	 * banner (behind "More details" when n8n folds it).
	 */
	async testResult(): Promise<{ status: 'ok' | 'error'; message: string }> {
		await this.pendingTest;
		const success = this.modal.getByTestId('credentials-config-container-test-success');
		const failure = this.modal.getByText(/Couldn.t connect with these settings/);
		await success.or(failure).first().waitFor({ timeout: 60_000 });
		if (await success.isVisible()) return { status: 'ok', message: (await success.innerText()).trim() };
		const details = this.modal.getByText('More details');
		if (await details.isVisible()) await details.click();
		// The innermost element holding the headline, Retry and more text is the banner with its message.
		const message = await this.page.waitForFunction(`(() => {
			const modal = document.querySelector('[data-test-id="editCredential-modal"]');
			const chrome = /Couldn.t connect with these settings|Retry|More details/g;
			const banners = [...(modal ? modal.querySelectorAll('div') : [])].filter((div) =>
				/Couldn.t connect with these settings/.test(div.innerText) && /Retry/.test(div.innerText) && div.innerText.replace(chrome, '').trim());
			const banner = banners[banners.length - 1];
			return banner ? banner.innerText.replace(chrome, '').trim() : false;
		})()`);
		return { status: 'error', message: String(await message.jsonValue()) };
	}

	async close(): Promise<void> {
		await this.modal.getByRole('button', { name: 'Close this dialog' }).click();
		// An OAuth2 credential that is not connected asks "Close without connecting?" first.
		const confirm = this.page.getByRole('dialog').filter({ hasText: 'Close without connecting?' });
		const hidden = this.modal.waitFor({ state: 'hidden' }).then(() => 'hidden' as const);
		const asked = confirm.waitFor().then(
			() => 'asked' as const,
			() => 'hidden' as const,
		);
		if ((await Promise.race([hidden, asked])) === 'asked') await confirm.getByRole('button', { name: 'Close', exact: true }).click();
		await hidden;
	}
}

/** Canvas nodes and edges of the open workflow. */
export class Canvas {
	constructor(readonly page: Page) {}

	node(name: string): Locator {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	}

	/** Output labels of a node, in output order. */
	async outputLabels(name: string): Promise<string[]> {
		const handles = this.page.locator(`[data-test-id="canvas-node-output-handle"][data-node-name="${name}"][data-connection-type="main"]`);
		return (await handles.allTextContents()).map((text) => text.replace(/\d+ items?/, '').trim());
	}

	/** The item-count label of the edge from `from` to `to` after a run, e.g. "20 items". */
	edgeLabel(from: string, to: string): Locator {
		return this.page.locator(`[data-test-id="edge-label"][data-source-node-name="${from}"][data-target-node-name="${to}"]`);
	}

	/** The item count shown on output `index` of `name` (also when nothing is connected to it), 0 without a label. */
	async outputCount(name: string, index: number): Promise<number> {
		const handle = this.page.locator(`[data-test-id="canvas-node-output-handle"][data-node-name="${name}"][data-index="${index}"]`);
		const match = /(\d+) items?/.exec((await handle.textContent()) ?? '');
		return match ? Number(match[1]) : 0;
	}

	/** Waits until output `index` of `name` shows an item count (after a run); returns it. */
	async waitForOutputCount(name: string, index: number, timeoutMs = 90_000): Promise<number> {
		const handle = this.page.locator(`[data-test-id="canvas-node-output-handle"][data-node-name="${name}"][data-index="${index}"]`);
		await handle.getByText(/\d+ items?/).waitFor({ timeout: timeoutMs });
		return await this.outputCount(name, index);
	}

	/** The node's subtitle line under its name. */
	async subtitle(name: string): Promise<string> {
		return (await this.node(name).locator('[class*="subtitle"]').first().textContent())?.trim() ?? '';
	}

	async executeWorkflow(): Promise<void> {
		await this.page.getByTestId('execute-workflow-button').click();
	}

	async zoomToFit(): Promise<void> {
		await this.page.getByTestId('zoom-to-fit').click();
	}

	/** The smallest rectangle around the named nodes, with a margin (for a screenshot clip). */
	async around(names: string[], margin = 40): Promise<{ x: number; y: number; width: number; height: number }> {
		const boxes = await Promise.all(names.map(async (name) => await this.node(name).boundingBox()));
		const present = boxes.filter((box): box is NonNullable<typeof box> => box !== null);
		if (present.length === 0) throw new Error(`none of ${names.join(', ')} is on the canvas`);
		const x = Math.max(0, Math.min(...present.map((b) => b.x)) - margin);
		const y = Math.max(0, Math.min(...present.map((b) => b.y)) - margin);
		const right = Math.max(...present.map((b) => b.x + b.width)) + margin;
		const bottom = Math.max(...present.map((b) => b.y + b.height)) + margin;
		return { x, y, width: right - x, height: bottom - y };
	}
}

/** Adds a node through the node search (the "+" on the canvas), as a user finds it. */
export async function addNodeFromSearch(page: Page, search: string, displayName: string): Promise<void> {
	await page.getByTestId('node-creator-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill(search);
	await page.getByTestId('node-creator-item-name').getByText(displayName, { exact: true }).click();
	// Community nodes open a details panel first; built-in ones are added at once.
	const add = page.getByRole('button', { name: 'Add to workflow' });
	const ndv = page.getByTestId('ndv');
	await add.or(ndv).first().waitFor();
	if (await add.isVisible()) await add.click();
	await ndv.waitFor();
}
