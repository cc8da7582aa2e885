import type { ICredentialType } from 'n8n-workflow';

import { clientCredentialsTest, JAS_PROVIDER } from '../nodes/shared/token/clientCredentials';
import { CREDENTIAL_TYPES } from '../nodes/shared/token/credentialTypes';
import { clientCredentialsApi } from './clientCredentialsApi';

/** JAS "My JAS Connect": client credentials in a form body, 10-minute tokens (docs/providers.md#jas). */
export class JasOAuth2Api extends clientCredentialsApi(JAS_PROVIDER) implements ICredentialType {
	name = CREDENTIAL_TYPES.jas;

	displayName = 'JAS OAuth2 API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-jas#jas';

	test = clientCredentialsTest(JAS_PROVIDER);

	icon = { light: 'file:icons/jas.svg', dark: 'file:icons/jas.dark.svg' } as const;
}
