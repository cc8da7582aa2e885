import { reconnectRequired } from '../../nodes/shared/token/reconnect';
import { TokenError } from '../../nodes/shared/token/tokenErrors';

describe('reconnectRequired', () => {
	it.each(['config', 'rejected', 'badRequest', 'invalidResponse'] as const)('is true for a %s token failure (a person must fix the credential)', (kind) => {
		expect(reconnectRequired(new TokenError(kind, 'x'))).toBe(true);
	});

	it.each(['rateLimited', 'server', 'network'] as const)('is false for a %s token failure (it heals by itself)', (kind) => {
		expect(reconnectRequired(new TokenError(kind, 'x'))).toBe(false);
	});

	it('is false for anything that is not a token failure', () => {
		expect(reconnectRequired(new Error('rejected'))).toBe(false);
		expect(reconnectRequired(undefined)).toBe(false);
		expect(reconnectRequired({ kind: 'rejected' })).toBe(false);
	});
});
