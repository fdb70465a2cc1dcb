import { Logger } from '@nestjs/common';
import { Periodic, type Clock } from '@vir/domain';
import type { DataSource } from 'typeorm';
import { deleteOldFigures } from '../figures/figure.store';
import { retentionCutoffs, type RetentionPolicy } from './retention-policy';

export interface RetentionResult {
  events: number;
  messages: number;
  aggregates: number;
}

/**
 * Deletes per-message events and summaries past raw retention and aggregate buckets past
 * aggregate retention, in slices (short transactions, no long locks against ingestion), and
 * expired console sessions. Time comes from the injected clock, so tests can move it.
 */
export class RetentionJob {
  private readonly log = new Logger(RetentionJob.name);
  private readonly periodic = new Periodic(
    () => this.run(),
    (err) => this.log.warn(`Retention run failed: ${(err as Error).message}`),
  );

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly policy: RetentionPolicy,
    private readonly sliceRows = 10_000,
  ) {}

  start(intervalMs: number): void {
    this.periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  async run(): Promise<RetentionResult> {
    const now = this.clock.now();
    const cutoffs = retentionCutoffs(now, this.policy);
    const events = await this.sliced(`DELETE FROM flow_event WHERE event_id IN (SELECT event_id FROM flow_event WHERE at < $1 LIMIT ${this.sliceRows})`, cutoffs.raw);
    const messages = await this.sliced(`DELETE FROM message_summary WHERE message_id IN (SELECT message_id FROM message_summary WHERE last_at < $1 LIMIT ${this.sliceRows})`, cutoffs.raw);
    let aggregates = 0;
    for (const [table, cutoff] of [['flow_minute', cutoffs.minute], ['flow_day', cutoffs.aggregate]] as const) {
      aggregates += await this.sliced(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE bucket < $1 LIMIT ${this.sliceRows})`, cutoff);
    }
    aggregates += await deleteOldFigures(this.ds, cutoffs.aggregate, this.sliceRows);
    await this.ds.query('DELETE FROM console_session WHERE expires_at < $1', [now.toISOString()]);
    if (events + messages + aggregates > 0) this.log.log(`Retention: ${events} events, ${messages} message summaries, ${aggregates} aggregate rows deleted`);
    return { events, messages, aggregates };
  }

  private async sliced(sql: string, cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      // TypeORM answers a DELETE with [rows, count].
      const [, count]: [unknown, number] = await this.ds.query(sql, [cutoff.toISOString()]);
      total += count;
      if (count < this.sliceRows) return total;
    }
  }
}
