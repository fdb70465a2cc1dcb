import { Logger } from '@nestjs/common';
import { Periodic, type Clock } from '@vir/domain';
import type { DataSource } from 'typeorm';

export interface RetentionPolicy {
  /** Days the signed XML of a forwarded message is kept for the operators' raw view. */
  ingressXmlDays: number;
  /** Days a delivered or acknowledged signal keeps its content (names and contact details). */
  signalContentDays: number;
}

const BATCH = 5_000;

/**
 * What the gateway keeps of messages, only as long as it serves a purpose. The signed XML it
 * forwarded (for the operators' raw view) is dropped after `ingressXmlDays`; the ledger entry
 * (id, party, hash: what idempotency needs) stays. A signal delivered or acknowledged keeps its
 * content (the other professional's name and contact details) for `signalContentDays`, then only
 * its status and history remain. Queued, retrying and failed signals keep their content: they must
 * still go out, or be resent.
 */
export class RetentionJob {
  private readonly log = new Logger(RetentionJob.name);
  private periodic?: Periodic;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly policy: RetentionPolicy,
  ) {}

  async runOnce(): Promise<{ ingressXml: number; signalContent: number }> {
    const now = this.clock.now().getTime();
    const day = 86_400_000;
    const ingressXml = await this.inBatches(
      `UPDATE ingress_message SET xml = NULL WHERE message_id IN (
         SELECT message_id FROM ingress_message WHERE xml IS NOT NULL AND received_at < $1 LIMIT ${BATCH})`,
      [new Date(now - this.policy.ingressXmlDays * day)],
    );
    const signalContent = await this.inBatches(
      `UPDATE signal SET xml = '', content = NULL, content_purged_at = $2 WHERE id IN (
         SELECT id FROM signal WHERE content_purged_at IS NULL AND status IN ('delivered','acknowledged')
           AND COALESCE(acknowledged_at, delivered_at, received_at) < $1 LIMIT ${BATCH})`,
      [new Date(now - this.policy.signalContentDays * day), new Date(now)],
    );
    if (ingressXml + signalContent > 0) this.log.log(`Retention: XML of ${ingressXml} forwarded message(s) and content of ${signalContent} delivered signal(s) removed`);
    return { ingressXml, signalContent };
  }

  /** Small transactions, so a large first run never holds many rows locked. */
  private async inBatches(sql: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const result: unknown = await this.ds.query(sql, params);
      const n = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
      total += n;
      if (n < BATCH) return total;
    }
  }

  start(intervalMs: number): void {
    this.periodic = new Periodic(
      () => this.runOnce(),
      (err) => this.log.warn(`Retention pass failed, next in ${intervalMs} ms: ${(err as Error).message}`),
    );
    this.periodic.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}
