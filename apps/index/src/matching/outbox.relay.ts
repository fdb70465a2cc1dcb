import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Contracts, type MatchsignaalBericht, type OutboundMessage } from '@vir/contracts';
import type { MessageBus } from '@vir/messaging';
import type { SignalSigner } from './index-xml';

interface OutboxEntry {
  id: string;
  topic: string | null;
  key: string | null;
  payload: string | null;
  records: string | null;
}

/** A matchsignaal's envelope before the relay signs it (the xml is added then). */
export type UnsignedSignal = Omit<OutboundMessage, 'xml'>;

/**
 * One record of a chunk row (outbox.records): the value is the message itself, already checked
 * against its contract, serialised when produced. A signal carries its bericht in `sign` instead
 * of its signed XML: the relay signs it, outside the transaction that stored it. Rows written
 * before held the serialised string or the signed envelope; all are read.
 */
export type OutboxRecord = { topic: string; key: string; value: object | string; sign?: undefined } | { topic: string; key: string; value: UnsignedSignal; sign: MatchsignaalBericht };

/**
 * Publishes the outbox to Kafka in id order. Rows are deleted (skipping rows another relay holds,
 * so several index instances can relay side by side), their signals signed, and produced with
 * acks=all, in one transaction: a crash before the commit republishes them (a signal then under a
 * fresh signature, with the same message id), and consumers dedupe by id.
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
    private readonly signer: SignalSigner,
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

  /** Resolves once a pass has found the outbox empty of what was committed before the call (benches, tools). */
  async flush(): Promise<void> {
    this.kick();
    while (this.running) await new Promise((r) => setTimeout(r, 2));
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
        // Taken and deleted in one statement, by primary key (= ANY of an array: IN (subquery) was planned
        // as a scan of the table and its dead rows); should producing fail, the rollback puts them back.
        // TypeORM answers a DELETE with [rows, count].
        const [rows]: [OutboxEntry[], number] = await em.query(
          `DELETE FROM outbox WHERE id = ANY(ARRAY(SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
           RETURNING id::text, topic, key, payload, records`,
          [this.batchSize],
        );
        if (rows.length === 0) return 0;
        rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        // In row and record order; a signal waits for its signature.
        const pending: ({ topic: string; key: string; value: string } | { topic: string; key: string; envelope: UnsignedSignal; signal: number })[] = [];
        const berichten: MatchsignaalBericht[] = [];
        for (const r of rows) {
          if (r.records === null) {
            pending.push({ topic: r.topic!, key: r.key!, value: r.payload! });
            continue;
          }
          for (const x of JSON.parse(r.records) as OutboxRecord[]) {
            if (x.sign) pending.push({ topic: x.topic, key: x.key, envelope: x.value, signal: berichten.push(x.sign) - 1 });
            else pending.push({ topic: x.topic, key: x.key, value: typeof x.value === 'string' ? x.value : JSON.stringify(x.value) });
          }
        }
        // One call for the pass's signals: the worker pool spreads them over its threads.
        const signed = await this.signer.signMatchsignalen(berichten);
        const byTopic = new Map<string, { key: string; value: string }[]>();
        for (const p of pending) {
          const value = 'signal' in p ? JSON.stringify(Contracts.outbound.validate({ ...p.envelope, xml: signed[p.signal] })) : p.value;
          const list = byTopic.get(p.topic) ?? [];
          list.push({ key: p.key, value });
          byTopic.set(p.topic, list);
        }
        for (const [topic, records] of byTopic) await this.bus.publishRaw(topic, records);
        return rows.length;
      });
      if (published < this.batchSize || this.stopped) return;
    }
  }
}
