/**
 * Memory stays flat under big answers (issue 9, class 1): a 1 GB file download streams into n8n's binary data
 * store, and a 300 MB JSON answer is refused at the Max Response Size limit (100 MB) without being held whole.
 * The bound asserted is the issue's: peak RSS under 300 MB above the baseline. The figures are printed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { JasRequest } from '../../nodes/JasRequest/JasRequest.node';
import { runNode } from '../helpers/runNode';
import { DEMO_CLIENTS, type Simulator, startJasSimulator } from '../../tools/simulators';
import { errorOf, OUT } from './behaviour.helpers';

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(MB, 'a');

let server: Server;
let url: string;
let jas: Simulator;
beforeAll(async () => {
	jas = await startJasSimulator();
	server = createServer((req, res) => {
		const total = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('mb')) * MB;
		const json = req.url?.startsWith('/json');
		// Chunked, no Content-Length: the limit must be enforced while reading, not from a header.
		res.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/octet-stream' });
		let sent = 0;
		if (json) {
			res.write('{"blob":"');
			sent = 9;
		}
		const pump = () => {
			while (sent < total) {
				sent += CHUNK.length;
				if (!res.write(CHUNK)) return void res.once('drain', pump);
			}
			res.end(json ? '"}' : undefined);
		};
		res.on('close', () => (sent = total));
		pump();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await jas.close();
});

async function peakRssAbove(run: () => Promise<void>): Promise<{ baselineMb: number; peakAboveMb: number }> {
	(global as { gc?: () => void }).gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
	try {
		await run();
	} finally {
		clearInterval(timer);
	}
	peak = Math.max(peak, process.memoryUsage().rss);
	return { baselineMb: Math.round(baseline / MB), peakAboveMb: Math.round((peak - baseline) / MB) };
}

const credentials = () => ({
	jasOAuth2Api: { baseUrl: url, tokenUrl: `${jas.url}/oauth2/token`, ...DEMO_CLIENTS.jas, renewalMarginSec: 60 },
});

it('a 1 GB file download keeps peak RSS under 300 MB above the baseline', async () => {
	let bytes = 0;
	const started = Date.now();
	const memory = await peakRssAbove(async () => {
		const result = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/file.bin?mb=1024', options: { responseFormat: 'file', timeout: 60_000 } },
			items: [{ json: {} }],
			credentials: credentials(),
		});
		bytes = result.outputs[OUT.success][0].binary?.data.bytes ?? 0;
	});
	process.stdout.write(`1 GB download: ${bytes} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s, baseline RSS ${memory.baselineMb} MB, peak +${memory.peakAboveMb} MB\n`);
	expect(bytes).toBe(1024 * MB);
	expect(memory.peakAboveMb).toBeLessThan(300);
}, 180_000);

it('a 300 MB JSON answer is refused at 100 MB, and peak RSS stays under 300 MB above the baseline', async () => {
	let message = '';
	const memory = await peakRssAbove(async () => {
		const result = await runNode({
			node: new JasRequest(),
			parameters: { authentication: 'jasOAuth2Api', method: 'GET', url: '/json?mb=300' },
			items: [{ json: {} }],
			credentials: credentials(),
		});
		message = errorOf(result.outputs[OUT.client][0]).message;
	});
	process.stdout.write(`300 MB JSON refused: baseline RSS ${memory.baselineMb} MB, peak +${memory.peakAboveMb} MB\n`);
	expect(message).toMatch(/larger than 100 MB.*Max Response Size/);
	expect(memory.peakAboveMb).toBeLessThan(300);
}, 120_000);
