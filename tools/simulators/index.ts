/**
 * Local OAuth provider simulators for JAS, the Partner API and JTL-FFN: real HTTP servers on 127.0.0.1 with a shared
 * protected test API under /api, fault injection and stats. See README.md in this folder.
 */
import { startJasSimulator, JAS_DEMO_CLIENT, JAS_NOSUB_CLIENT } from './jas';
import { startJtlSimulator, JTL_DEMO_CLIENT } from './jtl';
import { startPartnerSimulator, PARTNER_DEMO_CLIENT } from './partner';
import type { JtlSimulator, Simulator, SimulatorOptions } from './types';

export type {
	ClientConfig,
	JtlSimulator,
	JtlTokenResponse,
	Simulator,
	SimulatorName,
	SimulatorOptions,
	SimulatorStats,
	TokenFault,
	TokenFaultKind,
} from './types';
export { deterministicBytes } from './apiRoutes';
export { type FeedChange, type FeedName, ChangeFeeds } from './changeFeeds';
export { RecordLists } from './recordLists';
export { FFN_SCOPES, JTL_DEMO_USER_ID } from './jtl';
export { JAS_STATUS_TEXT } from './http';
export { startJasSimulator, startJtlSimulator, startPartnerSimulator };

export const DEMO_CLIENTS = {
	jas: JAS_DEMO_CLIENT,
	jasNoSubscription: JAS_NOSUB_CLIENT,
	partner: PARTNER_DEMO_CLIENT,
	jtl: JTL_DEMO_CLIENT,
} as const;

export interface AllSimulators {
	jas: Simulator;
	partner: Simulator;
	jtl: JtlSimulator;
	close(): Promise<void>;
}

/**
 * Starts all three; options apply to each. Ports: `ports.<name>` if given, else with a non-zero `port` the three
 * consecutive ports port, port+1, port+2 (jas, partner, jtl), else ephemeral ports.
 */
export async function startAllSimulators(
	options: SimulatorOptions & { ports?: { jas?: number; partner?: number; jtl?: number } } = {},
): Promise<AllSimulators> {
	const { ports, port, ...shared } = options;
	const portFor = (name: 'jas' | 'partner' | 'jtl', offset: number): number => ports?.[name] ?? (port ? port + offset : 0);
	const started = await Promise.allSettled([
		startJasSimulator({ ...shared, port: portFor('jas', 0) }),
		startPartnerSimulator({ ...shared, port: portFor('partner', 1) }),
		startJtlSimulator({ ...shared, port: portFor('jtl', 2) }),
	] as const);
	const [jas, partner, jtl] = started;
	if (jas.status !== 'fulfilled' || partner.status !== 'fulfilled' || jtl.status !== 'fulfilled') {
		await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
		const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
		throw failed?.reason instanceof Error ? failed.reason : new Error('a simulator failed to start');
	}
	return {
		jas: jas.value,
		partner: partner.value,
		jtl: jtl.value,
		close: async () => {
			await Promise.all([jas.value.close(), partner.value.close(), jtl.value.close()]);
		},
	};
}
