import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ARCHIVE_YEARS, Periodic, purgeDate, type Clock } from '@vir/domain';
import { recordAudit } from './audit.log';

export interface LifecycleResult {
  expired: number;
  purged: number;
}

/**
 * The law's clock on meldingen: an active melding ends on its end date (2 years after the
 * melding date, or the 23rd birthday if earlier) and moves to the historical archive; 5 years
 * after it ended it is purged with its matches. Every transition is audited. Runs in one
 * transaction under a try-lock, so with several index instances one does the work.
 */
export class LifecycleJob {
  private readonly log = new Logger(LifecycleJob.name);
  private readonly periodic = new Periodic(
    () => this.run(),
    (err) => this.log.warn(`Lifecycle run failed: ${(err as Error).message}`),
  );

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  start(intervalMs: number): void {
    this.periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  async run(): Promise<LifecycleResult> {
    const now = this.clock.now();
    const today = this.clock.today();
    return this.ds.transaction(async (em) => {
      const [{ locked }]: { locked: boolean }[] = await em.query("SELECT pg_try_advisory_xact_lock(hashtext('vir-index-lifecycle')) AS locked");
      if (!locked) return { expired: 0, purged: 0 };

      const due: { id: string; ends_on: string; subject: string }[] = await em.query(
        `SELECT id, to_char(ends_on, 'YYYY-MM-DD') AS ends_on, jeugdige_pseudonym AS subject FROM melding WHERE status = 'active' AND ends_on <= $1 ORDER BY ends_on FOR UPDATE`,
        [today],
      );
      // One statement per end date (a day's endings at national scale are thousands, nearly all on one
      // date: one round trip each took seconds), by primary key.
      const byEndDate = new Map<string, string[]>();
      for (const m of due) {
        const ids = byEndDate.get(m.ends_on);
        if (ids) ids.push(m.id);
        else byEndDate.set(m.ends_on, [m.id]);
      }
      for (const [endsOn, ids] of byEndDate) {
        await em.query(`UPDATE melding SET status = 'expired', ended_on = $2, purge_on = $3, updated_at = $4 WHERE id = ANY($1::uuid[])`, [ids, endsOn, purgeDate(endsOn), now]);
      }
      await recordAudit(
        em,
        due.map((m) => ({ at: now, actor: 'system', action: 'expired', meldingId: m.id, subject: m.subject, reason: 'active period ended (2 years, or the 23rd birthday)', detail: { endedOn: m.ends_on } })),
      );

      // TypeORM answers a DELETE … RETURNING with [rows, count].
      const [purged]: [{ id: string; subject: string }[], number] = await em.query(
        `DELETE FROM melding WHERE status <> 'active' AND purge_on <= $1 RETURNING id, jeugdige_pseudonym AS subject`,
        [today],
      );
      await recordAudit(
        em,
        purged.map((m) => ({ at: now, actor: 'system', action: 'purged', meldingId: m.id, subject: m.subject, reason: `${ARCHIVE_YEARS} years in the historical archive ended` })),
      );
      if (due.length + purged.length > 0) this.log.log(`Lifecycle: ${due.length} expired, ${purged.length} purged`);
      return { expired: due.length, purged: purged.length };
    });
  }
}
