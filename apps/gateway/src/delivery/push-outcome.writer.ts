import type { PushOutcome, SignalStore } from './signal.store';

type Applied = { status: PushOutcome['status']; attempt: number } | undefined;

/**
 * Writes push outcomes behind the pushes: an outcome waits only for the write in progress, then
 * goes with everything that arrived meanwhile in one statement (group commit). Pushes do not wait
 * for the database between one POST and the next; a crash before the write means the signal is
 * claimed again after its lease and sent again with the same Idempotency-Key.
 */
export class PushOutcomeWriter {
  private queue: { outcome: PushOutcome; resolve: (a: Applied) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly store: Pick<SignalStore, 'recordPushOutcomes'>,
    private readonly maxPerWrite = 500,
  ) {}

  /** What the signal became (undefined when it was no longer pending), once written. */
  write(outcome: PushOutcome): Promise<Applied> {
    return new Promise((resolve, reject) => {
      this.queue.push({ outcome, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxPerWrite);
        try {
          const applied = await this.store.recordPushOutcomes(batch.map((b) => b.outcome));
          for (const b of batch) b.resolve(applied.get(b.outcome.id));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
