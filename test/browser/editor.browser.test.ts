/**
 * The editor as a no-code user sees it, in a real Chromium against a real `n8n start` with the packed package and
 * the provider simulators: credential forms and their Test messages, JTL "Connect my account" through the popup
 * (approved, denied, wrong client secret), the node from the node search with its outputs per routing mode, and
 * the demo workflow run from the UI. Every step leaves a screenshot under .tmp/browser/; `npm run screenshots`
 * also writes the README's pictures (docs/images/). Skipped, loudly, where no Chromium is installed.
 */
import type { Page } from 'playwright-core';

import { chromiumMissing } from '../../tools/browser/chromium';
import { addNodeFromSearch, Canvas, CredentialForm } from '../../tools/browser/editor';
import { type EditorSession, startEditorSession } from '../../tools/browser/session';
import { docsImagesWanted } from '../../tools/browser/shots';
import { manualWorkflow } from '../../tools/n8n/instance';
import { demoWorkflow, JAS_OUTPUTS, JAS_REQUESTS, JTL_PRODUCT_COUNT } from '../../tools/demo/workflow';
import { DEMO_CLIENTS } from '../../tools/simulators';

const missing = chromiumMissing();
// `npm run screenshots` must not "succeed" without pictures.
if (missing && docsImagesWanted()) throw new Error(`npm run screenshots needs Chromium: ${missing}`);
if (missing) process.stderr.write(`\n*** SKIPPED: browser tests (test/browser): ${missing} ***\n\n`);
const suite = missing ? describe.skip : describe;

jest.setTimeout(3 * 60_000);

const WRONG_SECRET = 'wrong-secret-4c1f9e';

suite('the n8n editor in Chromium', () => {
	let s: EditorSession;
	let page: Page;
	/**
	 * Every page the user saw, for the leak check at the end. The values of input fields are left out: a secret the
	 * user is typing is in its field (n8n mirrors it into the value attribute); everywhere else it must not be.
	 * Reopened forms are checked whole (the secret must not come back into its field).
	 */
	const seen: Array<{ step: string; html: string }> = [];
	const remember = async (step: string) =>
		seen.push({ step, html: (await page.content()).replace(/(<input\b[^>]*?)\svalue="[^"]*"/g, '$1') });
	let jtlCredentialId = '';

	beforeAll(async () => {
		s = await startEditorSession();
		page = s.page;
	}, 8 * 60_000);

	afterEach(async () => {
		const test = (expect.getState().currentTestName ?? 'test').replace('the n8n editor in Chromium ', '');
		await s?.shots.step(page, `end-of-${test.slice(0, 40).replace(/\W+/g, '-')}`);
	});

	afterAll(async () => {
		await s?.close();
	});

	describe.each([
		['JAS', 'JAS OAuth2 API', () => s.setup.sims.jas, DEMO_CLIENTS.jas, 'jas'],
		['Partner', 'Partner OAuth2 API', () => s.setup.sims.partner, DEMO_CLIENTS.partner, 'partner'],
	] as const)('%s credential form', (_name, typeName, sim, client, slug) => {
		it('a wrong secret: the Test message says what to fix; the right one: tested successfully; reopened, the secret is not shown back', async () => {
			const form = await CredentialForm.create(page, s.server.url, typeName);
			await s.shots.step(page, `${slug}-form-empty`);
			await form.fill({ baseUrl: sim().url, clientId: client.clientId, clientSecret: WRONG_SECRET });
			const id = await form.save();
			const wrong = await form.testResult();
			await s.shots.step(page, `${slug}-test-wrong-secret`);
			if (slug === 'jas') await s.shots.docs(page, 'credential-test-wrong-secret', form.modal);
			await remember('JAS/Partner test message');
			expect(wrong.status).toBe('error');
			expect(wrong.message).toContain('rejected the client (401)');
			expect(wrong.message).toContain('Check the Client ID and Client Secret');
			expect(wrong.message).not.toContain('Authorization failed - please check your credentials');
			expect(wrong.message).not.toContain(WRONG_SECRET);

			await form.fill({ clientSecret: client.clientSecret });
			await form.save();
			const right = await form.testResult();
			await s.shots.step(page, `${slug}-test-ok`);
			await s.shots.docs(page, `credential-${slug}`, form.modal);
			expect(right).toEqual({ status: 'ok', message: expect.stringContaining('Connection tested successfully') });
			await form.close();

			const reopened = await CredentialForm.open(page, s.server.url, id);
			await s.shots.step(page, `${slug}-reopened`);
			await remember('JAS/Partner reopened');
			expect(await reopened.input('baseUrl').inputValue()).toBe(sim().url);
			expect(await reopened.input('clientId').inputValue()).toBe(client.clientId);
			expect(await reopened.input('clientSecret').inputValue()).not.toBe(client.clientSecret);
			expect(await page.content()).not.toContain(client.clientSecret);
			await reopened.close();
		});
	});

	it('JAS: an application without API subscription is told to check the subscription (403)', async () => {
		const form = await CredentialForm.create(page, s.server.url, 'JAS OAuth2 API');
		await form.fill({ baseUrl: s.setup.sims.jas.url, ...DEMO_CLIENTS.jasNoSubscription });
		await form.save();
		const result = await form.testResult();
		await s.shots.step(page, 'jas-test-no-subscription');
		expect(result.status).toBe('error');
		expect(result.message).toContain('denied access (403)');
		expect(result.message).toContain('subscribed to the API');
		await form.close();
	});

	/** A JTL credential filled in through its form (custom environment: the simulator), saved. */
	async function jtlForm(clientSecret: string, shotPrefix: string): Promise<{ form: CredentialForm; id: string }> {
		const form = await CredentialForm.create(page, s.server.url, 'JTL-FFN OAuth2 API');
		await form.fill({ clientId: DEMO_CLIENTS.jtl.clientId, clientSecret });
		await form.pick('environment', /^Custom/);
		await form.fill({ customApiUrl: `${s.setup.sims.jtl.url}/api`, customOAuthUrl: s.setup.sims.jtl.url });
		for (const scope of ['Merchant: Read', 'Merchant: Write']) {
			if (!(await form.chips('scopes')).includes(scope)) await form.pick('scopes', scope);
		}
		await s.shots.step(page, `${shotPrefix}-filled`);
		const id = await form.save();
		return { form, id };
	}

	/** Clicks Connect and returns the popup once it shows the JTL consent page. */
	async function connectPopup(form: CredentialForm): Promise<Page> {
		const opened = page.context().waitForEvent('page');
		await form.modal.getByTestId('oauth-not-connected-banner').getByRole('button', { name: 'Connect' }).click();
		const popup = await opened;
		await popup.getByText('asks for access to').waitFor();
		return popup;
	}

	it('JTL-FFN form: the environment shows or hides the custom URLs, scopes are a multi-select, the portal notice is shown', async () => {
		const form = await CredentialForm.create(page, s.server.url, 'JTL-FFN OAuth2 API');
		expect(await form.modal.getByText('Before connecting: log in once to the FFN portal').isVisible()).toBe(true);
		expect(await form.parameter('customApiUrl').count()).toBe(0); // Sandbox: no custom URLs
		await form.pick('environment', /^Custom/);
		expect(await form.parameter('customApiUrl').isVisible()).toBe(true);
		expect(await form.parameter('customOAuthUrl').isVisible()).toBe(true);
		await form.pick('scopes', 'Fulfiller: Read');
		expect(await form.chips('scopes')).toContain('Fulfiller: Read');
		await s.shots.step(page, 'jtl-form-custom');
		await form.pick('environment', /^Production/);
		expect(await form.parameter('customApiUrl').count()).toBe(0);
		await form.fill({ clientId: DEMO_CLIENTS.jtl.clientId, clientSecret: DEMO_CLIENTS.jtl.clientSecret });
		await form.save(); // closing unsaved would ask first
		await form.close();
	});

	it('JTL-FFN "Connect my account": n8n → the JTL login/consent page → Approve → connected', async () => {
		s.setup.sims.jtl.requireConsent(true);
		const { form, id } = await jtlForm(DEMO_CLIENTS.jtl.clientSecret, 'jtl-connect');
		jtlCredentialId = id;
		await s.shots.docs(page, 'credential-jtl', form.modal);
		const popup = await connectPopup(form);
		await popup.screenshot({ path: `${s.shots.dir}/jtl-consent-page.png` });
		const closed = popup.waitForEvent('close');
		await popup.locator('#approve').click();
		await closed;
		const connected = form.modal.getByTestId('oauth-connect-success-banner');
		await connected.waitFor();
		await s.shots.step(page, 'jtl-connected');
		await s.shots.docs(page, 'credential-jtl-connected', form.modal);
		await remember('JTL connected');
		expect(await connected.innerText()).toContain('Account connected');
		await form.close();
	});

	/** What n8n's callback page in the popup tells the user, its "More details" opened. */
	async function popupMessage(popup: Page, shot: string): Promise<string> {
		await popup.getByText(/Failed to connect|Connection successful/).waitFor();
		const details = popup.getByText('More details');
		if (await details.isVisible()) await details.click();
		await popup.screenshot({ path: `${s.shots.dir}/${shot}.png` });
		const text = await popup.locator('body').innerText();
		await popup.close();
		return text;
	}

	it('JTL-FFN "Connect my account", consent denied: the popup says it failed and why; the credential stays unconnected', async () => {
		const { form } = await jtlForm(DEMO_CLIENTS.jtl.clientSecret, 'jtl-deny');
		const popup = await connectPopup(form);
		await popup.locator('#deny').click();
		const told = await popupMessage(popup, 'jtl-denied-popup');
		await s.shots.step(page, 'jtl-denied');
		expect(told).toContain('Failed to connect');
		expect(told).toContain('access_denied'); // behind "More details": n8n shows the callback's query
		expect(await form.modal.getByTestId('oauth-connect-success-banner').isVisible()).toBe(false);
		expect(await form.modal.getByTestId('oauth-not-connected-banner').isVisible()).toBe(true);
		await form.close();
	});

	it('JTL-FFN "Connect my account" with a wrong client secret: the token exchange fails, and the popup says so', async () => {
		const { form } = await jtlForm(WRONG_SECRET, 'jtl-wrong-secret');
		const popup = await connectPopup(form);
		await popup.locator('#approve').click();
		const told = await popupMessage(popup, 'jtl-wrong-secret-popup');
		await s.shots.step(page, 'jtl-wrong-secret');
		await remember('JTL wrong client secret');
		expect(told).toContain('Failed to connect');
		expect(told).toMatch(/401|invalid_client|wrong client secret/i);
		expect(told).not.toContain(WRONG_SECRET);
		expect(await form.modal.getByTestId('oauth-connect-success-banner').isVisible()).toBe(false);
		await form.close();
	});

	it('JAS Request with the JTL credential connected in the browser pages through the products', async () => {
		expect(jtlCredentialId).not.toBe('');
		const jtlNode = demoWorkflow().nodes.find((node) => node.name === 'JTL Products')!;
		const workflow = manualWorkflow('jtlBrowserWf1', 'JTL via browser credential', {
			...jtlNode,
			credentials: { jtlFfnOAuth2Api: { id: jtlCredentialId, name: 'JTL-FFN account' } },
		});
		const created = await s.server.rest('/rest/workflows', {
			method: 'POST',
			body: JSON.stringify({ name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: {} }),
		});
		expect(created.status).toBe(200);
		const { data } = (await created.json()) as { data: { id: string } };
		s.setup.sims.jtl.resetStats();
		await page.goto(`${s.server.url}/workflow/${data.id}`);
		const canvas = new Canvas(page);
		await canvas.executeWorkflow();
		expect(await canvas.waitForOutputCount('JTL Products', 0)).toBe(JTL_PRODUCT_COUNT);
		await s.shots.step(page, 'jtl-products-run');
		expect(s.setup.sims.jtl.stats.apiRequests).toBeGreaterThanOrEqual(Math.ceil(JTL_PRODUCT_COUNT / 20));
	});

	it('the node: found in the node search, its outputs labelled per routing mode', async () => {
		await page.goto(`${s.server.url}/workflow/new`);
		await addNodeFromSearch(page, 'JAS', 'JAS Request');
		await s.shots.step(page, 'node-added');
		const ndv = page.getByTestId('ndv');
		const canvas = new Canvas(page);
		const closeNdv = async () => {
			await ndv.getByTestId('ndv-close-button').click();
			await ndv.waitFor({ state: 'hidden' });
		};
		const routeBy = async (option: string) => {
			await ndv.getByTestId('parameter-input-routing').click();
			await page.getByRole('option', { name: option }).click();
		};
		await closeNdv();
		expect(await canvas.outputLabels('JAS Request')).toEqual(JAS_OUTPUTS);

		await canvas.node('JAS Request').dblclick();
		await routeBy('By Status Code');
		await closeNdv();
		await s.shots.step(page, 'node-by-status-code');
		expect(await canvas.outputLabels('JAS Request')).toEqual(['Success', '401 Unauthorized', '404 Not Found', '429 Rate Limited', '500 Server Error', 'Other Error']);

		await canvas.node('JAS Request').dblclick();
		await routeBy('Custom Rules');
		await closeNdv();
		await s.shots.step(page, 'node-custom-rules');
		expect(await canvas.outputLabels('JAS Request')).toEqual(['Success', 'Other Error']);
	});

	it('the demo workflow run from the editor: item counts on each output, and the URL template as subtitle', async () => {
		await page.goto(`${s.server.url}/workflow/${s.setup.workflowId}`);
		const canvas = new Canvas(page);
		expect(await canvas.subtitle('JAS Request')).toBe('GET {{ $json.path }}');
		expect(await canvas.subtitle('JTL Products')).toBe('GET /v1/merchant/products');
		await canvas.executeWorkflow();
		const expected = Object.fromEntries(JAS_OUTPUTS.map((output) => [output, JAS_REQUESTS.filter((r) => r.expect === output).length]));
		await canvas.edgeLabel('JAS Request', 'Network Error').waitFor({ timeout: 90_000 });
		expect(await canvas.waitForOutputCount('JTL Products', 0)).toBe(JTL_PRODUCT_COUNT);
		await canvas.zoomToFit();
		await s.shots.step(page, 'demo-run');
		await s.shots.docs(page, 'node-outputs', await canvas.around(['One Item Per Request', 'JAS Request', ...JAS_OUTPUTS]));
		await remember('demo run');
		const shown: Record<string, number> = {};
		for (const output of JAS_OUTPUTS) shown[output] = Number(/(\d+) items?/.exec(await canvas.edgeLabel('JAS Request', output).innerText())?.[1] ?? 0);
		expect(shown).toEqual(expected);
		expect(await canvas.outputCount('Partner Request', 0)).toBe(1);
	});

	it('no secret or token in any page the user saw, nor in what n8n printed', () => {
		const secrets: Array<[string, string]> = [
			['the wrong secret typed', WRONG_SECRET],
			['JAS client secret', DEMO_CLIENTS.jas.clientSecret],
			['Partner client secret', DEMO_CLIENTS.partner.clientSecret],
			['JTL client secret', DEMO_CLIENTS.jtl.clientSecret],
			['JAS (no subscription) client secret', DEMO_CLIENTS.jasNoSubscription.clientSecret],
			...s.setup.sims.jas.issuedSecrets().map((t): [string, string] => ['a JAS token', t]),
			...s.setup.sims.partner.issuedSecrets().map((t): [string, string] => ['a Partner token', t]),
			...s.setup.sims.jtl.issuedSecrets().map((t): [string, string] => ['a JTL token', t]),
		];
		expect(seen.length).toBeGreaterThan(5);
		const logs = s.server.logs() + s.setup.n8n.logs();
		expect(logs.length).toBeGreaterThan(0);
		// Names only: a failure must not print the secret it found.
		const leaks = secrets.flatMap(([label, secret]) => [
			...seen.filter(({ html }) => html.includes(secret)).map(({ step }) => `${label} in the page of step "${step}"`),
			...(logs.includes(secret) ? [`${label} in n8n's output`] : []),
		]);
		expect(leaks).toEqual([]);
	});
});
