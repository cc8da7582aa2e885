/**
 * Connection pools: one undici dispatcher per configuration for the life of the process, so keep-alive connections
 * are shared by all executions. Only a handful can exist: (ignore TLS or not) x (no filter, or n8n's one long-lived
 * filter). HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured (proxyEnv.ts, EnvHttpProxyAgent); without a
 * proxy, its plain keep-alive Agent is used.
 */
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

import type { EgressFilter, LookupFunction } from './egress';
import { type ProxySettings, readProxySettings } from './proxyEnv';

// Dispatchers: one pool per configuration for the life of the process, so keep-alive connections are shared by
// all executions. Only a handful can exist: (ignore TLS or not) x (no filter, or n8n's one long-lived filter).

const POOL_OPTIONS = {
	// Per origin, unlimited: the node's Concurrency option already bounds what is in flight, and a request queued
	// behind a pool limit would have its timer running while it waits (items timed out though the API answered).
	connections: null,
	pipelining: 1,
	// Idle sockets are unref'd by undici and closed after this, so they never keep the process alive.
	keepAliveTimeout: 4_000,
	keepAliveMaxTimeout: 30_000,
	// Plain-HTTP targets go through the proxy as absolute-form requests, as curl does: many proxies only allow
	// CONNECT to port 443. HTTPS targets are always tunnelled.
	proxyTunnel: false,
} as const;

const plainDispatchers = new Map<boolean, Dispatcher>();
// Keyed by the filter object: n8n hands out one long-lived filter, and a WeakMap cannot keep a stale one alive.
let egressDispatchers = new WeakMap<EgressFilter, Map<boolean, Dispatcher>>();
// Only so resetDispatchersForTests can close pools that sit in the WeakMap.
const created = new Set<WeakRef<Dispatcher>>();

/** The proxies the pools were built with: a connection failure at one of them is named as the proxy's. */
let proxies: ProxySettings = {};

export function proxiesInUse(): string[] {
	return [proxies.httpProxy, proxies.httpsProxy].filter((proxy): proxy is string => proxy !== undefined);
}

function createDispatcher(allowUnauthorizedCerts: boolean, lookup: LookupFunction | undefined): Dispatcher {
	const tls = { rejectUnauthorized: !allowUnauthorizedCerts };
	proxies = readProxySettings();
	const dispatcher = new EnvHttpProxyAgent({
		...POOL_OPTIONS,
		// Given explicitly (never undefined, or undici would read the raw variables again): ALL_PROXY and scheme-less
		// proxies are resolved by proxyEnv.ts.
		httpProxy: proxies.httpProxy ?? '',
		httpsProxy: proxies.httpsProxy ?? '',
		connect: lookup ? { ...tls, lookup } : tls,
		// Through a proxy, the target's TLS session is configured by requestTls, not connect.
		...(allowUnauthorizedCerts ? { requestTls: tls } : {}),
	});
	created.add(new WeakRef(dispatcher));
	return directAgent(dispatcher) ?? dispatcher;
}

/**
 * With no HTTP(S)_PROXY (EnvHttpProxyAgent reads them once, when it is built), every request would still pay its
 * per-request URL parse and NO_PROXY check (≈7 µs per item in bench/results/profile.md) only to reach its inner
 * keep-alive Agent: hand that Agent out directly. Found by undici's symbol names; if they ever change, the full agent
 * is used, as before. The outer agent stays in `created`, so closing it closes the inner one.
 */
function directAgent(agent: EnvHttpProxyAgent): Dispatcher | undefined {
	const inner = (name: string): unknown => {
		const key = Object.getOwnPropertySymbols(agent).find((symbol) => symbol.description === name);
		return key === undefined ? undefined : (agent as unknown as Record<symbol, unknown>)[key];
	};
	const direct = inner('no proxy agent');
	const noProxy = direct !== undefined && inner('http proxy agent') === direct && inner('https proxy agent') === direct;
	return noProxy ? (direct as Dispatcher) : undefined;
}

export function dispatcherFor(allowUnauthorizedCerts: boolean, egress: EgressFilter | undefined): Dispatcher {
	let pools = plainDispatchers;
	if (egress && typeof egress.createSecureLookup === 'function') {
		let forFilter = egressDispatchers.get(egress);
		if (!forFilter) egressDispatchers.set(egress, (forFilter = new Map<boolean, Dispatcher>()));
		pools = forFilter;
	}
	let dispatcher = pools.get(allowUnauthorizedCerts);
	if (!dispatcher) {
		const lookup = pools === plainDispatchers ? undefined : egress?.createSecureLookup?.();
		dispatcher = createDispatcher(allowUnauthorizedCerts, lookup);
		pools.set(allowUnauthorizedCerts, dispatcher);
	}
	return dispatcher;
}

/** Closes every pool, so the next request builds a fresh one (which re-reads HTTP(S)_PROXY). Tests only. */
export async function resetDispatchersForTests(): Promise<void> {
	const live = [...created].map((ref) => ref.deref()).filter((d): d is Dispatcher => d !== undefined);
	created.clear();
	proxies = {};
	plainDispatchers.clear();
	egressDispatchers = new WeakMap();
	await Promise.all(live.map(async (dispatcher) => await dispatcher.destroy().catch(() => undefined)));
}
