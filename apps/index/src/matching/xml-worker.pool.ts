import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MatchsignaalBericht, MeldingBericht } from '@vir/contracts';
import { XmlMessageError, type Opened } from '@vir/xml';
import type { IndexXml } from './index-xml';
import type { XmlWorkerData, XmlWorkerRequest, XmlWorkerResponse } from './xml-worker.protocol';

/** A request without its id (per member of the union). */
type Call = XmlWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Verification, decryption and signal signing on worker threads, so the event loop keeps
 * matching and talking to PostgreSQL while another core does the cryptography. Requests go to the
 * worker with the fewest outstanding ones; a chunk's signals are split across the workers. A
 * worker that dies fails its outstanding requests (the chunk is retried from Kafka) and is
 * replaced.
 */
export class XmlWorkerPool implements IndexXml {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    readonly signerOin: string,
    private readonly data: XmlWorkerData,
    size: number,
    private readonly script = join(__dirname, 'xml.worker.js'),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error('XmlWorkerPool: size must be a whole number >= 1');
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script, { workerData: this.data }), pending: new Map() };
    slot.worker.on('message', (response: XmlWorkerResponse) => {
      const p = slot.pending.get(response.id);
      if (!p) return;
      slot.pending.delete(response.id);
      if (response.ok) p.resolve(response.value);
      else if (response.error.xml) {
        const x = response.error.xml;
        p.reject(new XmlMessageError(x.code as XmlMessageError['code'], x.message, x.detailCode as XmlMessageError['detailCode'], x.certCode as XmlMessageError['certCode']));
      } else p.reject(new Error(`XML worker: ${response.error.message}`));
    });
    const fail = (reason: string) => {
      for (const p of slot.pending.values()) p.reject(new Error(`XML worker ${reason}`));
      slot.pending.clear();
      if (this.closing) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    slot.worker.on('error', (err) => fail(`failed: ${err.message}`));
    slot.worker.on('exit', (code) => fail(`exited with code ${code}`));
    return slot;
  }

  private call<T>(request: Call, slot = this.leastBusy()): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ ...request, id });
    });
  }

  private leastBusy(): Slot {
    return this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
  }

  openMelding(xml: string, at: Date): Promise<Opened<MeldingBericht>> {
    return this.call({ op: 'open', xml, at: at.toISOString() });
  }

  async signMatchsignalen(berichten: MatchsignaalBericht[]): Promise<string[]> {
    if (berichten.length === 0) return [];
    const parts = Math.min(this.slots.length, berichten.length);
    const size = Math.ceil(berichten.length / parts);
    const signed = await Promise.all(
      Array.from({ length: parts }, (_, k) => this.call<string[]>({ op: 'sign', berichten: berichten.slice(k * size, (k + 1) * size) }, this.slots[k])),
    );
    return signed.flat();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
