/** The credential types' names: a public contract (saved workflows and credentials name them). */
export const CREDENTIAL_TYPES = {
	jas: 'jasOAuth2Api',
	partner: 'partnerOAuth2Api',
	jtl: 'jtlFfnOAuth2Api',
} as const;
