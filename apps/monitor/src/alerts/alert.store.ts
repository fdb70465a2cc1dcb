import type { DataSource } from 'typeorm';
import { mayAcknowledge, type AcknowledgeRefusal, type AlertChange, type AlertState, type LiveAlert } from './alert-lifecycle';
import type { AlertRule } from './alert-rules';

export interface AlertRow {
  id: string;
  rule: AlertRule;
  subject: string;
  partyOin: string | null;
  state: AlertState;
  summary: string;
  openedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  closedAt: Date | null;
}

/** A transition that happened, for the webhook. */
export interface AlertTransition {
  event: 'opened' | 'acknowledged' | 'closed';
  at: Date;
  actor?: string;
  alert: AlertRow;
}

export interface AlertFilter {
  /** live: open or acknowledged. */
  state?: 'live' | AlertState;
  rule?: string;
  subject?: string;
  from?: Date;
  to?: Date;
  /** Only these parties' alerts (a convenantbeheerder's area); undefined: all. */
  scope?: string[];
  limit: number;
}

const COLUMNS = `id::text AS id, rule, subject, party_oin AS "partyOin", state, summary, opened_at AS "openedAt",
  acknowledged_at AS "acknowledgedAt", acknowledged_by AS "acknowledgedBy", closed_at AS "closedAt"`;

/** Alerts and their history in PostgreSQL: at most one not closed per rule and subject. */
export class AlertStore {
  /** Only one monitor instance evaluates at a time (the others skip that round). */
  static readonly LOCK = 0x76697261; // 'vira'

  constructor(private readonly ds: DataSource) {}

  /**
   * Applies an evaluation under a transaction-scoped advisory lock: `changesFor` gets the alerts
   * not closed and returns the changes. Undefined when another instance holds the lock.
   */
  async evaluate(at: Date, changesFor: (live: LiveAlert[]) => AlertChange[]): Promise<AlertTransition[] | undefined> {
    return this.ds.transaction(async (em) => {
      const [{ locked }]: { locked: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [AlertStore.LOCK]);
      if (!locked) return undefined;
      const live: LiveAlert[] = await em.query(`SELECT id::text AS id, rule, subject, state, summary FROM alert WHERE state <> 'closed'`);
      const out: AlertTransition[] = [];
      for (const c of changesFor(live)) {
        if (c.kind === 'open') {
          const [row]: AlertRow[] = await em.query(
            `INSERT INTO alert (rule, subject, party_oin, state, summary, opened_at) VALUES ($1, $2, $3, 'open', $4, $5) RETURNING ${COLUMNS}`,
            [c.condition.rule, c.condition.subject, c.condition.partyOin ?? null, c.condition.summary, at.toISOString()],
          );
          await em.query(`INSERT INTO alert_event (alert_id, at, kind, summary) VALUES ($1, $2, 'opened', $3)`, [row.id, at.toISOString(), row.summary]);
          out.push({ event: 'opened', at, alert: row });
        } else if (c.kind === 'close') {
          const [[row]]: [AlertRow[], number] = await em.query(`UPDATE alert SET state = 'closed', closed_at = $2 WHERE id = $1 AND state <> 'closed' RETURNING ${COLUMNS}`, [c.alert.id, at.toISOString()]);
          if (!row) continue;
          await em.query(`INSERT INTO alert_event (alert_id, at, kind, summary) VALUES ($1, $2, 'closed', $3)`, [row.id, at.toISOString(), row.summary]);
          out.push({ event: 'closed', at, alert: row });
        } else {
          await em.query(`UPDATE alert SET summary = $2 WHERE id = $1 AND state <> 'closed'`, [c.alert.id, c.summary]);
        }
      }
      return out;
    });
  }

  /** An operator acknowledges an open alert: who and when are kept; it still closes by itself. */
  async acknowledge(id: string, actor: string, at: Date): Promise<{ ok: true; transition: AlertTransition } | { ok: false; code: AcknowledgeRefusal }> {
    if (!/^\d{1,18}$/.test(id)) return { ok: false, code: 'ALERT_NOT_FOUND' };
    return this.ds.transaction(async (em) => {
      const [current]: AlertRow[] = await em.query(`SELECT ${COLUMNS} FROM alert WHERE id = $1 FOR UPDATE`, [id]);
      const refusal = mayAcknowledge(current);
      if (refusal) return { ok: false as const, code: refusal };
      const [[row]]: [AlertRow[], number] = await em.query(
        `UPDATE alert SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, at.toISOString(), actor],
      );
      await em.query(`INSERT INTO alert_event (alert_id, at, kind, actor, summary) VALUES ($1, $2, 'acknowledged', $3, $4)`, [id, at.toISOString(), actor, row.summary]);
      return { ok: true as const, transition: { event: 'acknowledged' as const, at, actor, alert: row } };
    });
  }

  async get(id: string): Promise<AlertRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [row]: AlertRow[] = await this.ds.query(`SELECT ${COLUMNS} FROM alert WHERE id = $1`, [id]);
    return row;
  }

  async search(f: AlertFilter): Promise<AlertRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.state === 'live') where.push(`state <> 'closed'`);
    else if (f.state) add('state = ?', f.state);
    if (f.rule) add('rule = ?', f.rule);
    if (f.subject) add('subject = ?', f.subject);
    if (f.from) add('opened_at >= ?', f.from.toISOString());
    if (f.to) add('opened_at < ?', f.to.toISOString());
    if (f.scope) add('party_oin = ANY(?::text[])', f.scope);
    params.push(f.limit);
    return this.ds.query(`SELECT ${COLUMNS} FROM alert ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT $${params.length}`, params);
  }

  /** Alerts not closed, by rule, subject and state (the metrics gauge). */
  async live(): Promise<{ rule: string; subject: string; state: string }[]> {
    return this.ds.query(`SELECT rule, subject, state FROM alert WHERE state <> 'closed'`);
  }
}
