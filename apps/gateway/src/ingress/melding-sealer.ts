import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MeldingBericht } from '@vir/contracts';
import { KeyAgreementSession, sealMelding, type Signer } from '@vir/xml';

/** Encrypts a melding's BSNs for the index and signs it for the tenant (the gateway's costliest step). */
export interface MeldingSealer {
  seal(melding: MeldingBericht, signer: Signer): Promise<string>;
  close(): Promise<void>;
}

/** Sealing on the event loop's thread (SEAL_WORKERS=0). */
export class InThreadSealer implements MeldingSealer {
  private readonly session = new KeyAgreementSession();

  constructor(private readonly recipientCertificatePem: string) {}

  seal(melding: MeldingBericht, signer: Signer): Promise<string> {
    return new Promise((resolve) => resolve(sealMelding(melding, { signer, recipientCertificatePem: this.recipientCertificatePem, keyAgreement: this.session })));
  }

  async close(): Promise<void> {}
}

/** What a sealer worker gets at start, and per request. */
export interface SealerWorkerData {
  recipientCertificatePem: string;
}
export interface SealRequest {
  id: number;
  melding: MeldingBericht;
  signer: Signer;
}
export type SealResponse = { id: number; ok: true; xml: string } | { id: number; ok: false; message: string };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (xml: string) => void; reject: (err: Error) => void }>;
}

/**
 * Sealing on worker threads (SEAL_WORKERS ≥ 1): the event loop keeps reading requests, validating,
 * and talking to PostgreSQL and Kafka while other cores do the RSA signatures; a batch's meldingen
 * are sealed side by side. Each worker has its own key-agreement session. A worker that dies fails
 * its outstanding requests (answered INTERNAL_ERROR, nothing forwarded) and is replaced.
 */
export class SealerPool implements MeldingSealer {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly data: SealerWorkerData,
    size: number,
    private readonly script = join(__dirname, 'sealer.worker.js'),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error('SealerPool: size must be a whole number >= 1');
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script, { workerData: this.data }), pending: new Map() };
    slot.worker.on('message', (r: SealResponse) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (r.ok) p.resolve(r.xml);
      else p.reject(new Error(`sealing failed: ${r.message}`));
    });
    const fail = (reason: string) => {
      for (const p of slot.pending.values()) p.reject(new Error(`sealer worker ${reason}`));
      slot.pending.clear();
      if (this.closing) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    slot.worker.on('error', (err) => fail(`failed: ${err.message}`));
    slot.worker.on('exit', (code) => fail(`exited with code ${code}`));
    return slot;
  }

  seal(melding: MeldingBericht, signer: Signer): Promise<string> {
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      // A KeyObject crosses to the worker as a handle to the same key, not as key material in a message.
      slot.worker.postMessage({ id, melding, signer: { oin: signer.oin, privateKey: signer.privateKey, certificatePem: signer.certificatePem } } satisfies SealRequest);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
