import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { oinOfCertificate } from './certificate-reader';
import { certFile, crlFile, ISSUING_CA, keyFile, ROOT_CA } from './dev-pki-files';
import { TrustStore } from './trust-store';

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

export interface TrustFiles {
  /** PEM file(s) with the root CA certificate(s). */
  rootFile: string;
  /** PEM file with intermediate (issuing) CA certificates. */
  intermediatesFile?: string;
  /** The issuing CA's CRL (PEM or DER); without it revocation is not checked. */
  crlFile?: string;
}

/** A CRL file as TrustStore takes it: PEM as text, DER as bytes. */
function readCrlFile(file: string): string | Buffer {
  const bytes = readFileSync(file);
  return bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN') ? bytes.toString('utf8') : bytes;
}

/**
 * A service's trust store from its configured files (a startup step). With `refresh`, the CRL
 * file is re-read periodically (an unref'd timer: it never keeps the process alive).
 */
export function loadTrustStore(files: TrustFiles, refresh?: { intervalMs: number; warn: (line: string) => void }): TrustStore {
  const store = new TrustStore({
    roots: [readFileSync(files.rootFile, 'utf8')],
    intermediates: files.intermediatesFile ? [readFileSync(files.intermediatesFile, 'utf8')] : [],
    crls: files.crlFile ? [readCrlFile(files.crlFile)] : [],
  });
  if (files.crlFile && refresh) refreshCrlPeriodically(store, files.crlFile, refresh.intervalMs, refresh.warn);
  return store;
}

/**
 * Re-reads the CRL file periodically, so a newly published CRL (a revocation, or simply the next
 * regular one) takes effect without a restart. A bad file keeps the previous CRLs and is reported.
 */
export function refreshCrlPeriodically(store: TrustStore, crlFile: string, intervalMs: number, warn: (line: string) => void): () => void {
  const timer = setInterval(() => {
    try {
      store.setCrls([readCrlFile(crlFile)]);
    } catch (err) {
      warn(`CRL ${crlFile} not reloaded: ${(err as Error).message}`);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
