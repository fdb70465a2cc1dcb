import { join } from 'node:path';
import type { MeldingBericht } from '@vir/contracts';
import { XmlMessageError, type Opened } from '@vir/xml';
import type { IndexXml, Settled, SignalDocument } from './index-xml';
import { WorkerPool } from '@vir/workers';
import type { XmlWorkerData, XmlWorkerFailure, XmlWorkerOpened, XmlWorkerRequest } from './xml-worker.protocol';

/** A request without its id (per member of the union). */
type Call = XmlWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** A refusal comes back as data and becomes the same coded XmlMessageError on this side. */
function failure(error: XmlWorkerFailure): Error {
  const x = error.xml;
  return x
    ? new XmlMessageError(x.code as XmlMessageError['code'], x.message, x.detailCode as XmlMessageError['detailCode'], x.certCode as XmlMessageError['certCode'])
    : new Error(`XML worker: ${error.message}`);
}

/**
 * Verification, decryption and signal signing on worker threads, so the event loop keeps
 * matching and talking to PostgreSQL while another core does the cryptography. Requests go to the
 * worker with the fewest outstanding ones; a chunk's signals are split across the workers. A
 * worker that dies fails its outstanding requests (the chunk is retried from Kafka) and is
 * replaced.
 */
export class XmlWorkerPool implements IndexXml {
  private readonly pool: WorkerPool<XmlWorkerFailure>;

  constructor(
    readonly signerOin: string,
    data: XmlWorkerData,
    size: number,
    script = join(__dirname, 'xml.worker.js'),
  ) {
    this.pool = new WorkerPool(script, data, size, failure, 'XML worker');
  }

  private call<T>(request: Call, index?: number): Promise<T> {
    return this.pool.call<T>(request, index);
  }

  /**
   * A chunk's meldingen in one request per worker (each answers its share at once): a message per
   * melding each way cost both threads a wake-up and a structured clone per melding.
   */
  async openMeldingen(xmls: string[], at: Date): Promise<Settled<Opened<MeldingBericht>>[]> {
    if (xmls.length === 0) return [];
    const parts = this.split(xmls);
    const answers = await Promise.all(parts.map((part, k) => this.call<XmlWorkerOpened[]>({ op: 'open', xmls: part, at: at.toISOString() }, parts.length > 1 ? k : undefined)));
    return answers.flat().map((r) => (r.ok ? { ok: true as const, value: r.value as Opened<MeldingBericht> } : { ok: false as const, error: failure(r.error) }));
  }

  /** `items` in consecutive parts, one per worker (fewer when there are fewer items). */
  private split<T>(items: T[]): T[][] {
    const parts = Math.min(this.pool.size, items.length);
    const size = Math.ceil(items.length / parts);
    return Array.from({ length: parts }, (_, k) => items.slice(k * size, (k + 1) * size));
  }

  async signMatchsignalen(documents: SignalDocument[]): Promise<string[]> {
    if (documents.length === 0) return [];
    const signed = await Promise.all(this.split(documents).map((part, k) => this.call<string[]>({ op: 'sign', documents: part }, k)));
    return signed.flat();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
