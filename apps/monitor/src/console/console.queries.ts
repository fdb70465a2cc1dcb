import type { DataSource } from 'typeorm';
import type { MessageSummaryDelta } from '../read-model/flow-batch';
import { PERIODS, type AggregateRow, type Period } from './overview-model';

export interface MessageFilter {
  trackingId?: string;
  partyOin?: string;
  outcome?: string;
  kind?: string;
  step?: string;
  from?: Date;
  to?: Date;
  /** Only these parties (a convenantbeheerder's area); undefined: all. */
  scope?: string[];
  limit: number;
}

/** A message as the search lists it: its stored summary. */
export type MessageRow = MessageSummaryDelta;

export interface ErrorGroup {
  partyOin: string;
  step: string;
  code: string;
  outcome: string;
  count: number;
  examples: { messageId: string; at: Date; detail: string | null }[];
}

/** The console's read queries, over the read model (aggregates for counts, summaries for search). */
export class ConsoleQueries {
  constructor(private readonly ds: DataSource) {}

  /** Aggregate rows of a period, bucketed as the period shows them. */
  async aggregates(period: Period, now: Date, scope: string[] | undefined): Promise<AggregateRow[]> {
    const p = PERIODS[period];
    const from = new Date(Math.floor((now.getTime() - p.spanMs) / p.bucketMs + 1) * p.bucketMs);
    const params: unknown[] = [from.toISOString()];
    let scopeSql = '';
    if (scope) {
      params.push(scope);
      scopeSql = `AND party_oin = ANY($2::text[])`;
    }
    const rows: { bucket: Date; party_oin: string; step: string; outcome: string; count: string }[] = await this.ds.query(
      `SELECT ${p.bucketSql} AS bucket, party_oin, step, outcome, sum(count)::bigint AS count
       FROM ${p.table} WHERE bucket >= $1 ${scopeSql}
       GROUP BY 1, 2, 3, 4`,
      params,
    );
    return rows.map((r) => ({ bucket: new Date(r.bucket), partyOin: r.party_oin, step: r.step, outcome: r.outcome, count: Number(r.count) }));
  }

  async searchMessages(f: MessageFilter): Promise<MessageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (f.trackingId) add('message_id = ?::uuid', f.trackingId);
    if (f.partyOin) add('party_oin = ?', f.partyOin);
    if (f.outcome) add('last_outcome = ?', f.outcome);
    if (f.kind) add('kind = ?', f.kind);
    if (f.step) add('last_step = ?', f.step);
    if (f.from) add('last_at >= ?', f.from.toISOString());
    if (f.to) add('last_at < ?', f.to.toISOString());
    if (f.scope) add('party_oin = ANY(?::text[])', f.scope);
    params.push(f.limit);
    const rows: { message_id: string; party_oin: string; kind: string | null; first_at: Date; last_at: Date; last_step: string; last_outcome: string; last_code: string | null; events: number }[] =
      await this.ds.query(
        `SELECT * FROM message_summary ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_at DESC LIMIT $${params.length}`,
        params,
      );
    return rows.map((r) => ({
      messageId: r.message_id,
      partyOin: r.party_oin,
      kind: r.kind,
      firstAt: r.first_at,
      lastAt: r.last_at,
      lastStep: r.last_step,
      lastOutcome: r.last_outcome,
      lastCode: r.last_code,
      events: r.events,
    }));
  }

  async message(messageId: string): Promise<MessageRow | undefined> {
    const [row] = await this.searchMessages({ trackingId: messageId, limit: 1 });
    return row;
  }

  /** Rejections and failures over a period from the daily aggregates, with the latest three examples each. */
  async errors(since: Date, scope: string[] | undefined): Promise<ErrorGroup[]> {
    const params: unknown[] = [since.toISOString()];
    let scopeSql = '';
    if (scope) {
      params.push(scope);
      scopeSql = 'AND party_oin = ANY($2::text[])';
    }
    const groups: { party_oin: string; step: string; code: string; outcome: string; count: string }[] = await this.ds.query(
      `SELECT party_oin, step, code, outcome, sum(count)::bigint AS count FROM flow_day
       WHERE bucket >= date_trunc('day', $1::timestamptz, 'UTC') AND outcome <> 'ok' ${scopeSql}
       GROUP BY 1, 2, 3, 4 ORDER BY count DESC, party_oin, code LIMIT 200`,
      params,
    );
    return Promise.all(
      groups.map(async (g) => {
        const examples: { message_id: string; at: Date; detail: string | null }[] = await this.ds.query(
          `SELECT message_id, at, detail FROM flow_event
           WHERE party_oin ${g.party_oin ? '= $1::char(20)' : 'IS NULL AND $1::text = $1::text'} AND code ${g.code ? '= $2' : 'IS NULL AND $2::text = $2::text'} AND step = $3 AND outcome = $4 AND at >= $5
           ORDER BY at DESC LIMIT 3`,
          [g.party_oin, g.code, g.step, g.outcome, since.toISOString()],
        );
        return {
          partyOin: g.party_oin,
          step: g.step,
          code: g.code,
          outcome: g.outcome,
          count: Number(g.count),
          examples: examples.map((e) => ({ messageId: e.message_id, at: e.at, detail: e.detail })),
        };
      }),
    );
  }
}
