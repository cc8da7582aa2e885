/**
 * A one-package npm registry on 127.0.0.1: the packument (`GET /<name>`, what `npm view` reads), the version
 * document (`GET /<name>/<version>`, what n8n's verifyIntegrity reads first) and the tarball. `dist.integrity` is
 * computed here from the tarball's bytes, as the public registry does on publish, so it is independent of npm pack.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NpmRegistry {
	url: string;
	/** the registry's dist.integrity of the tarball: `sha512-` and the base64 SHA-512 of its bytes */
	integrity: string;
	/** request paths in the order they arrived */
	requests: string[];
	close(): Promise<void>;
}

export async function startNpmRegistry(name: string, version: string, tarball: string): Promise<NpmRegistry> {
	const bytes = readFileSync(tarball);
	const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
	const shasum = createHash('sha1').update(bytes).digest('hex');
	const requests: string[] = [];
	const server = createServer((req, res) => {
		requests.push(req.url ?? '');
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const manifest = { name, version, dist: { integrity, shasum, tarball: `${base}/${name}/-/${name}-${version}.tgz` } };
		const path = decodeURIComponent((req.url ?? '').split('?')[0]);
		if (path === `/${name}/-/${name}-${version}.tgz`) {
			res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
		} else if (path === `/${name}/${version}`) {
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(manifest));
		} else if (path === `/${name}`) {
			const packument = { name, 'dist-tags': { latest: version }, versions: { [version]: manifest } };
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
		} else {
			res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		integrity,
		requests,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
