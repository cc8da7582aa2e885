/**
 * Screenshots of a browser run: every step under .tmp/browser/ (test artefacts: what the user saw when a step
 * failed), and, when JAS_DOCS_IMAGES is set (`npm run screenshots`), the README's pictures under docs/images/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { REPO_DIR } from '../n8n/install';

export const ARTEFACT_DIR = join(REPO_DIR, '.tmp', 'browser');
export const DOCS_IMAGE_DIR = join(REPO_DIR, 'docs', 'images');
/** Wider pictures are scaled down by the README anyway; this keeps the files small. */
export const DOCS_IMAGE_MAX_WIDTH = 1000;

export const docsImagesWanted = (): boolean => Boolean(process.env.JAS_DOCS_IMAGES);

export type Clip = { x: number; y: number; width: number; height: number };

export class Shots {
	private count = 0;

	/** Empties `dir` (the previous run's pictures would mislead). */
	constructor(readonly dir = ARTEFACT_DIR) {
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
	}

	/** The whole page, as step NN-<name>.png. Never fails the test: a picture is evidence, not a check. */
	async step(page: Page, name: string): Promise<string> {
		const file = join(this.dir, `${String(++this.count).padStart(2, '0')}-${name}.png`);
		await page.screenshot({ path: file }).catch((error: unknown) => process.stderr.write(`screenshot ${name} failed: ${String(error)}\n`));
		return file;
	}

	/**
	 * A README picture (docs/images/<name>.png), when wanted: an element, or a region of the page rendered at the
	 * device's pixel ratio (the canvas is small at "zoom to fit"), at most DOCS_IMAGE_MAX_WIDTH pixels wide.
	 */
	async docs(page: Page, name: string, target: Locator | Clip): Promise<void> {
		if (!docsImagesWanted()) return;
		mkdirSync(DOCS_IMAGE_DIR, { recursive: true });
		const path = join(DOCS_IMAGE_DIR, `${name}.png`);
		if ('x' in target) {
			const ratio = Number(await page.evaluate('window.devicePixelRatio')) || 1;
			const width = Math.min(target.width, DOCS_IMAGE_MAX_WIDTH / ratio);
			await page.screenshot({ path, clip: { ...target, width }, scale: 'device' });
		} else {
			await target.screenshot({ path, scale: 'css' });
		}
	}
}
