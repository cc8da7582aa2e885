import type { ICredentialType } from 'n8n-workflow';

import { clientCredentialsFields } from './clientCredentialsFields';
import { clientCredentialsType, JAS_PROVIDER } from '../nodes/shared/token/clientCredentials';

const shared = clientCredentialsType(JAS_PROVIDER);

/** JAS "My JAS Connect": client credentials in a form body, 10-minute tokens (docs/providers.md#jas). */
export class JasOAuth2Api implements ICredentialType {
	name = 'jasOAuth2Api';

	displayName = 'JAS OAuth2 API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-jas#jas';

	icon = { light: 'file:icons/jas.svg', dark: 'file:icons/jas.dark.svg' } as const;

	properties = clientCredentialsFields(JAS_PROVIDER);

	preAuthentication = shared.preAuthentication;

	authenticate = shared.authenticate;

	test = shared.test;
}
