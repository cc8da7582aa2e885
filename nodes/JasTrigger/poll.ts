/**
 * One poll, as n8n calls it: read the settings and the stored state, poll the feed or the list, then store the new
 * state (only now, after success: a throw leaves it as it was) and hand n8n the new records, or null when there
 * are none. "Fetch Test Event" (manual mode) shows real records and never touches the state; with none to show it
 * fails with a message saying where it looked.
 */
import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { settle } from '../shared/http/settle';
import { TriggerClient } from './client';
import { nothingToShowError, triggerError } from './failures';
import { pollFeed } from './feedPoll';
import { pollList } from './listPoll';
import { stoppedMessage } from './pollBounds';
import type { PollOutcome, PollRun } from './pollRun';
import { readTriggerSettings, type TriggerSettings } from './settings';
import { readState, type TriggerState, writeState } from './state';

/** A manual test reads a few pages at most: it is a sample, not a sync. */
const MANUAL_MAX_PAGES = 3;

interface Polled {
	outcome: PollOutcome<unknown>;
	next: TriggerState;
}

async function pollSource(settings: TriggerSettings, client: TriggerClient, run: PollRun, stored: TriggerState | undefined): Promise<Polled> {
	const { config, first } = settings.common;
	if (settings.source === 'jtlFeed') {
		const feed = await pollFeed(client, settings.feed, run, stored?.feed, first);
		return { outcome: feed, next: { version: 1, config, feed: feed.state } };
	}
	const list = await pollList(client, settings.list, run, stored?.list, first);
	return { outcome: list, next: { version: 1, config, list: list.state } };
}

export async function pollTrigger(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readTriggerSettings(this);
	const manual = this.getMode() === 'manual';
	const { config, limits } = settings.common;
	const run: PollRun = { manual, limits: manual ? { ...limits, maxPages: Math.min(limits.maxPages, MANUAL_MAX_PAGES) } : limits, now: Date.now, startedAt: Date.now() };
	const staticData = this.getWorkflowStaticData('node');
	const stored = readState(staticData, config);
	const client = await TriggerClient.create(this, settings.credential);
	const polled = await settle(pollSource(settings, client, run, stored));
	if (!polled.ok) throw triggerError(this.getNode(), polled.error, client.secrets());
	const { outcome, next } = polled.value;
	if (!manual) writeState(staticData, next);
	if (outcome.stopped === 'failure') this.logger.warn(`JAS Trigger: the poll stopped early after a failure (${outcome.failure ?? ''}); the next poll continues there.`);
	else if (outcome.stopped) this.logger.warn(`JAS Trigger: ${stoppedMessage(outcome.stopped, run.limits)}`);
	if (outcome.records.length === 0) {
		if (manual) throw nothingToShowError(this.getNode(), settings);
		return null;
	}
	return [outcome.records.map((json) => ({ json }))];
}
