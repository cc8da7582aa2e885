/** Reads "a.b.0.c" from parsed JSON; "" or "." is the value itself. */
export function getPath(value: unknown, path: string): unknown {
	const trimmed = path.trim();
	if (trimmed === '' || trimmed === '.') return value;
	let current: unknown = value;
	for (const key of trimmed.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}
