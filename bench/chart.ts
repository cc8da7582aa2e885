/** The results' bar chart (bench/results/latest.svg): items/s per contender, hand-written SVG, no libraries. */
import { LATENCY_MS, type Series } from './config';
import type { Machine, RunSummary } from './report';

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const COLORS: Record<Series['kind'], string> = { jas: '#2f6fde', ideal: '#3a9a5b', httpRequest: '#e07a2f', undici: '#7a7a7a' };

export function svgChart(rows: RunSummary[], machine: Machine): string {
	const labelWidth = 360;
	const barMax = 430;
	const rowHeight = 30;
	const top = 50;
	const width = labelWidth + barMax + 90;
	const height = top + rows.length * rowHeight + 40;
	const max = Math.max(...rows.map((r) => (Number.isFinite(r.itemsPerSec) ? r.itemsPerSec : 0)), 1);
	const parts: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="12" y="22" font-size="15" font-weight="bold">Items per second (median of ${machine.reps}, ${machine.items} items, ${LATENCY_MS} ms API latency)</text>`,
		`<text x="12" y="40" fill="#555">higher is better · blue: JAS Request · green: ideal node · orange: n8n HTTP Request + OAuth2 · grey: raw undici loop</text>`,
	];
	rows.forEach((r, i) => {
		const y = top + i * rowHeight;
		const value = Number.isFinite(r.itemsPerSec) ? r.itemsPerSec : 0;
		const w = Math.max(1, Math.round((value / max) * barMax));
		parts.push(
			`<text x="${labelWidth - 8}" y="${y + 19}" text-anchor="end">${escapeXml(`${r.mode === 'warm' ? 'warm: ' : ''}${r.spec.label}`)}</text>`,
			`<rect x="${labelWidth}" y="${y + 5}" width="${w}" height="${rowHeight - 10}" fill="${COLORS[r.spec.kind]}"/>`,
			`<text x="${labelWidth + w + 6}" y="${y + 19}">${Math.round(value)}</text>`,
		);
	});
	parts.push(
		`<text x="12" y="${height - 12}" fill="#555" font-size="11">${escapeXml(`${machine.cpu}, ${machine.cores} cores · n8n ${machine.n8nVersion} on Node ${machine.n8nNode} · ${machine.date}`)}</text>`,
		'</svg>',
	);
	return parts.join('\n') + '\n';
}
