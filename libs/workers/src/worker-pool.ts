import { Worker } from 'node:worker_threads';

/** What a pool's worker answers to each request (which carries its `id`). */
export type WorkerReply<E> = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: E };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>;
}

/**
 * A fixed number of worker threads running one script, for CPU work the event loop should not do
 * (verifying, decrypting, signing). A request goes to the worker with the fewest outstanding ones
 * (or to the one named); a worker that dies fails its outstanding requests and is replaced.
 * `failure` turns a worker's error data back into the caller's Error (e.g. a coded refusal).
 */
export class WorkerPool<E> {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly script: string,
    private readonly workerData: unknown,
    size: number,
    private readonly failure: (error: E) => Error,
    private readonly name = 'worker',
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`${name} pool: size must be a whole number >= 1`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script, { workerData: this.workerData }), pending: new Map() };
    slot.worker.on('message', (reply: WorkerReply<E>) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(this.failure(reply.error));
    });
    const fail = (reason: string) => {
      for (const p of slot.pending.values()) p.reject(new Error(`${this.name} ${reason}`));
      slot.pending.clear();
      if (this.closing) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    slot.worker.on('error', (err) => fail(`failed: ${err.message}`));
    slot.worker.on('exit', (code) => fail(`exited with code ${code}`));
    return slot;
  }

  /** Sends `request` (with an id added) to worker `index`, or to the least busy one. */
  call<T>(request: object, index?: number): Promise<T> {
    const slot = index === undefined ? this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best)) : this.slots[index];
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
