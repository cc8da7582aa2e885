/**
 * Publishing and unpublishing workflows through n8n's REST API as the owner (the same API in n8n 2.41 and 1.123). A polling trigger
 * polls once at each activation (n8n runs the poll to prove it works), so `pollNow` makes n8n poll at once: tests
 * poll every few seconds although n8n's own schedules poll at most once a minute.
 *
 *   const session = await ownerSession(url, { setUp: true });   // creates the owner (or logs in: setUp false)
 *   await session.pollNow('wfId');                              // deactivate + activate: one poll
 */
import { OWNER, setUpOwner } from './server';

const HEADERS = { 'content-type': 'application/json', 'browser-id': 'e2e' };

export interface OwnerSession {
	/** GET without a body, else POST it as JSON */
	rest(path: string, body?: unknown): Promise<Response>;
	/** publishes the workflow's current version; n8n's answer, an activation error included */
	activate(workflowId: string): Promise<Response>;
	deactivate(workflowId: string): Promise<Response>;
	/** one poll now: deactivate, then activate */
	pollNow(workflowId: string): Promise<Response>;
}

async function login(url: string): Promise<string> {
	const response = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: HEADERS,
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (response.status !== 200) throw new Error(`n8n login answered ${response.status}: ${await response.text()}`);
	return response.headers.get('set-cookie')?.split(';')[0] ?? '';
}

/** `setUp`: create the owner account (a fresh n8n); else log in as the owner created before. */
export async function ownerSession(url: string, options: { setUp: boolean }): Promise<OwnerSession> {
	const cookie = options.setUp ? await setUpOwner(url) : await login(url);
	const rest = async (path: string, body?: unknown) =>
		await fetch(`${url}/rest${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { ...HEADERS, cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
	const versionId = async (id: string) => ((await (await rest(`/workflows/${id}`)).json()) as { data: { versionId: string } }).data.versionId;
	const setActive = async (id: string, active: boolean) =>
		await rest(`/workflows/${id}/${active ? 'activate' : 'deactivate'}`, active ? { versionId: await versionId(id) } : {});
	return {
		rest,
		activate: async (id) => await setActive(id, true),
		deactivate: async (id) => await setActive(id, false),
		async pollNow(id) {
			await setActive(id, false);
			return await setActive(id, true);
		},
	};
}
