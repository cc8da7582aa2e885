import type { ICredentialType } from 'n8n-workflow';

import { clientCredentialsTest, PARTNER_PROVIDER } from '../nodes/shared/token/clientCredentials';
import { CREDENTIAL_TYPES } from '../nodes/shared/token/credentialTypes';
import { clientCredentialsApi } from './clientCredentialsApi';

/** A partner API: client credentials in a JSON body, 1-hour tokens that cannot be refreshed (docs/providers.md#partner-api). */
export class PartnerOAuth2Api extends clientCredentialsApi(PARTNER_PROVIDER) implements ICredentialType {
	name = CREDENTIAL_TYPES.partner;

	displayName = 'Partner OAuth2 API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-jas#partner-api';

	test = clientCredentialsTest(PARTNER_PROVIDER);

	icon = { light: 'file:icons/partner.svg', dark: 'file:icons/partner.dark.svg' } as const;
}
