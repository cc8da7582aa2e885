/**
 * "New or changed records" in a list that has no change feed (any JAS or partner list): which records of a page
 * to emit, and the bounded memory of what was seen. Pure; listPoll.ts does the I/O.
 *
 * A record is new when its id was not seen, changed when its change field (optional) holds another value than
 * when it was last seen. The memory is least-recently-seen first: every sweep of the list touches the ids still
 * in it, so only ids that left the list are forgotten at the bound. Its size is at most the larger of the limit
 * and the records of one poll.
 */

export interface ListRecord {
	id: string;
	/** The change field's value ('' without a change field). */
	token: string;
}

/** Indexes of the records to emit; `seen` (the poll's working copy) is updated and every record's id touched. */
export function diffRecords(seen: Map<string, string>, touched: Set<string>, records: ListRecord[]): number[] {
	const emit: number[] = [];
	records.forEach((record, index) => {
		const before = seen.get(record.id);
		// Also within one poll: a record listed twice with the same value (a page boundary shifted) is emitted once.
		if (before === undefined || before !== record.token) emit.push(index);
		seen.delete(record.id); // re-inserted last: most recently seen
		seen.set(record.id, record.token);
		touched.add(record.id);
	});
	return emit;
}

/** The memory a poll stores: the least recently seen ids beyond `limit` are dropped, never one this poll touched. */
export function boundList(seen: Map<string, string>, touched: ReadonlySet<string>, limit: number): Array<[string, string]> {
	const entries = [...seen];
	let excess = entries.length - Math.max(0, limit);
	return entries.filter(([id]) => {
		if (excess <= 0 || touched.has(id)) return true;
		excess--;
		return false;
	});
}
