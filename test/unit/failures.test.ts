/** A typed failure becomes error details and an output in one place (present/failures.ts), for both presenters. */
import { type Failure, failureDetails, failureRoute, INPUT_OUTPUT } from '../../nodes/JasRequest/present/failures';
import { TransportError } from '../../nodes/shared/http/errors';
import type { HttpResponse } from '../../nodes/shared/http/send';
import { TokenError } from '../../nodes/shared/token/tokenErrors';

const request = { method: 'GET', url: 'https://api.example/v1/orders' };
const answer = (status: number, credentialsDropped = false): HttpResponse => ({
	status,
	statusText: '',
	headers: { 'content-type': 'application/json', 'retry-after': '3' },
	body: Buffer.from('{"message":"no"}'),
	url: request.url,
	credentialsDropped,
});

it.each<[string, Failure, number | null | typeof INPUT_OUTPUT, string]>([
	['a token failure', { kind: 'token', error: new TokenError('rejected', 'bad secret', 401), attempts: 0, request }, 401, 'token'],
	['a credential that cannot be read', { kind: 'credential', message: 'no credential', request }, 401, 'token'],
	['no answer', { kind: 'network', error: new TransportError('timeout', 'slow'), attempts: 2, request }, null, 'network'],
	['an answer too large', { kind: 'network', error: new TransportError('tooLarge', 'big.'), attempts: 1, request }, INPUT_OUTPUT, 'response'],
	['an HTTP error', { kind: 'api', response: answer(503), attempts: 3, retryAfterMs: 2500, request }, 503, 'api'],
	['an answer that cannot be used', { kind: 'unusable', status: 200, message: 'no array', source: 'input', attempts: 1, request }, INPUT_OUTPUT, 'input'],
	['a download that broke off', { kind: 'download', message: 'reset', attempts: 1, request }, null, 'network'],
	["the item's input", { kind: 'input', message: 'empty URL', request }, INPUT_OUTPUT, 'input'],
	['a bug', { kind: 'internal', message: 'boom', request }, INPUT_OUTPUT, 'internal'],
])('%s: routed by what happened, with its source', (_, failure, route, source) => {
	expect(failureRoute(failure)).toBe(route);
	expect(failureDetails(failure)).toMatchObject({ source, request });
});

it("an HTTP error carries the API's body, its Retry-After in seconds, and the attempts", () => {
	const details = failureDetails({ kind: 'api', response: answer(503), attempts: 3, retryAfterMs: 2500, request, pagesFetched: 2 });
	expect(details).toMatchObject({ status: 503, retryAfter: 3, attempts: 3, body: { message: 'no' }, pagesFetched: 2 });
	expect(details.message).toMatch(/^The API answered 503 .* after 3 attempts\. It asked to wait 3 s\./);
});

it('a 401 after a cross-origin redirect says the token was never sent there, not that it was renewed', () => {
	expect(failureDetails({ kind: 'api', response: answer(401), attempts: 1, request }).message).toMatch(/renewed and rejected again/);
	const dropped = failureDetails({ kind: 'api', response: answer(401, true), attempts: 1, request }).message;
	expect(dropped).not.toMatch(/renewed and rejected/);
	expect(dropped).toMatch(/another origin/);
});
