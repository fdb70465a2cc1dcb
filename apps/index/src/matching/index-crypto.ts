import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { loadTrustStore, oinOfCertificate, type TrustFiles, type TrustStore } from '@vir/pki';
import type { RecipientKey, Signer } from '@vir/xml';

/** The index's keys and trust anchors, loaded once at start. */
export class IndexCrypto {
  readonly trustStore: TrustStore;
  /** Every key BSNs may be encrypted for: the EC key (ECDH-ES) first, the RSA key (RSA-OAEP) too. */
  readonly decryptionKeys: RecipientKey[];
  readonly signer: Signer;

  constructor(
    files: TrustFiles & { keyFile: string; certFile: string; decryptionKeyFile?: string; decryptionCertFile?: string },
    crlRefresh?: { intervalMs: number; warn: (line: string) => void },
  ) {
    this.trustStore = loadTrustStore(files, crlRefresh);
    const key = createPrivateKey(readFileSync(files.keyFile));
    const certificatePem = readFileSync(files.certFile, 'utf8');
    const oin = oinOfCertificate(certificatePem);
    if (!oin) throw new Error(`The index certificate ${files.certFile} carries no OIN`);
    this.signer = { oin, privateKey: key, certificatePem };
    this.decryptionKeys = [{ privateKey: key, certificatePem }];
    if (files.decryptionKeyFile && files.decryptionCertFile) {
      const encryptionPem = readFileSync(files.decryptionCertFile, 'utf8');
      if (oinOfCertificate(encryptionPem) !== oin) throw new Error(`${files.decryptionCertFile} is not the index's (OIN differs)`);
      this.decryptionKeys.unshift({ privateKey: createPrivateKey(readFileSync(files.decryptionKeyFile)), certificatePem: encryptionPem });
    }
  }
}
