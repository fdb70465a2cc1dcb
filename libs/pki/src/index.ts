export {
  createDevPki,
  issuePartyCertificate,
  promoteRollover,
  listPartyCertificates,
  DEV_PKI_CRL_URL,
  DEV_PARTY_VALIDITY_DAYS,
} from './dev-pki';
export type { DevPartySpec, DevKeyType, IssueOptions, IssuedCertificate, PartyCertificateFile } from './dev-pki';
export { currentCrl, revokeCertificate, DEV_CRL_VALIDITY_DAYS } from './dev-crl';
export type { CrlOptions, RevocationOutcome } from './dev-crl';
export { certFile, keyFile, crlFile, ROOT_CA, ISSUING_CA, NEXT_SUFFIX } from './dev-pki-files';
export { loadCredentials, loadCaBundle, loadCrl, loadTrustStore } from './credential-loader';
export type { Credentials, TrustFiles } from './credential-loader';
export { TrustStore, TRUST_ERROR_CODES } from './trust-store';
export type { TrustResult, TrustErrorCode, TrustStoreOptions, CrlStatus, CertificatePurpose, CheckOptions } from './trust-store';
export { oinOfCertificate, readCertificateFields } from './certificate-reader';
export type { CertificateFields, KeyUsageFlags } from './certificate-reader';
export { readCrl, splitCrls, REVOCATION_REASONS } from './crl-reader';
export type { CrlEntry, CrlInfo, RevocationReason } from './crl-reader';
export { normalizeSerial } from './der-reader';
export { expiringCertificates } from './expiry-report';
export type { ExpiringCertificate } from './expiry-report';
