import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { loadTrustStore, oinOfCertificate, type TrustFiles, type TrustStore } from '@vir/pki';
import type { Signer } from '@vir/xml';

/** The index's keys and trust anchors, loaded once at start. */
export class IndexCrypto {
  readonly trustStore: TrustStore;
  readonly decryptionKey: KeyObject;
  readonly signer: Signer;

  constructor(files: TrustFiles & { keyFile: string; certFile: string }) {
    this.trustStore = loadTrustStore(files);
    const key = createPrivateKey(readFileSync(files.keyFile));
    const certificatePem = readFileSync(files.certFile, 'utf8');
    const oin = oinOfCertificate(certificatePem);
    if (!oin) throw new Error(`The index certificate ${files.certFile} carries no OIN`);
    this.decryptionKey = key;
    this.signer = { oin, privateKey: key, certificatePem };
  }
}
