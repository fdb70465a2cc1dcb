import type { DataSource } from 'typeorm';
import type { DeadLetterRow } from './dead-letter';

/** When a party was last seen at a step: to the minute within the last day, else to the day. */
export interface LastSeen {
  at: Date;
  dayOnly: boolean;
}

export interface PartyActivity {
  partyOin: string;
  lastReceived: LastSeen | null;
  lastDelivered: LastSeen | null;
  /** Messages received (gateway.received, ok) over the window. */
  received: number;
}

export interface DeadLetterView {
  id: string;
  position: string;
  sourceTopic: string;
  consumerGroup: string;
  code: string;
  reason: string;
  at: Date;
  bytes: number;
  messageId: string | null;
  partyOin: string | null;
  resends: number;
  lastResentAt: Date | null;
  lastResentBy: string | null;
}

/** The Delivery and Parties pages' read model: party activity from the aggregates, and the dead letters. */
export class OperationsStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Per party: last message received and last signal delivered, and messages received since
   * `since`. From the per-day counts (small), refined to the minute from the per-minute counts of
   * the last day only: a scan of every per-minute row would grow with the retention.
   */
  async activity(since: Date, now: Date): Promise<PartyActivity[]> {
    type Row = { party_oin: string; last_received: Date | null; last_delivered: Date | null; received?: string };
    const last = `max(bucket) FILTER (WHERE step = 'gateway.received') AS last_received, max(bucket) FILTER (WHERE step = 'gateway.delivered') AS last_delivered`;
    const where = `step IN ('gateway.received', 'gateway.delivered') AND outcome = 'ok' AND party_oin <> ''`;
    const [days, minutes]: [Row[], Row[]] = await Promise.all([
      this.ds.query(
        `SELECT party_oin, ${last}, coalesce(sum(count) FILTER (WHERE step = 'gateway.received' AND bucket >= $1), 0)::bigint AS received
           FROM flow_day WHERE ${where} GROUP BY party_oin`,
        [since.toISOString()],
      ),
      this.ds.query(`SELECT party_oin, ${last} FROM flow_minute WHERE bucket >= $1 AND ${where} GROUP BY party_oin`, [new Date(now.getTime() - 86_400_000).toISOString()]),
    ]);
    const recent = new Map(minutes.map((m) => [m.party_oin, m]));
    const seen = (minute: Date | null | undefined, day: Date | null): LastSeen | null =>
      minute ? { at: new Date(minute), dayOnly: false } : day ? { at: new Date(day), dayOnly: true } : null;
    return days.map((d) => ({
      partyOin: d.party_oin,
      lastReceived: seen(recent.get(d.party_oin)?.last_received, d.last_received),
      lastDelivered: seen(recent.get(d.party_oin)?.last_delivered, d.last_delivered),
      received: Number(d.received ?? 0),
    }));
  }

  /** Stores dead letters; one already stored (a redelivered record) changes nothing. */
  async addDeadLetters(rows: DeadLetterRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO dead_letter (position, source_key, source_topic, consumer_group, code, reason, at, value, message_id, party_oin)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::bytea[], $9::uuid[], $10::text[])
       ON CONFLICT (position) DO NOTHING RETURNING id`,
      [
        rows.map((r) => r.position),
        rows.map((r) => r.sourceKey),
        rows.map((r) => r.sourceTopic),
        rows.map((r) => r.consumerGroup),
        rows.map((r) => r.code),
        rows.map((r) => r.reason),
        rows.map((r) => r.at),
        rows.map((r) => r.value),
        rows.map((r) => r.messageId),
        rows.map((r) => r.partyOin),
      ],
    );
    return inserted.length;
  }

  async deadLetters(limit: number): Promise<DeadLetterView[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT id::text AS id, position, source_topic, consumer_group, code, reason, at, length(value) AS bytes, message_id, party_oin, resends, last_resent_at, last_resent_by
         FROM dead_letter ORDER BY at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      position: r.position as string,
      sourceTopic: r.source_topic as string,
      consumerGroup: r.consumer_group as string,
      code: r.code as string,
      reason: r.reason as string,
      at: new Date(r.at as Date),
      bytes: Number(r.bytes),
      messageId: (r.message_id as string | null) ?? null,
      partyOin: (r.party_oin as string | null) ?? null,
      resends: Number(r.resends),
      lastResentAt: r.last_resent_at ? new Date(r.last_resent_at as Date) : null,
      lastResentBy: (r.last_resent_by as string | null) ?? null,
    }));
  }

  async deadLetter(id: string): Promise<{ id: string; position: string; sourceTopic: string; value: Buffer; messageId: string | null; partyOin: string | null } | undefined> {
    const [r]: { id: string; position: string; source_topic: string; value: Buffer; message_id: string | null; party_oin: string | null }[] = await this.ds.query(
      'SELECT id::text AS id, position, source_topic, value, message_id, party_oin FROM dead_letter WHERE id = $1',
      [id],
    );
    return r && { id: r.id, position: r.position, sourceTopic: r.source_topic, value: r.value, messageId: r.message_id, partyOin: r.party_oin };
  }

  async markResent(id: string, by: string, at: Date): Promise<void> {
    await this.ds.query('UPDATE dead_letter SET resends = resends + 1, last_resent_at = $2, last_resent_by = $3 WHERE id = $1', [id, at.toISOString(), by]);
  }
}
