import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { oinOfCertificate } from '@vir/pki';
import type { Signer } from '@vir/xml';

/**
 * The signer the gateway uses for a regional tenant: its key and certificate from files on the
 * gateway's host. Throws a readable Error when a file is missing, the certificate carries another
 * OIN, or the key does not belong to the certificate.
 */
export function loadTenantSigner(oin: string, keyFile: string, certFile: string): Signer {
  let certificatePem: string;
  let privateKey;
  try {
    certificatePem = readFileSync(certFile, 'utf8');
    privateKey = createPrivateKey(readFileSync(keyFile));
  } catch (err) {
    throw new Error(`signing key or certificate not readable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    throw new Error('signingCertFile is not a PEM certificate');
  }
  if (oinOfCertificate(certificatePem) !== oin) throw new Error(`signingCertFile is not a certificate of OIN ${oin}`);
  const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' }).toString('base64');
  if (spki(createPublicKey(privateKey)) !== spki(cert.publicKey)) throw new Error('signingKeyFile does not belong to signingCertFile');
  return { oin, privateKey, certificatePem };
}
