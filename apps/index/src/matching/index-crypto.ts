import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { loadTrustStore, oinOfCertificate, type TrustFiles, type TrustStore } from '@vir/pki';
import type { RecipientKey, Signer } from '@vir/xml';

/** The files the index's keys and trust anchors are loaded from. */
export type IndexCryptoFiles = TrustFiles & { keyFile: string; certFile: string; decryptionKeyFile?: string; decryptionCertFile?: string; signingKeyFile?: string; signingCertFile?: string };

/** The index's keys and trust anchors, loaded once at start. */
export class IndexCrypto {
  readonly trustStore: TrustStore;
  /** Every key BSNs may be encrypted for: the EC key (ECDH-ES) first, the RSA key (RSA-OAEP) too. */
  readonly decryptionKeys: RecipientKey[];
  /** Signs what the index sends: the signing key when configured, otherwise the RSA key. */
  readonly signer: Signer;

  constructor(
    files: IndexCryptoFiles,
    crlRefresh?: { intervalMs: number; warn: (line: string) => void },
  ) {
    this.trustStore = loadTrustStore(files, crlRefresh);
    const key = createPrivateKey(readFileSync(files.keyFile));
    const certificatePem = readFileSync(files.certFile, 'utf8');
    const oin = oinOfCertificate(certificatePem);
    if (!oin) throw new Error(`The index certificate ${files.certFile} carries no OIN`);
    this.signer = { oin, privateKey: key, certificatePem };
    if (Boolean(files.signingKeyFile) !== Boolean(files.signingCertFile)) throw new Error('INDEX_SIGNING_KEY_FILE and INDEX_SIGNING_CERT_FILE go together');
    if (files.signingKeyFile && files.signingCertFile) {
      // An EC P-256 key signs matchsignalen with ECDSA: ~10x the RSA-2048 signing rate.
      const signingPem = readFileSync(files.signingCertFile, 'utf8');
      if (oinOfCertificate(signingPem) !== oin) throw new Error(`${files.signingCertFile} is not the index's (OIN differs)`);
      this.signer = { oin, privateKey: createPrivateKey(readFileSync(files.signingKeyFile)), certificatePem: signingPem };
    }
    this.decryptionKeys = [{ privateKey: key, certificatePem }];
    if (files.decryptionKeyFile && files.decryptionCertFile) {
      const encryptionPem = readFileSync(files.decryptionCertFile, 'utf8');
      if (oinOfCertificate(encryptionPem) !== oin) throw new Error(`${files.decryptionCertFile} is not the index's (OIN differs)`);
      this.decryptionKeys.unshift({ privateKey: createPrivateKey(readFileSync(files.decryptionKeyFile)), certificatePem: encryptionPem });
    }
  }
}
