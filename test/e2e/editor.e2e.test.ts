/**
 * What a user sees in the n8n editor, through a real `n8n start`: the node listed with its outputs and
 * credentials, and the credential Test button telling whether a client id and secret work.
 */
import { DEMO_CLIENTS, type Simulator, startJasSimulator, startPartnerSimulator } from '../../tools/simulators';
import { createN8nInstance, type N8nInstance } from '../../tools/n8n/instance';
import { packPackage, removePackedPackage } from '../../tools/n8n/install';
import { freePort } from '../../tools/n8n/process';
import { type N8nServer, startN8nServer } from '../../tools/n8n/server';

jest.setTimeout(5 * 60_000);

let jas: Simulator;
let partner: Simulator;
let n8n: N8nInstance;
let tarball: string;
let server: N8nServer;

const api = async (path: string, init: RequestInit = {}) => await server.rest(path, init);

beforeAll(async () => {
	[jas, partner] = await Promise.all([startJasSimulator(), startPartnerSimulator()]);
	tarball = await packPackage();
	n8n = await createN8nInstance({ tarball, logLevel: 'info' });
	await n8n.importCredentials([
		{ id: 'jasEditorCred1', name: 'JAS', type: 'jasOAuth2Api', data: { baseUrl: jas.url, ...DEMO_CLIENTS.jas } },
		{ id: 'partnerEditorCred1', name: 'Partner', type: 'partnerOAuth2Api', data: { baseUrl: partner.url, ...DEMO_CLIENTS.partner } },
	]);
	server = await startN8nServer(n8n, { port: await freePort() });
	await server.setUpOwner();
});

afterAll(async () => {
	await server?.stop();
	await n8n?.close();
	await removePackedPackage(tarball);
	await Promise.all([jas?.close(), partner?.close()]);
});

it('lists JAS Request with its credentials, outputs and icons', async () => {
	const types = (await (await api('/types/nodes.json')).json()) as Array<Record<string, unknown>>;
	const node = types.find((type) => type.name === 'n8n-nodes-jas.jasRequest');
	expect(node).toBeDefined();
	expect(node?.displayName).toBe('JAS Request');
	expect((node?.credentials as Array<{ name: string }>).map((c) => c.name)).toEqual(['jasOAuth2Api', 'partnerOAuth2Api', 'jtlFfnOAuth2Api']);
	expect(String(node?.outputs)).toContain('Network Error');
	expect(JSON.stringify(node?.iconUrl)).toContain('jasRequest');
	const credentials = (await (await api('/types/credentials.json')).json()) as Array<{ name: string }>;
	expect(credentials.map((c) => c.name)).toEqual(expect.arrayContaining(['jasOAuth2Api', 'partnerOAuth2Api', 'jtlFfnOAuth2Api']));
	expect(n8n.packageLoadProblems()).toEqual([]);
});

describe.each([
	['JAS', 'jasEditorCred1', 'jasOAuth2Api', () => jas, DEMO_CLIENTS.jas],
	['Partner', 'partnerEditorCred1', 'partnerOAuth2Api', () => partner, DEMO_CLIENTS.partner],
] as const)('%s credential Test button', (_name, id, type, sim, client) => {
	const test = async (clientSecret: string) => {
		const response = await api('/rest/credentials/test', {
			method: 'POST',
			body: JSON.stringify({ credentials: { id, name: 'test', type, data: { baseUrl: sim().url, clientId: client.clientId, clientSecret } } }),
		});
		expect(response.status).toBe(200);
		return ((await response.json()) as { data: { status: string; message: string } }).data;
	};

	it('says OK for the right secret', async () => {
		expect(await test(client.clientSecret)).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	it('says what to fix for a wrong secret, without echoing it', async () => {
		const result = await test('wrong-secret-4c1f9e');
		expect(result.status).toBe('Error');
		expect(result.message).toContain('rejected the client (401)');
		expect(result.message).toContain('Check the Client ID and Client Secret');
		expect(result.message).not.toContain('wrong-secret-4c1f9e');
	});
});
