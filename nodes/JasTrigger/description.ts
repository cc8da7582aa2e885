/**
 * The JAS Trigger's parameters. Their names are a public contract: saved workflows depend on them. Declarations
 * only, in display order; the ranges are enforced again in settings.ts (RANGES, checked equal by a test).
 */
import type { IDataObject, INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { jasRequestParameter } from './api';

const onFeed = { show: { source: ['jtlFeed'] } };
const onList = { show: { source: ['list'] } };
/** Inside the Options collection a plain name means a sibling option: '/source' is the node's own parameter. */
const onFeedOption = { show: { '/source': ['jtlFeed'] } };

/** JAS Request's pagination without its Max Pages: a poll's own bounds apply (Max Pages per Poll, continued next time). */
function listPagination(): INodeProperties {
	const pagination = jasRequestParameter('pagination', true);
	const settings = (pagination.options as INodePropertyCollection[]).map((group) => ({ ...group, values: group.values.filter((value) => value.name !== 'maxPages') }));
	const { maxPages: _ignored, ...defaults } = (pagination.default as { settings: IDataObject }).settings;
	return { ...pagination, displayName: 'Pagination', displayOptions: onList, options: settings, default: { settings: defaults } as INodeProperties['default'] };
}

export const properties: INodeProperties[] = [
	{
		displayName: 'Watch',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'JTL-FFN Change Feed', value: 'jtlFeed', description: 'Changed outbounds, inbounds, returns or stock, from JTL-FFN\'s …/updates feeds' },
			{ name: 'New or Changed Records in a List', value: 'list', description: 'Records of any JAS, partner or JTL-FFN list that were not there before, or changed' },
		],
		default: 'jtlFeed',
	},
	// The same choice, and the same pagination, as JAS Request.
	{ ...jasRequestParameter('authentication'), noDataExpression: true, displayOptions: onList, description: 'Which API and credential to read the list with; the token is fetched and renewed for you' },
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		noDataExpression: true,
		displayOptions: onFeed,
		options: [
			{ name: 'Merchant', value: 'merchant', description: 'The Merchant API (/v1/merchant/…): scope ffn.merchant.read' },
			{ name: 'Fulfiller', value: 'fulfiller', description: 'The Fulfiller API (/v1/fulfiller/…): scope ffn.fulfiller.read' },
		],
		default: 'merchant',
	},
	{
		displayName: 'Changes To',
		name: 'watch',
		type: 'options',
		noDataExpression: true,
		displayOptions: onFeed,
		options: [
			{ name: 'Inbounds', value: 'inbounds', description: '…/inbounds/updates' },
			{ name: 'Outbounds', value: 'outbounds', description: '…/outbounds/updates: for example an outbound that was shipped' },
			{ name: 'Returns', value: 'returns', description: '…/returns/updates' },
			{ name: 'Stock', value: 'stocks', description: '…/stocks/updates' },
		],
		default: 'outbounds',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		displayOptions: onList,
		default: '',
		placeholder: '/v1/bookings',
		description: 'The list to watch, relative to the credential\'s API URL',
	},
	{
		displayName: 'Records Field',
		name: 'recordsField',
		type: 'string',
		displayOptions: onList,
		default: 'items',
		description: 'Dot path to the records in an answer; empty when the answer is the list itself',
	},
	{
		displayName: 'Record ID Field',
		name: 'idField',
		type: 'string',
		displayOptions: onList,
		default: 'id',
		description: 'The field that identifies a record: a record with an ID not seen before is new',
	},
	{
		displayName: 'Change Field',
		name: 'changeField',
		type: 'string',
		displayOptions: onList,
		default: '',
		placeholder: 'updatedAt',
		description: 'Optional: a field whose new value means the record changed (it is then emitted again). Empty: only new records are emitted.',
	},
	{
		displayName: '"Changed Since" Query Parameter',
		name: 'sinceParameter',
		type: 'string',
		displayOptions: onList,
		default: '',
		placeholder: 'updatedSince',
		description: 'Optional: for APIs that can list only records changed since a time, the query parameter for it (sent as an ISO time)',
	},
	listPagination(),
	{
		displayName: 'On First Activation',
		name: 'firstRun',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Start From Now', value: 'now', description: 'Emit only what changes after activation (the API\'s clock decides "now")' },
			{ name: 'Start From a Date', value: 'date', description: 'Emit everything changed since a date, then keep watching' },
			{ name: 'Emit the Latest Records', value: 'latest', description: 'Emit the latest few (a first sync), then keep watching' },
		],
		default: 'now',
	},
	{
		displayName: 'Start Date',
		name: 'firstRunDate',
		type: 'dateTime',
		displayOptions: { show: { firstRun: ['date'] } },
		default: '',
		description: 'Lists: needs a "Changed Since" parameter or a Change Field holding a time; otherwise the trigger starts from now',
	},
	{
		displayName: 'How Many',
		name: 'firstRunCount',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		displayOptions: { show: { firstRun: ['latest'] } },
		default: 10,
		description: 'How many of the latest records the first poll emits (feeds: from the lookback window)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Change Time Field', name: 'timeField', type: 'string', default: '', placeholder: 'modificationInfo.updatedAt', displayOptions: onFeedOption, description: 'Feeds: the field holding when a record changed (default per feed: docs)' },
			{ displayName: 'Ignore Own Application', name: 'ignoreOwnApplicationId', type: 'boolean', default: false, displayOptions: onFeedOption, description: 'Whether to leave out changes this OAuth application made itself' },
			{ displayName: 'Ignore Own User', name: 'ignoreOwnUserId', type: 'boolean', default: false, displayOptions: onFeedOption, description: 'Whether to leave out changes the connected user made' },
			{ displayName: 'Lookback (Hours)', name: 'lookbackHours', type: 'number', typeOptions: { minValue: 1, maxValue: 2160 }, default: 168, displayOptions: onFeedOption, description: 'How far back "Emit the Latest Records" and "Fetch Test Event" look' },
			{ displayName: 'Max Pages per Poll', name: 'maxPages', type: 'number', typeOptions: { minValue: 1, maxValue: 1000 }, default: 20, description: 'A poll stops after this many pages; the next poll continues there' },
			{ displayName: 'Max Poll Time (Seconds)', name: 'maxSeconds', type: 'number', typeOptions: { minValue: 5, maxValue: 3600 }, default: 120, description: 'A poll stops fetching after this long (waits for retries included); the next poll continues there' },
			{ displayName: 'Max Records per Poll', name: 'maxRecords', type: 'number', typeOptions: { minValue: 1, maxValue: 100000 }, default: 5000, description: 'A poll stops after the page that reaches this many records; the next poll continues there' },
			{ displayName: 'Overlap (Seconds)', name: 'overlapSeconds', type: 'number', typeOptions: { minValue: 0, maxValue: 86400 }, default: 60, description: 'Each window starts this much before the last one ended, for changes the API records late; records already emitted are not emitted again' },
			{ displayName: 'Record ID Field', name: 'idField', type: 'string', default: '', placeholder: 'outboundId', displayOptions: onFeedOption, description: 'Feeds: the field that identifies a record (default per feed: docs)' },
			{ displayName: 'Seen-Set Size', name: 'seenLimit', type: 'number', typeOptions: { minValue: 100, maxValue: 100000 }, default: 10000, description: 'How many emitted records the trigger remembers to recognise repeats' },
		],
	},
];
