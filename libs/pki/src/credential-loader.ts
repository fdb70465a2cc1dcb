import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { oinOfCertificate } from './certificate-reader';
import { certFile, crlFile, ISSUING_CA, keyFile, ROOT_CA } from './dev-pki-files';

/** A party's signing identity; structurally a `Signer` for @vir/xml. */
export interface Credentials {
  name: string;
  /** From the certificate itself, so it can never disagree with what verifiers will see. */
  oin: string;
  privateKey: KeyObject;
  certificatePem: string;
}

/** Loads `<name>.key.pem` and `<name>.cert.pem` from `dir` (synchronously: a startup step). */
export function loadCredentials(dir: string, name: string): Credentials {
  const certificatePem = readFileSync(certFile(dir, name), 'utf8');
  const privateKey = createPrivateKey(readFileSync(keyFile(dir, name), 'utf8'));
  const oin = oinOfCertificate(certificatePem);
  if (!oin) throw new Error(`loadCredentials: ${certFile(dir, name)} has no 20-digit OIN in its subject serialNumber`);
  return { name, oin, privateKey, certificatePem };
}

/** The CA certificates of a PKI directory: root first, then the issuing CA. */
export function loadCaBundle(dir: string): string[] {
  return [ROOT_CA, ISSUING_CA].map((name) => readFileSync(certFile(dir, name), 'utf8'));
}

/**
 * The issuing CA's CRL as last published (PEM). For a CRL that is certain to be current, use
 * the async `currentCrl`, which publishes a new one when needed.
 */
export function loadCrl(dir: string): string {
  return readFileSync(crlFile(dir), 'utf8');
}
