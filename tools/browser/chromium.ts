/**
 * Debian's Chromium driven by playwright-core (browser downloads are not possible here, so playwright's own
 * builds are never used). Suites check `chromiumMissing()` first and skip loudly when it says why.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type BrowserContext, chromium, selectors } from 'playwright-core';

export const CHROMIUM_PATH = process.env.JAS_CHROMIUM_PATH || '/usr/bin/chromium';

/** Why no browser test can run here, or undefined when Chromium is installed. */
export function chromiumMissing(): string | undefined {
	return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (Debian: apt-get install chromium; or set JAS_CHROMIUM_PATH)`;
}

const ARGS = [
	'--headless',
	'--no-sandbox', // CI containers run as root, where Chromium's sandbox cannot start
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface Browser {
	context: BrowserContext;
	close(): Promise<void>;
}

/** A fresh Chromium with an empty profile of its own (deleted on close), 1280x800, English UI. */
export async function launchChromium(options: { deviceScaleFactor?: number } = {}): Promise<Browser> {
	selectors.setTestIdAttribute('data-test-id'); // n8n's editor marks its elements with data-test-id
	const profile = await mkdtemp(join(tmpdir(), 'jas-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: ARGS,
		viewport: { width: 1280, height: 800 },
		locale: 'en-US',
		deviceScaleFactor: options.deviceScaleFactor ?? 1,
		timeout: 60_000,
	});
	context.setDefaultTimeout(30_000);
	return {
		context,
		close: async () => {
			await context.close();
			await rm(profile, { recursive: true, force: true });
		},
	};
}
