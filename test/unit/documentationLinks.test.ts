/**
 * The editor's "Docs" links (the node's codex, each credential's documentationUrl) open README sections: each
 * anchor must name a heading that exists, spelled as npm and GitHub spell heading anchors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { JasOAuth2Api } from '../../credentials/JasOAuth2Api.credentials';
import { JtlFfnOAuth2Api } from '../../credentials/JtlFfnOAuth2Api.credentials';
import { PartnerOAuth2Api } from '../../credentials/PartnerOAuth2Api.credentials';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const codex = JSON.parse(readFileSync(join(root, 'nodes', 'JasRequest', 'JasRequest.node.json'), 'utf8')) as {
	resources: Record<string, Array<{ url: string }>>;
};

/** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
const anchors = new Set([...readme.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1])));

const links: Array<[string, string]> = [
	...Object.entries(codex.resources).flatMap(([kind, list]) => list.map(({ url }): [string, string] => [`codex ${kind}`, url])),
	...[new JasOAuth2Api(), new PartnerOAuth2Api(), new JtlFfnOAuth2Api()].map((type): [string, string] => [type.name, type.documentationUrl]),
];

it.each(links)('%s links to a README section (%s)', (_what, url) => {
	const { origin, pathname, hash } = new URL(url);
	expect(`${origin}${pathname}`).toBe('https://www.npmjs.com/package/n8n-nodes-jas');
	expect(anchors).toContain(hash.slice(1));
});

it('every in-page link of the README names a heading', () => {
	const targets = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
	expect(targets.length).toBeGreaterThan(0);
	expect(targets.filter((target) => !anchors.has(target))).toEqual([]);
});
