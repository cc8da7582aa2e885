/**
 * Everything a browser run needs, in one call: the demo's simulators, credentials and workflow in a real n8n
 * (tools/demo/run.ts), `n8n start` on a free port with the owner account, and a signed-in Chromium page.
 */
import type { Page } from 'playwright-core';

import { type DemoSetup, setUpDemo } from '../demo/run';
import { freePort } from '../n8n/process';
import { type N8nServer, startN8nServer } from '../n8n/server';
import { type Browser, launchChromium } from './chromium';
import { signIn } from './editor';
import { docsImagesWanted, Shots } from './shots';

export interface EditorSession {
	setup: DemoSetup;
	server: N8nServer;
	browser: Browser;
	page: Page;
	shots: Shots;
	close(): Promise<void>;
}

export async function startEditorSession(): Promise<EditorSession> {
	const port = await freePort();
	const setup = await setUpDemo({ editorPort: port });
	const closers: Array<() => Promise<void>> = [async () => await setup.close()];
	const close = async () => {
		for (const closer of closers.reverse()) await closer().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
	};
	try {
		const server = await startN8nServer(setup.n8n, { port });
		closers.push(async () => await server.stop());
		await server.setUpOwner();
		// README pictures of the canvas are rendered at twice the pixels: "zoom to fit" makes its labels tiny.
		const browser = await launchChromium({ deviceScaleFactor: docsImagesWanted() ? 2 : 1 });
		closers.push(async () => await browser.close());
		const page = await browser.context.newPage();
		await signIn(page, server.url);
		return { setup, server, browser, page, shots: new Shots(), close };
	} catch (error) {
		await close();
		throw error;
	}
}
