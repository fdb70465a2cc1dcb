import type { DataSource, EntityManager } from 'typeorm';

export interface AuditEntry {
  at: Date;
  /** The account name, `cli:<user>` for the command line, or `anonymous`. */
  actor: string;
  action: string;
  target?: string | null;
  outcome: 'ok' | 'refused' | 'forbidden';
  detail?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

/** The console's audit trail: every view of personal data and every change, who and when. */
export class AuditLog {
  constructor(private readonly ds: DataSource) {}

  async record(entry: AuditEntry, em: EntityManager | DataSource = this.ds): Promise<void> {
    await em.query('INSERT INTO console_audit (at, actor, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
      entry.at.toISOString(),
      entry.actor,
      entry.action,
      entry.target ?? null,
      entry.outcome,
      entry.detail ? JSON.stringify(entry.detail) : null,
    ]);
  }

  async search(f: AuditFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.actor) add('actor = ?', f.actor);
    if (f.action) add('action = ?', f.action);
    if (f.outcome) add('outcome = ?', f.outcome);
    if (f.from) add('at >= ?', f.from.toISOString());
    if (f.to) add('at < ?', f.to.toISOString());
    params.push(f.limit);
    const rows: (AuditRow & { id: string })[] = await this.ds.query(
      `SELECT id::text AS id, at, actor, action, target, outcome, detail FROM console_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows;
  }
}
