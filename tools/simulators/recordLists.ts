/**
 * Lists that grow: `GET /api/lists/<name>?$top=&$skip=&updatedSince=` on every simulator answers
 * `{ items, _page, _links.next }` (JAS-style offset paging, as `/api/items`), records in the order they were added,
 * each with `id` and `updatedAt`. A changed record keeps its place and gets a new `updatedAt`; `updatedSince` lists
 * only records changed at or after that time. Records are added or changed through the admin API or `upsert`.
 * `POST /api/lists/<name>` with a JSON object appends it as a new record (a fresh `id`, numbered from 1), so a
 * record posted twice is there twice: what a test counts to prove "exactly once".
 */
import type { ApiRequest } from './requests';
import { apiError, jsonReply, parseJsonObject, type Reply } from './http';

type ListRecord = Record<string, unknown> & { id: string; updatedAt: string };

const LIST_PATH = /^\/api\/lists\/([\w-]{1,64})$/;
const MAX_TOP = 100;

export class RecordLists {
	private readonly lists = new Map<string, Map<string, ListRecord>>();

	/** Adds records (new id) or changes them (known id); returns them as the list will show them. */
	upsert(name: string, records: Array<Record<string, unknown> & { id: string }>, now = Date.now()): ListRecord[] {
		const list = this.lists.get(name) ?? new Map<string, ListRecord>();
		this.lists.set(name, list);
		return records.map((fields) => {
			const record: ListRecord = { ...list.get(fields.id), ...fields, updatedAt: new Date(now).toISOString() };
			list.set(fields.id, record);
			return record;
		});
	}

	records(name: string): ListRecord[] {
		return [...(this.lists.get(name)?.values() ?? [])];
	}

	clear(): void {
		this.lists.clear();
	}

	/** Appends `fields` as a new record with the next number as its id. */
	append(name: string, fields: Record<string, unknown>, now = Date.now()): ListRecord {
		const id = String((this.lists.get(name)?.size ?? 0) + 1);
		return this.upsert(name, [{ ...fields, id }], now)[0];
	}

	reply(req: ApiRequest): Reply | undefined {
		const match = LIST_PATH.exec(req.url.pathname);
		if (!match) return undefined;
		if (req.method === 'POST') {
			const fields = parseJsonObject(req.body);
			return fields ? jsonReply(201, this.append(match[1], fields)) : apiError(400, 'invalid_request', 'the body must be a JSON object');
		}
		if (req.method !== 'GET') return undefined;
		const q = req.url.searchParams;
		const top = Number(q.get('$top') ?? '20');
		const skip = Number(q.get('$skip') ?? '0');
		if (!Number.isInteger(top) || top < 1 || top > MAX_TOP || !Number.isInteger(skip) || skip < 0) {
			return apiError(400, 'invalid_request', `$top must be 1..${MAX_TOP} and $skip >= 0`);
		}
		const since = q.has('updatedSince') ? Date.parse(q.get('updatedSince') ?? '') : -Infinity;
		if (!Number.isFinite(since) && since !== -Infinity) return apiError(400, 'invalid_request', 'updatedSince must be an ISO 8601 time');
		const all = this.records(match[1]).filter((record) => Date.parse(record.updatedAt) >= since);
		const items = all.slice(skip, skip + top);
		const links: { next?: string } = {};
		if (skip + top < all.length) {
			const next = new URL(req.url.href);
			next.searchParams.set('$top', String(top));
			next.searchParams.set('$skip', String(skip + top));
			links.next = next.toString();
		}
		return jsonReply(200, { items, _page: { total: all.length, top, skip }, _links: links });
	}
}

/** Validates an admin body `{ records: [{ id, ... }] }`. */
export function parseRecords(body: Record<string, unknown>): Array<Record<string, unknown> & { id: string }> | string {
	const records = body.records;
	if (!Array.isArray(records) || records.some((r) => !r || typeof r !== 'object' || typeof (r as { id?: unknown }).id !== 'string' || (r as { id: string }).id === '')) {
		return 'records must be an array of objects, each with an id (string)';
	}
	return records as Array<Record<string, unknown> & { id: string }>;
}
