import { join } from 'node:path';
import type { MeldingBericht } from '@vir/contracts';
import { KeyAgreementSession, sealMelding, type BsnEncryption, type Signer } from '@vir/xml';
import { WorkerPool, type WorkerReply } from '@vir/workers';

/** Encrypts a melding's BSNs for the index and signs it for the tenant (the gateway's costliest step). */
export interface MeldingSealer {
  seal(melding: MeldingBericht, signer: Signer): Promise<string>;
  close(): Promise<void>;
}

/** Sealing on the event loop's thread (SEAL_WORKERS=0). */
export class InThreadSealer implements MeldingSealer {
  private readonly session = new KeyAgreementSession();

  constructor(
    private readonly recipientCertificatePem: string,
    private readonly bsnEncryption: BsnEncryption = 'together',
  ) {}

  seal(melding: MeldingBericht, signer: Signer): Promise<string> {
    return new Promise((resolve) =>
      resolve(sealMelding(melding, { signer, recipientCertificatePem: this.recipientCertificatePem, keyAgreement: this.session, bsnEncryption: this.bsnEncryption })),
    );
  }

  async close(): Promise<void> {}
}

/** What a sealer worker gets at start, and per request. */
export interface SealerWorkerData {
  recipientCertificatePem: string;
  bsnEncryption?: BsnEncryption;
}
export interface SealRequest {
  id: number;
  melding: MeldingBericht;
  signer: Signer;
}
export type SealResponse = WorkerReply<{ message: string }>;

/**
 * Sealing on worker threads (SEAL_WORKERS ≥ 1): the event loop keeps reading requests, validating,
 * and talking to PostgreSQL and Kafka while other cores do the RSA signatures; a batch's meldingen
 * are sealed side by side. Each worker has its own key-agreement session. A worker that dies fails
 * its outstanding requests (answered INTERNAL_ERROR, nothing forwarded) and is replaced.
 */
export class SealerPool implements MeldingSealer {
  private readonly pool: WorkerPool<{ message: string }>;

  constructor(data: SealerWorkerData, size: number, script = join(__dirname, 'sealer.worker.js')) {
    this.pool = new WorkerPool(script, data, size, (e) => new Error(`sealing failed: ${e.message}`), 'sealer worker');
  }

  seal(melding: MeldingBericht, signer: Signer): Promise<string> {
    // A KeyObject crosses to the worker as a handle to the same key, not as key material in a message.
    return this.pool.call<string>({ melding, signer: { oin: signer.oin, privateKey: signer.privateKey, certificatePem: signer.certificatePem } } satisfies Omit<SealRequest, 'id'>);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
