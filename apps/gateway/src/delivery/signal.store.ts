import type { DataSource, EntityManager } from 'typeorm';
import type { SingleOutboundType } from './outbound-message.reader';
import type { FollowUp, FollowUpRedenCode, SignalStatus } from './signal-lifecycle';

/** A signal row as delivery reads it. */
export interface SignalRecord {
  id: string;
  type: SingleOutboundType;
  seq: string;
  recipient_oin: string;
  correlation_ids: string[];
  xml: string;
  content: object | null;
  /** Came in a Matchsignalen bundle: xml without a signature of its own (see renderSignal). */
  bundled: boolean;
  attempts: number;
  received_at: Date;
  retry_since: Date;
}

export type SignalChannel = 'push' | 'pull';

/** One push attempt's result, as the delivery worker hands it to recordPushOutcomes. */
export interface PushOutcome {
  id: string;
  sentAt: Date;
  doneAt: Date;
  status: 'delivered' | 'retrying' | 'failed';
  /** For retrying: when the next attempt is due. */
  nextAttemptAt?: Date;
  error?: string;
}

export interface SignalHistoryEntry {
  at: string;
  status: SignalStatus;
  attempt: number | null;
  channel: SignalChannel | null;
  /** The operator, for a resend. */
  actor: string | null;
  detail: string | null;
}

/** A signal's status and history (no content). */
export interface SignalStatusView {
  id: string;
  type: SingleOutboundType;
  recipientOin: string;
  correlationIds: string[];
  status: SignalStatus;
  attempts: number;
  receivedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  failedAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  followUp: (FollowUp & { reportedAt: string }) | null;
  history: SignalHistoryEntry[];
}

/** How many signals of one party have one status (operators' delivery view). */
export interface SignalCount {
  partyOin: string;
  status: SignalStatus;
  count: number;
  oldestReceivedAt: string;
}

const PENDING = `('queued','sent','retrying')`;
const RECORD_COLUMNS = 'id, type, seq, recipient_oin, correlation_ids, xml, content, bundled, attempts, received_at, retry_since';

/** typeorm answers an UPDATE (also a CTE ending in one) with [rows, count], anything else with rows. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * The signal table and its history (signal_event: one row per transition) and follow-up reports
 * (signal_follow_up). Every transition writes the new status and its history row in one statement.
 */
export class SignalStore {
  constructor(private readonly ds: DataSource) {}

  private async q<T>(sql: string, params: unknown[], m: EntityManager | DataSource = this.ds): Promise<T[]> {
    return rowsOf<T>(await m.query(sql, params));
  }

  /**
   * Claims due signals for push, with a lease, in production order. Per party only signals with no
   * earlier pending signal that is not due (in backoff, or claimed elsewhere): a signal that failed
   * holds back the later ones of its party, so each party gets its signals in order. Claims are
   * serialised across gateway instances by an advisory lock.
   */
  async claimForPush(now: Date, leaseUntil: Date, limit = 200): Promise<SignalRecord[]> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('vir-gateway-push-claim'))`);
      // Per party only the head of its pending signals (an index range scan each, so a backlog does
      // not make the claim slower), cut at the first one that is not due: that one holds back the rest.
      return this.q<SignalRecord>(
        `WITH head AS (
           SELECT s.id, s.seq, bool_and(s.next_attempt_at <= $1) OVER (PARTITION BY p.oin ORDER BY s.seq) AS open
           FROM party p CROSS JOIN LATERAL (
             SELECT id, seq, next_attempt_at FROM signal
             WHERE recipient_oin = p.oin AND status IN ${PENDING} ORDER BY seq LIMIT $3) s
           WHERE p.status = 'active' AND p.webhook_url IS NOT NULL)
         UPDATE signal SET next_attempt_at = $2
         WHERE id IN (SELECT id FROM head WHERE open ORDER BY seq LIMIT $3)
           AND status IN ${PENDING} AND next_attempt_at <= $1
         RETURNING ${RECORD_COLUMNS}`,
        [now, leaseUntil, limit],
        m,
      );
    });
  }

  /** Gives claimed signals back (due at once): the party's earlier signal failed, they wait behind it. */
  async release(ids: string[], now: Date): Promise<void> {
    if (ids.length > 0) await this.ds.query(`UPDATE signal SET next_attempt_at = $2 WHERE id = ANY($1::uuid[]) AND status IN ${PENDING}`, [ids, now]);
  }

  /**
   * The outcomes of push attempts, written together (one statement, one commit): per signal → sent
   * (at the time its POST started) and → delivered, retrying or failed, with both history rows.
   * Only signals still pending change (one acknowledged meanwhile keeps its status); returns what
   * each changed signal became.
   */
  async recordPushOutcomes(outcomes: PushOutcome[]): Promise<Map<string, { status: PushOutcome['status']; attempt: number }>> {
    if (outcomes.length === 0) return new Map();
    const rows = await this.q<{ id: string; status: PushOutcome['status']; attempt: number }>(
      `WITH o AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::timestamptz[], $6::text[]) WITH ORDINALITY
                  AS o(id, sent_at, done_at, status, next_at, error, n)),
       u AS (
         UPDATE signal s SET status = o.status, attempts = s.attempts + 1, sent_at = o.sent_at,
                delivered_at = CASE WHEN o.status = 'delivered' THEN o.done_at ELSE s.delivered_at END,
                next_attempt_at = COALESCE(o.next_at, s.next_attempt_at), last_error = o.error,
                failed_at = CASE WHEN o.status = 'failed' THEN o.done_at END
         FROM o WHERE s.id = o.id AND s.status IN ${PENDING}
         RETURNING s.id, s.attempts AS attempt, o.n, o.sent_at, o.done_at, o.status, o.error),
       e AS (
         INSERT INTO signal_event (signal_id, at, status, attempt, channel, detail)
         SELECT u.id, e.at, e.status, u.attempt, 'push', e.detail
         FROM u CROSS JOIN LATERAL (VALUES (1, u.sent_at, 'sent', NULL::text), (2, u.done_at, u.status, u.error)) AS e(k, at, status, detail)
         ORDER BY u.n, e.k)
       SELECT id, status, attempt FROM u`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.sentAt),
        outcomes.map((o) => o.doneAt),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.nextAttemptAt ?? null),
        outcomes.map((o) => o.error ?? null),
      ],
    );
    return new Map(rows.map((r) => [r.id, { status: r.status, attempt: Number(r.attempt) }]));
  }

  /**
   * Signals of active parties without a webhook (pull, or no delivery at all) still not acknowledged
   * after the give-up time: → failed.
   */
  async failOverdueUnpushed(now: Date, since: Date): Promise<SignalRecord[]> {
    return this.q<SignalRecord>(
      `WITH f AS (UPDATE signal s SET status = 'failed', failed_at = $1, last_error = 'not acknowledged within the give-up time'
                  FROM party p WHERE p.oin = s.recipient_oin AND p.status = 'active' AND p.webhook_url IS NULL
                    AND s.status IN ${PENDING} AND s.retry_since <= $2 AND s.next_attempt_at <= $1
                  RETURNING s.id, s.type, s.seq, s.recipient_oin, s.correlation_ids, s.attempts, s.received_at, s.retry_since),
            e AS (INSERT INTO signal_event (signal_id, at, status, attempt, channel, detail)
                  SELECT id, $1, 'failed', attempts, 'pull', 'given up: not acknowledged within the give-up time' FROM f)
       SELECT * FROM f`,
      [now, since],
    );
  }

  /**
   * Pull: the party's pending signals after `afterSeq` that are visible now, in production order,
   * marked sent and invisible until `visibleUntil` (then, unacknowledged, they come again).
   */
  async claimForPull(oin: string, afterSeq: string, limit: number, now: Date, visibleUntil: Date): Promise<SignalRecord[]> {
    return this.q<SignalRecord>(
      `WITH c AS (UPDATE signal SET status = 'sent', attempts = attempts + 1, sent_at = $4, next_attempt_at = $5
                  WHERE id IN (SELECT id FROM signal WHERE recipient_oin = $1 AND status IN ${PENDING} AND next_attempt_at <= $4 AND seq > $2::bigint
                               ORDER BY seq LIMIT $3 FOR UPDATE)
                  RETURNING ${RECORD_COLUMNS}),
            e AS (INSERT INTO signal_event (signal_id, at, status, attempt, channel) SELECT id, $4, 'sent', attempts, 'pull' FROM c)
       SELECT * FROM c ORDER BY seq`,
      [oin, afterSeq, limit, now, visibleUntil],
    );
  }

  /**
   * Acknowledges the party's signals, all or none: `missing` lists the ids that are not the party's
   * (nothing changed then); otherwise the newly acknowledged and those that already were.
   */
  async acknowledge(ids: string[], oin: string, now: Date): Promise<{ missing: string[] } | { acknowledged: SignalRecord[]; already: string[] }> {
    return this.ds.transaction(async (m) => {
      const found = await this.q<{ id: string; status: SignalStatus }>(`SELECT id, status FROM signal WHERE id = ANY($1::uuid[]) AND recipient_oin = $2 ORDER BY seq FOR UPDATE`, [ids, oin], m);
      const known = new Set(found.map((f) => f.id));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) return { missing };
      const acknowledged = await this.q<SignalRecord>(
        `WITH u AS (UPDATE signal SET status = 'acknowledged', acknowledged_at = $3 WHERE id = ANY($1::uuid[]) AND recipient_oin = $2 AND status <> 'acknowledged'
                    RETURNING ${RECORD_COLUMNS}),
              e AS (INSERT INTO signal_event (signal_id, at, status, attempt) SELECT id, $3, 'acknowledged', attempts FROM u)
         SELECT * FROM u ORDER BY seq`,
        [ids, oin, now],
        m,
      );
      return { acknowledged, already: found.filter((f) => f.status === 'acknowledged').map((f) => f.id) };
    });
  }

  /** An operator's resend of a failed signal: → queued, tried again from now (a new give-up period), in its place in the party's order. */
  async resend(id: string, actor: string, reason: string | null, now: Date): Promise<{ outcome: 'missing' } | { outcome: 'not-failed'; status: SignalStatus } | { outcome: 'resent'; record: SignalRecord }> {
    return this.ds.transaction(async (m) => {
      const [row] = await this.q<{ status: SignalStatus }>(`SELECT status FROM signal WHERE id = $1 FOR UPDATE`, [id], m);
      if (!row) return { outcome: 'missing' as const };
      if (row.status !== 'failed') return { outcome: 'not-failed' as const, status: row.status };
      const [record] = await this.q<SignalRecord>(
        `WITH u AS (UPDATE signal SET status = 'queued', attempts = 0, next_attempt_at = $2, retry_since = $2, failed_at = NULL, last_error = NULL WHERE id = $1
                    RETURNING ${RECORD_COLUMNS}),
              e AS (INSERT INTO signal_event (signal_id, at, status, attempt, actor, detail) SELECT id, $2, 'queued', 0, $3, $4 FROM u)
         SELECT * FROM u`,
        [id, now, actor, `resent by an operator${reason ? `: ${reason}` : ''}`.slice(0, 500)],
        m,
      );
      return { outcome: 'resent' as const, record };
    });
  }

  /** A signal's status and history; with `oin`, only if it is that party's. */
  async view(id: string, oin?: string): Promise<SignalStatusView | undefined> {
    const [s] = await this.q<Record<string, unknown>>(
      `SELECT s.*, f.contact, f.reden_code, to_char(f.datum, 'YYYY-MM-DD') AS follow_up_datum, f.reported_at
       FROM signal s LEFT JOIN signal_follow_up f ON f.signal_id = s.id WHERE s.id = $1 AND ($2::text IS NULL OR s.recipient_oin = $2)`,
      [id, oin ?? null],
    );
    if (!s) return undefined;
    const history = await this.q<{ at: Date; status: SignalStatus; attempt: number | null; channel: SignalChannel | null; actor: string | null; detail: string | null }>(
      'SELECT at, status, attempt, channel, actor, detail FROM signal_event WHERE signal_id = $1 ORDER BY id',
      [id],
    );
    return {
      ...this.summary(s),
      followUp: s.contact === null || s.contact === undefined ? null : { contact: s.contact as boolean, redenCode: s.reden_code as FollowUpRedenCode | null, datum: s.follow_up_datum as string, reportedAt: iso(s.reported_at as Date)! },
      history: history.map((h) => ({ ...h, at: iso(h.at)! })),
    };
  }

  /** Signals for operators, newest first. */
  async list(filter: { party?: string; status?: SignalStatus; limit: number }): Promise<Omit<SignalStatusView, 'history' | 'followUp'>[]> {
    const rows = await this.q<Record<string, unknown>>(
      `SELECT * FROM signal WHERE ($1::text IS NULL OR recipient_oin = $1) AND ($2::text IS NULL OR status = $2) ORDER BY seq DESC LIMIT $3`,
      [filter.party ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map((r) => this.summary(r));
  }

  /** Per party and status: the signals not yet with their party and the failed ones, with the oldest one's intake. */
  async counts(): Promise<SignalCount[]> {
    const rows = await this.q<{ recipient_oin: string; status: SignalStatus; n: string; oldest: Date }>(
      `SELECT recipient_oin, status, count(*) AS n, min(received_at) AS oldest FROM signal
        WHERE status IN ('queued','sent','retrying','failed') GROUP BY recipient_oin, status ORDER BY recipient_oin, status`,
      [],
    );
    return rows.map((r) => ({ partyOin: r.recipient_oin, status: r.status, count: Number(r.n), oldestReceivedAt: iso(r.oldest)! }));
  }

  private summary(s: Record<string, unknown>): Omit<SignalStatusView, 'history' | 'followUp'> {
    const status = s.status as SignalStatus;
    return {
      id: s.id as string,
      type: s.type as SingleOutboundType,
      recipientOin: s.recipient_oin as string,
      correlationIds: s.correlation_ids as string[],
      status,
      attempts: s.attempts as number,
      receivedAt: iso(s.received_at as Date)!,
      sentAt: iso(s.sent_at as Date | null),
      deliveredAt: iso(s.delivered_at as Date | null),
      acknowledgedAt: iso(s.acknowledged_at as Date | null),
      failedAt: iso(s.failed_at as Date | null),
      nextAttemptAt: ['queued', 'sent', 'retrying'].includes(status) ? iso(s.next_attempt_at as Date) : null,
      lastError: (s.last_error as string | null) ?? null,
    };
  }

  /** The party's own signal, for a follow-up report. */
  async forFollowUp(id: string, oin: string): Promise<{ type: SingleOutboundType; status: SignalStatus; received_at: Date; correlation_ids: string[] } | undefined> {
    const [row] = await this.q<{ type: SingleOutboundType; status: SignalStatus; received_at: Date; correlation_ids: string[] }>(
      'SELECT type, status, received_at, correlation_ids FROM signal WHERE id = $1 AND recipient_oin = $2',
      [id, oin],
    );
    return row;
  }

  /** Stores a follow-up report unless one exists; answers the stored one. */
  async recordFollowUp(id: string, oin: string, f: FollowUp, now: Date): Promise<{ created: boolean; stored: FollowUp & { reportedAt: string } }> {
    const inserted = await this.q(
      `INSERT INTO signal_follow_up (signal_id, party_oin, contact, reden_code, datum, reported_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (signal_id) DO NOTHING RETURNING signal_id`,
      [id, oin, f.contact, f.redenCode, f.datum, now],
    );
    const [row] = await this.q<{ contact: boolean; reden_code: FollowUpRedenCode | null; datum: string; reported_at: Date }>(
      `SELECT contact, reden_code, to_char(datum, 'YYYY-MM-DD') AS datum, reported_at FROM signal_follow_up WHERE signal_id = $1`,
      [id],
    );
    return { created: inserted.length > 0, stored: { contact: row.contact, redenCode: row.reden_code, datum: row.datum, reportedAt: iso(row.reported_at)! } };
  }
}
