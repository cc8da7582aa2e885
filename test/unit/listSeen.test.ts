import { boundList, diffRecords } from '../../nodes/JasTrigger/listSeen';

const records = (...ids: string[]) => ids.map((id) => ({ id, token: '' }));

describe('diffRecords', () => {
	it('emits records not seen before, once', () => {
		const seen = new Map<string, string>();
		expect(diffRecords(seen, new Set(), records('1', '2'))).toEqual([0, 1]);
		expect(diffRecords(seen, new Set(), records('1', '2', '3'))).toEqual([2]);
	});

	it('"changed" by the change field: a new value emits the record again, the same value does not', () => {
		const seen = new Map<string, string>();
		diffRecords(seen, new Set(), [{ id: '1', token: 'v1' }]);
		expect(diffRecords(seen, new Set(), [{ id: '1', token: 'v1' }])).toEqual([]);
		expect(diffRecords(seen, new Set(), [{ id: '1', token: 'v2' }])).toEqual([0]);
	});

	it('a record listed twice in one poll (a page boundary shifted) is emitted once', () => {
		expect(diffRecords(new Map(), new Set(), records('1', '1'))).toEqual([0]);
	});
});

describe('boundList', () => {
	it('at its bound forgets the least recently seen ids, never one this poll saw', () => {
		const seen = new Map<string, string>();
		diffRecords(seen, new Set(), records('old1', 'old2', 'old3'));
		const touched = new Set<string>();
		diffRecords(seen, touched, records('old1', 'new1', 'new2'));
		expect(boundList(seen, touched, 3).map(([id]) => id)).toEqual(['old1', 'new1', 'new2']);
	});

	it('keeps every id of the poll even beyond the bound: bounded by the larger of the limit and one poll', () => {
		const seen = new Map<string, string>();
		const touched = new Set<string>();
		diffRecords(seen, touched, records('a', 'b', 'c', 'd'));
		expect(boundList(seen, touched, 2)).toHaveLength(4);
	});
});
