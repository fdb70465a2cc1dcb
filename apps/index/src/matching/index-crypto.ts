import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { oinOfCertificate, TrustStore } from '@vir/pki';
import type { Signer } from '@vir/xml';

function pemBlocks(file: string): string[] {
  return readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The index's keys and trust anchors, loaded once at start. */
export class IndexCrypto {
  readonly trustStore: TrustStore;
  readonly decryptionKey: KeyObject;
  readonly signer: Signer;

  constructor(files: { keyFile: string; certFile: string; rootFile: string; intermediatesFile?: string }) {
    this.trustStore = new TrustStore({
      roots: pemBlocks(files.rootFile),
      intermediates: files.intermediatesFile ? pemBlocks(files.intermediatesFile) : [],
    });
    const key = createPrivateKey(readFileSync(files.keyFile));
    const certificatePem = readFileSync(files.certFile, 'utf8');
    const oin = oinOfCertificate(certificatePem);
    if (!oin) throw new Error(`The index certificate ${files.certFile} carries no OIN`);
    this.decryptionKey = key;
    this.signer = { oin, privateKey: key, certificatePem };
  }
}
