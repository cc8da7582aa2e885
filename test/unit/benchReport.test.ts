/**
 * The bench's verdict logic (bench/report.ts, bench/idealNode/pack.ts): ratios pair measurements of the same
 * repetition and mode, a loaded machine decides no ratio target, and different undici versions stop the run.
 */
import { undiciMismatch } from '../../bench/idealNode/pack';
import type { Measurement } from '../../bench/measure';
import { pairedRatios, verdicts } from '../../bench/report';

const m = (run: string, mode: Measurement['mode'], rep: number, itemsPerSec: number) => ({ run, mode, rep, itemsPerSec }) as Measurement;

const label = 'JAS Request ÷ ideal node, concurrency 10, JAS Request first';

describe('pairedRatios', () => {
	it('divides JAS Request by the ideal node of the same execution (repetition and mode), one ratio per repetition', () => {
		const measured = [m('jasC10J', 'execute', 1, 90), m('idealC10J', 'execute', 1, 100), m('jasC10J', 'execute', 2, 50), m('idealC10J', 'execute', 2, 100), m('idealC10J', 'warm', 1, 1000)];
		const ratio = pairedRatios('execute', measured).find((r) => r.label === label);
		expect(ratio?.ratios).toEqual([0.9, 0.5]);
		expect(ratio?.median).toBeCloseTo(0.7);
		expect(ratio?.target).toBe(0.95);
	});

	it('gives warm mode no ratio against the raw loop, which is only measured in execute mode', () => {
		const measured = [m('idealC10J', 'warm', 1, 100), m('jasC10J', 'warm', 1, 95), m('undiciC10', 'execute', 1, 100)];
		const labels = pairedRatios('warm', measured).map((r) => r.label);
		expect(labels).toEqual([label]);
	});
});

describe('verdicts', () => {
	const ratios = pairedRatios('execute', [m('jasC10J', 'execute', 1, 99), m('idealC10J', 'execute', 1, 100)]);

	it('judges the ratio target on a quiet machine', () => {
		expect(verdicts([], ratios, true)).toEqual([expect.objectContaining({ kind: 'target', judged: true, met: true, value: '99%' })]);
	});

	it('reports but does not judge it when other work loaded the machine', () => {
		expect(verdicts([], ratios, false)).toEqual([expect.objectContaining({ kind: 'target', judged: false })]);
	});
});

describe('undiciMismatch', () => {
	it('passes when n8n-nodes-jas and the ideal node resolve the same undici', () => {
		expect(undiciMismatch('7.30.2', '7.30.2')).toBeUndefined();
	});

	it('names both versions when they differ', () => {
		expect(undiciMismatch('7.30.2', '7.29.1')).toMatch(/n8n-nodes-jas resolves 7\.30\.2, the ideal node 7\.29\.1/);
	});
});
