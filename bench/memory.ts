/**
 * Peak memory of a process, sampled from /proc/<pid>/status every 100 ms (Linux).
 * VmHWM is the kernel's own high-water mark of the resident set (it also catches peaks between samples);
 * VmRSS is the current resident set. Both in kB in the file; reported here in MB.
 */
import { readFileSync } from 'node:fs';

export interface MemorySample {
	/** highest VmHWM seen (MB); 0 when /proc was unreadable */
	hwmMb: number;
	/** highest VmRSS seen (MB) */
	maxRssMb: number;
}

function readStatus(pid: number | 'self'): { hwmKb: number; rssKb: number } | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0);
		return { hwmKb: field('VmHWM'), rssKb: field('VmRSS') };
	} catch {
		return undefined; // the process is gone (or no /proc)
	}
}

export interface MemorySampler {
	/** stops sampling (takes a last sample) and returns the peaks */
	stop(): MemorySample;
}

export function sampleMemory(pid: number | 'self', intervalMs = 100): MemorySampler {
	let hwmKb = 0;
	let rssKb = 0;
	const take = (): void => {
		const status = readStatus(pid);
		if (!status) return;
		hwmKb = Math.max(hwmKb, status.hwmKb);
		rssKb = Math.max(rssKb, status.rssKb);
	};
	take();
	const timer = setInterval(take, intervalMs);
	return {
		stop() {
			take();
			clearInterval(timer);
			return { hwmMb: Math.round(hwmKb / 1024), maxRssMb: Math.round(rssKb / 1024) };
		},
	};
}
