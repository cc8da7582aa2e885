/**
 * Every secret the simulators know in this process: their clients' secrets and every access and refresh token they
 * issued (and any a test adds). Leak checks (test/helpers/leakGuard.ts) read it to search outputs for them.
 */
const secrets = new Set<string>();

/** Values shorter than 8 characters are not registered: they would match ordinary text. */
export function registerSecrets(...values: Array<string | undefined | null>): void {
	for (const value of values) if (typeof value === 'string' && value.length >= 8) secrets.add(value);
}

export function registeredSecrets(): ReadonlySet<string> {
	return secrets;
}
