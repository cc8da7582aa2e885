/** Failures a presenter finds in a page it was handed (both presenters). */
import { messageOf } from '../../shared/http/settle';
import type { Failure } from './failures';
import type { Page } from './presenter';

/** The page cannot be used as configured. */
export function unusable(page: Page, message: string, source: 'input' | 'response'): Failure {
	return { kind: 'unusable', status: page.response.status, message, source, attempts: page.attempts, request: page.request };
}

/** The page's download broke off. */
export function downloadFailure(page: Page, error: unknown): Failure {
	return { kind: 'download', message: messageOf(error), attempts: page.attempts, request: page.request };
}
