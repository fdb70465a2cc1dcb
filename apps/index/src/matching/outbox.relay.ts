import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MessageBus } from '@vir/messaging';

interface OutboxEntry {
  id: string;
  topic: string | null;
  key: string | null;
  payload: string | null;
  records: string | null;
}

/**
 * One record of a chunk row (outbox.records): the value is the message itself, already checked
 * against its contract, serialised when produced (so its signed XML is escaped once in the row,
 * not twice). Rows written before held the serialised string; both are read.
 */
export interface OutboxRecord {
  topic: string;
  key: string;
  value: object | string;
}

/**
 * Publishes the outbox to Kafka in id order. Rows are locked (SKIP LOCKED, so several index
 * instances can relay side by side), produced with acks=all, and deleted in the same
 * transaction: a crash before the commit republishes them, and consumers dedupe by id.
 */
export class OutboxRelay {
  private readonly log = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly pollMs: number,
    /** Rows per pass; a chunk row holds a few hundred records. */
    private readonly batchSize = 50,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  /** Ask for a pass now (after a commit); passes never overlap within one instance. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((err: unknown) => this.log.warn(`Outbox relay pass failed, will retry: ${(err as Error).message}`))
      .finally(() => {
        this.running = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const published = await this.ds.transaction(async (em) => {
        const rows: OutboxEntry[] = await em.query(
          'SELECT id, topic, key, payload, records FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
          [this.batchSize],
        );
        if (rows.length === 0) return 0;
        const byTopic = new Map<string, { key: string; value: string }[]>();
        const add = (topic: string, key: string, value: string) => {
          const list = byTopic.get(topic) ?? [];
          list.push({ key, value });
          byTopic.set(topic, list);
        };
        for (const r of rows) {
          if (r.records !== null) for (const x of JSON.parse(r.records) as OutboxRecord[]) add(x.topic, x.key, typeof x.value === 'string' ? x.value : JSON.stringify(x.value));
          else add(r.topic!, r.key!, r.payload!);
        }
        for (const [topic, records] of byTopic) await this.bus.publishRaw(topic, records);
        await em.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        return rows.length;
      });
      if (published < this.batchSize || this.stopped) return;
    }
  }
}
