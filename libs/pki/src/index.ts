export { createDevPki, DEV_PKI_CRL_URL } from './dev-pki';
export type { DevPartySpec } from './dev-pki';
export { loadCredentials, loadCaBundle } from './credential-loader';
export type { Credentials } from './credential-loader';
export { TrustStore, TRUST_ERROR_CODES } from './trust-store';
export type { TrustResult, TrustErrorCode, TrustStoreOptions } from './trust-store';
export { oinOfCertificate, readCertificateFields } from './certificate-reader';
export type { CertificateFields, KeyUsageFlags } from './certificate-reader';
