import type { ICredentialType } from 'n8n-workflow';

import { clientCredentialsFields } from './clientCredentialsFields';
import { clientCredentialsType, PARTNER_PROVIDER } from '../nodes/shared/token/clientCredentials';

const shared = clientCredentialsType(PARTNER_PROVIDER);

/** A partner API: client credentials in a JSON body, 1-hour tokens that cannot be refreshed (docs/providers.md#partner-api). */
export class PartnerOAuth2Api implements ICredentialType {
	name = 'partnerOAuth2Api';

	displayName = 'Partner OAuth2 API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-jas#partner-api';

	icon = { light: 'file:icons/partner.svg', dark: 'file:icons/partner.dark.svg' } as const;

	properties = clientCredentialsFields(PARTNER_PROVIDER);

	preAuthentication = shared.preAuthentication;

	authenticate = shared.authenticate;

	test = shared.test;
}
