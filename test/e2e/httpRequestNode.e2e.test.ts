/**
 * The package's credentials inside a real n8n 2.41.1, used by n8n's own HTTP Request node ("Predefined Credential
 * Type"), against the provider simulators running in this test process. The package is packed and installed the
 * way n8n's Community Nodes screen installs it. Needs `npm run build` first; the first run installs n8n (~4 min).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEMO_CLIENTS, startAllSimulators, type AllSimulators } from '../../tools/simulators';
import { createN8nInstance, manualWorkflow, type N8nCredential, type N8nInstance } from '../../tools/n8n/instance';
import { errorText, outputItems, type N8nExecution } from '../../tools/n8n/executions';
import { missingN8nFiles, packPackage, removePackedPackage, REPO_DIR } from '../../tools/n8n/install';

jest.setTimeout(10 * 60_000);

const JTL_REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback'; // n8n's OAuth2 callback
const WRONG_SECRET = 'wrong-secret-e2e-5d0c71';

let sims: AllSimulators;
let n8n: N8nInstance;
let tarball: string;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Names (never values) of the secrets that occur in `text`, so a failing assertion prints no secret. */
function leakedSecrets(text: string): string[] {
	const secrets: Array<[string, string]> = [
		['JAS client secret', DEMO_CLIENTS.jas.clientSecret],
		['Partner client secret', DEMO_CLIENTS.partner.clientSecret],
		['JTL client secret', DEMO_CLIENTS.jtl.clientSecret],
		['wrong client secret', WRONG_SECRET],
		...sims.jas.issuedSecrets().map((s, i): [string, string] => [`JAS token #${i}`, s]),
		...sims.partner.issuedSecrets().map((s, i): [string, string] => [`Partner token #${i}`, s]),
		...sims.jtl.issuedSecrets().map((s, i): [string, string] => [`JTL token #${i}`, s]),
	];
	return secrets.filter(([, value]) => text.includes(value)).map(([name]) => name);
}

function expectNoLeaks(execution: N8nExecution): void {
	expect(leakedSecrets(n8n.logs())).toEqual([]);
	expect(leakedSecrets(JSON.stringify(execution.document))).toEqual([]);
}

/** A short summary for assertion messages: status and error text (secret-free by the leak checks). */
function outcome(execution: N8nExecution): { status: string; error: string } {
	return { status: execution.status, error: errorText(execution.error) };
}

function httpRequestWorkflow(id: string, url: string, credentialType: string, credential: N8nCredential) {
	return manualWorkflow(id, `e2e ${id}`, {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { url, authentication: 'predefinedCredentialType', nodeCredentialType: credentialType, options: {} },
		credentials: { [credentialType]: { id: credential.id, name: credential.name } },
	});
}

function jasCredential(id: string, clientSecret: string = DEMO_CLIENTS.jas.clientSecret): N8nCredential {
	return {
		id,
		name: `JAS ${id}`,
		type: 'jasOAuth2Api',
		data: { baseUrl: sims.jas.url, tokenUrl: '', clientId: DEMO_CLIENTS.jas.clientId, clientSecret, renewalMarginSec: 60 },
	};
}

/** A JTL credential as n8n holds it after the user clicked Connect: the token response in oauthTokenData. */
async function jtlCredential(id: string): Promise<N8nCredential> {
	const { clientId, clientSecret } = DEMO_CLIENTS.jtl;
	const token = await sims.jtl.authorizeAndExchange({ clientId, clientSecret, redirectUri: JTL_REDIRECT_URI, scope: 'ffn.merchant.read' });
	return {
		id,
		name: `JTL ${id}`,
		type: 'jtlFfnOAuth2Api',
		data: {
			environment: 'custom',
			customApiUrl: `${sims.jtl.url}/api`,
			customOAuthUrl: sims.jtl.url,
			scopes: ['ffn.merchant.read'],
			clientId,
			clientSecret,
			oauthTokenData: token,
		},
	};
}

beforeAll(async () => {
	sims = await startAllSimulators();
	// dropMissingN8nFiles: the JAS Request node may not be built yet; its own test below stays red until it is.
	tarball = await packPackage(REPO_DIR, { dropMissingN8nFiles: true });
	n8n = await createN8nInstance({ tarball });
});

afterAll(async () => {
	await n8n?.close();
	await sims?.close();
	if (tarball) await removePackedPackage(tarball);
});

beforeEach(() => {
	for (const sim of [sims.jas, sims.partner, sims.jtl]) sim.resetStats();
});

it('packs a package whose package.json names only files it contains (n8n refuses the whole package otherwise)', async () => {
	const unpatched = await packPackage(REPO_DIR);
	try {
		expect(await missingN8nFiles(unpatched)).toEqual([]);
	} finally {
		await removePackedPackage(unpatched);
	}
});

it('JAS credential: the HTTP Request node gets a token once and calls the API, leaking nothing', async () => {
	const credential = jasCredential('jas1');
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow(httpRequestWorkflow('wfjas1', `${sims.jas.url}/api/echo`, 'jasOAuth2Api', credential));

	const execution = await n8n.execute('wfjas1');

	expect(outcome(execution)).toEqual({ status: 'success', error: '' });
	expect(outputItems(execution, 'HTTP Request')[0]).toMatchObject({ method: 'GET', path: '/api/echo' });
	expect(sims.jas.stats.tokenRequests).toBe(1);
	expect(sims.jas.stats.unauthorized).toBe(0);
	expectNoLeaks(execution);
	expect(n8n.packageLoadProblems()).toEqual([]);
});

it("JAS credential: the HTTP Request node sends the token only to the credential's API host, never to another one", async () => {
	const seen: string[] = [];
	const other = createServer((req, res) => {
		seen.push(req.headers.authorization === undefined ? 'without Authorization' : 'with Authorization');
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"ok":true}');
	});
	await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
	try {
		const credential = jasCredential('jasforeign');
		await n8n.importCredentials([credential]);
		await n8n.importWorkflow(httpRequestWorkflow('wfjasforeign', `http://127.0.0.1:${(other.address() as AddressInfo).port}/collect`, 'jasOAuth2Api', credential));
		const execution = await n8n.execute('wfjasforeign');
		expect(outcome(execution)).toEqual({ status: 'success', error: '' });
		expect(seen).toEqual(['without Authorization']);
		expectNoLeaks(execution);
	} finally {
		other.closeAllConnections();
		await new Promise<void>((resolve) => other.close(() => resolve()));
	}
});

it('Partner credential: the HTTP Request node gets a token once and calls the API, leaking nothing', async () => {
	const credential: N8nCredential = {
		id: 'partner1',
		name: 'Partner partner1',
		type: 'partnerOAuth2Api',
		data: { baseUrl: sims.partner.url, tokenUrl: '', ...DEMO_CLIENTS.partner, renewalMarginSec: 300 },
	};
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow(httpRequestWorkflow('wfpartner1', `${sims.partner.url}/api/echo`, 'partnerOAuth2Api', credential));

	const execution = await n8n.execute('wfpartner1');

	expect(outcome(execution)).toEqual({ status: 'success', error: '' });
	expect(outputItems(execution, 'HTTP Request')[0]).toMatchObject({ path: '/api/echo' });
	expect(sims.partner.stats.tokenRequests).toBe(1);
	expectNoLeaks(execution);
});

it('JAS: an expired stored token is replaced after the 401 (n8n calls preAuthentication again)', async () => {
	const credential = jasCredential('jas2');
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow(httpRequestWorkflow('wfjas2', `${sims.jas.url}/api/echo`, 'jasOAuth2Api', credential));
	sims.jas.setTokenLifetime(1);
	try {
		const first = await n8n.execute('wfjas2');
		expect(outcome(first)).toEqual({ status: 'success', error: '' });
		await sleep(1500); // the token n8n stored has now expired

		const second = await n8n.execute('wfjas2');

		expect(outcome(second)).toEqual({ status: 'success', error: '' });
		expect(sims.jas.stats.expiredTokenRejections).toBeGreaterThanOrEqual(1); // the stored token was really used
		expect(sims.jas.stats.tokenRequests).toBe(2);
		expectNoLeaks(second);
	} finally {
		sims.jas.setTokenLifetime(600);
	}
});

it('JAS: a wrong client secret fails with a message that names the credential and what to check', async () => {
	const credential = jasCredential('jas3', WRONG_SECRET);
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow(httpRequestWorkflow('wfjas3', `${sims.jas.url}/api/echo`, 'jasOAuth2Api', credential));

	const execution = await n8n.execute('wfjas3');

	expect(execution.status).toBe('error');
	// The headline is the credential's own message, not n8n's generic "Authorization failed - please check your credentials".
	expect(execution.error?.message).not.toContain('Authorization failed');
	const text = errorText(execution.error);
	expect(text).toContain('JAS OAuth2 API');
	expect(text).toMatch(/Check the Client ID and Client Secret/i);
	expect(text).not.toContain(WRONG_SECRET);
	expect(sims.jas.stats.apiRequests).toBe(0);
	expectNoLeaks(execution);
});

it('JTL credential: the HTTP Request node calls the API with the connected token', async () => {
	const credential = await jtlCredential('jtl1');
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow(httpRequestWorkflow('wfjtl1', `${sims.jtl.url}/api/v1/users/current`, 'jtlFfnOAuth2Api', credential));

	const execution = await n8n.execute('wfjtl1');

	expect(outcome(execution)).toEqual({ status: 'success', error: '' });
	expect(outputItems(execution, 'HTTP Request')[0]).toMatchObject({ scopes: ['ffn.merchant.read'] });
	expect(sims.jtl.stats.refreshRequests).toBe(0);
	expectNoLeaks(execution);
});

it('JTL: short-lived tokens are refreshed across executions and the rotated refresh token is persisted', async () => {
	sims.jtl.setTokenLifetime(1);
	try {
		const credential = await jtlCredential('jtl2'); // its first access token lives 1 s as well
		await n8n.importCredentials([credential]);
		await n8n.importWorkflow(httpRequestWorkflow('wfjtl2', `${sims.jtl.url}/api/v1/users/current`, 'jtlFfnOAuth2Api', credential));
		sims.jtl.resetStats();

		for (let run = 1; run <= 3; run++) {
			await sleep(1500); // the stored access token has expired: n8n refreshes after the 401
			const execution = await n8n.execute('wfjtl2');
			expect({ run, ...outcome(execution) }).toEqual({ run, status: 'success', error: '' });
			expectNoLeaks(execution);
		}

		expect(sims.jtl.stats.invalidGrant).toBe(0);
		expect(sims.jtl.stats.refreshRequests).toBeGreaterThanOrEqual(1);
		const stored = (await n8n.exportCredentials()).find((c) => c.id === 'jtl2');
		const persisted = (stored?.data.oauthTokenData as { refresh_token?: string } | undefined)?.refresh_token;
		// The simulator issues an access token, then its refresh token: the last secret is the newest refresh token.
		const newest = sims.jtl.issuedSecrets().at(-1);
		expect({ persistedIsNewest: persisted !== undefined && persisted === newest }).toEqual({ persistedIsNewest: true });
	} finally {
		sims.jtl.setTokenLifetime(1800);
	}
});

it('n8n loaded the package without errors and logged no secret', () => {
	expect(n8n.packageLoadProblems()).toEqual([]);
	expect(leakedSecrets(n8n.logs())).toEqual([]);
});
