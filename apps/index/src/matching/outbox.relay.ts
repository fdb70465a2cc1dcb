import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Contracts, type FlowEvent, type MatchsignaalBericht, type MatchsignalenBericht, type OutboundMessage } from '@vir/contracts';
import { nameBasedId, type FlowEventPublisher, type MessageBus } from '@vir/messaging';
import { queryPrepared } from '@vir/persistence';
import { MAX_SIGNALEN } from '@vir/xml';
import type { SignalDocument, SignalSigner } from './index-xml';
import { expandStored, type StoredRecord } from './match-signal';

interface OutboxEntry {
  id: string;
  topic: string | null;
  key: string | null;
  payload: string | null;
  records: string | null;
  createdAt: Date;
}

/** A matchsignaal's envelope before the relay signs it (the xml is added then). */
export type UnsignedSignal = Omit<OutboundMessage, 'xml'>;

/**
 * One record of a chunk row (outbox.records): the value is the message itself, already checked
 * against its contract, serialised when produced. A signal carries its bericht in `sign` instead
 * of its signed XML: the relay signs it, outside the transaction that stored it; with `bundle`, in
 * a Matchsignalen with the pass's other signals for its party. Rows written before held the
 * serialised string or the signed envelope; all are read.
 */
export type OutboxRecord = { topic: string; key: string; value: object | string; sign?: undefined } | SignalRecord;

/**
 * A matchsignaal record (match-signal.ts builds it). `match`: the match it is about and which of
 * its two meldingen receives it; with it, the table keeps the record in short (StoredSignal).
 */
export interface SignalRecord {
  topic: string;
  key: string;
  value: UnsignedSignal;
  sign: MatchsignaalBericht;
  queued?: QueuedSignal;
  bundle?: true;
  match?: { id: string; side: 'a' | 'b' };
}

/**
 * The signal's `index.signal-queued` flow event, in the few fields it does not share with the
 * signal: the relay builds the event when it publishes the signal, under an id derived from the
 * signal's (a republished row gives the same event, which the monitor ignores). Carried as a
 * flow-event record of its own, it made up a quarter of the outbox row, and the store validated
 * and serialised it for the table besides the relay's serialising it for Kafka. Rows written
 * before hold that record instead; both are read.
 */
export interface QueuedSignal {
  /** When the transaction queued it (the event's time). */
  at: string;
  detail: string;
  /** The receiving party's melding's figure dimensions. */
  dimensions: Pick<FlowEvent, 'convenant' | 'gemeente' | 'domein'>;
}

/** A chunk's outbox row as its transaction committed it (MeldingStore hands it to the relay). */
export interface CommittedOutboxRow {
  id: string;
  records: OutboxRecord[];
}

/** One record to produce, in order; a signal waits for its signature. */
type Pending = { topic: string; key: string; value: string } | { topic: string; key: string; envelope: UnsignedSignal; signal: number };

export interface OutboxRelayOptions {
  /** How often the table is read (also after a kick). */
  pollMs: number;
  /** Rows per pass (default 50); a chunk row holds a few hundred records. */
  batchSize?: number;
  /** A chunk row still in the table after this long is taken from the table: its writer did not publish it (default 5 s). */
  orphanAfterMs?: number;
  /** Rows held in memory at most, as when Kafka is down (default 2,000): beyond it, rows wait for a table pass. */
  memoryLimit?: number;
}

/**
 * Publishes the outbox to Kafka, signing its signals first (outside the transaction that stored
 * them). Two ways in:
 *
 * - **From memory**: the instance that committed a chunk row hands it over (handOver) and
 *   publishes it without reading it back, then deletes it by id. A crash between the produce and
 *   the delete leaves the row, and a table pass publishes it again (a signal then under a fresh
 *   signature, with the same message id): consumers dedupe by id.
 * - **From the table**: rows written by other writers (the lifecycle job), and chunk rows older
 *   than `orphanAfterMs` (their writer died, or is far behind), are taken and deleted (skipping
 *   rows another relay holds, so several instances relay side by side), signed and produced in one
 *   transaction: a crash before the commit puts them back. On a timer, and when kicked.
 *
 * Reading a chunk row back cost the index a JSON parse of a few hundred records and PostgreSQL
 * the row's transfer, and the transaction three round trips, for every chunk.
 */
export class OutboxRelay {
  private readonly log = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private memory: CommittedOutboxRow[] = [];
  private tableDue = false;
  private readonly options: Required<OutboxRelayOptions>;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly signer: SignalSigner,
    /** Builds the signals' `index.signal-queued` events (the same publisher as the store's events). */
    private readonly flow: Pick<FlowEventPublisher, 'build'>,
    options: OutboxRelayOptions,
  ) {
    this.options = { batchSize: 50, orphanAfterMs: 5_000, memoryLimit: 2_000, ...options };
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
    // What was handed over goes out now: left in the table, it would wait for the orphan age.
    try {
      while (this.memory.length > 0) await this.fromMemory();
    } catch (err) {
      this.log.warn(`Outbox rows left for a table pass at the next start: ${(err as Error).message}`);
    }
  }

  /** Resolves once the rows handed over and the table's due rows committed before the call are published (benches, tools). */
  async flush(): Promise<void> {
    this.kick();
    while (this.running) await new Promise((r) => setTimeout(r, 2));
  }

  /** A committed chunk row, to publish from memory now. */
  handOver(row: CommittedOutboxRow): void {
    if (this.stopped || this.memory.length >= this.options.memoryLimit) return;
    this.memory.push(row);
    this.run();
  }

  /** Ask for a table pass now (after a commit of other rows); passes never overlap within one instance. */
  kick(): void {
    this.tableDue = true;
    this.run();
  }

  private run(): void {
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
          this.run();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (this.memory.length > 0) await this.fromMemory();
      else if (this.tableDue) {
        this.tableDue = false;
        if ((await this.fromTable()) === this.options.batchSize) this.tableDue = true;
      } else return;
    }
  }

  private async fromMemory(): Promise<void> {
    const rows = this.memory.splice(0, this.options.batchSize);
    try {
      await this.publish(rows.flatMap((r) => r.records));
    } catch (err) {
      this.memory.unshift(...rows);
      throw err;
    }
    // Should this fail, the rows are published again by a table pass once orphaned.
    await queryPrepared(this.ds, 'DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
  }

  private async fromTable(): Promise<number> {
    return this.ds.transaction(async (em) => {
      // Taken and deleted in one statement, by primary key (= ANY of an array: IN (subquery) was planned
      // as a scan of the table and its dead rows); should producing fail, the rollback puts them back.
      // Not the rows waiting in this instance's memory. TypeORM answers a DELETE with [rows, count].
      const [rows]: [OutboxEntry[], number] = await em.query(
        `DELETE FROM outbox WHERE id = ANY(ARRAY(
           SELECT id FROM outbox
           WHERE (records IS NULL OR written_at <= now() - $2::int * interval '1 millisecond') AND id <> ALL($3::bigint[])
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
         RETURNING id::text, topic, key, payload, records, created_at AS "createdAt"`,
        [this.options.batchSize, this.options.orphanAfterMs, this.memory.map((r) => r.id)],
      );
      if (rows.length === 0) return 0;
      rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const records: OutboxRecord[] = [];
      for (const r of rows) {
        if (r.records === null) {
          records.push({ topic: r.topic!, key: r.key!, value: r.payload! });
          continue;
        }
        // Its signals are kept by their match: rebuilt from the meldingen, as its writer built them.
        const expanded = await expandStored(em, JSON.parse(r.records) as StoredRecord[], r.createdAt, this.signer.signerOin);
        if (expanded.missing > 0) this.log.warn(`Outbox row ${r.id}: ${expanded.missing} signal(s) left out, their match is gone (its melding purged)`);
        records.push(...expanded.records);
      }
      await this.publish(records);
      return rows.length;
    });
  }

  private queuedEvent(signal: UnsignedSignal, queued: QueuedSignal): FlowEvent {
    return Contracts.flowEvent.validate(
      this.flow.build({
        eventId: nameBasedId(`index.signal-queued:${signal.messageId}`),
        at: queued.at,
        messageId: signal.messageId,
        correlationIds: signal.correlationIds,
        partyOin: signal.recipientOin,
        step: 'index.signal-queued',
        outcome: 'ok',
        detail: queued.detail,
        ...queued.dimensions,
      }),
    );
  }

  /**
   * Signs the signals among the records (one call: the worker pool spreads them) and produces all,
   * in order, in one request. A bundling party's signals of the pass go into Matchsignalen of at
   * most MAX_SIGNALEN, each produced where its first signal was: one signature per bundle instead
   * of one per signal (the index's largest CPU cost per melding after verification). A bundle
   * republished from an orphaned row gets a new id, but its signals keep theirs (consumers dedupe
   * signals by id).
   */
  private async publish(records: OutboxRecord[]): Promise<void> {
    const pending: Pending[] = [];
    const documents: SignalDocument[] = [];
    const bundles = new Map<string, { bundle: MatchsignalenBericht; envelope: UnsignedSignal }>();
    for (const x of records) {
      if (!x.sign) {
        pending.push({ topic: x.topic, key: x.key, value: typeof x.value === 'string' ? x.value : JSON.stringify(x.value) });
        continue;
      }
      if (x.bundle) {
        let open = bundles.get(x.value.recipientOin);
        if (!open || open.bundle.signalen.length >= MAX_SIGNALEN) {
          const bundle: MatchsignalenBericht = { berichtId: randomUUID(), afzenderOin: x.sign.afzenderOin, ontvangerOin: x.sign.ontvangerOin, verzonden: x.sign.verzonden, signalen: [] };
          open = { bundle, envelope: { messageId: bundle.berichtId, type: 'matchsignalen', recipientOin: x.value.recipientOin, correlationIds: [], producedAt: x.value.producedAt } };
          bundles.set(x.value.recipientOin, open);
          pending.push({ topic: x.topic, key: x.key, envelope: open.envelope, signal: documents.push(bundle) - 1 });
        }
        open.bundle.signalen.push(x.sign);
        open.envelope.correlationIds.push(...x.value.correlationIds);
      } else {
        pending.push({ topic: x.topic, key: x.key, envelope: x.value, signal: documents.push(x.sign) - 1 });
      }
      if (x.queued) pending.push({ topic: Contracts.flowEvent.topic.name, key: x.value.messageId, value: JSON.stringify(this.queuedEvent(x.value, x.queued)) });
    }
    const signed = documents.length > 0 ? await this.signer.signMatchsignalen(documents) : [];
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const p of pending) {
      const value = 'signal' in p ? JSON.stringify(Contracts.outbound.validate({ ...p.envelope, xml: signed[p.signal] })) : p.value;
      const list = byTopic.get(p.topic) ?? [];
      list.push({ key: p.key, value });
      byTopic.set(p.topic, list);
    }
    await this.bus.publishRawTopics([...byTopic].map(([topic, records]) => ({ topic, records })));
  }
}
