import type { FlowEvent } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { ingestFigures } from '../figures/figure.store';
import { countByBucket, summarise, type BucketCount } from './flow-batch';
import { ingestible, retentionCutoffs, type RetentionPolicy } from './retention-policy';

export interface IngestResult {
  /** Events new to the read model (the rest were already there: redelivery). */
  inserted: number;
  /** Events already past raw retention, skipped (see `ingestible`). */
  tooOld: number;
}

/**
 * Writes chunks of flow events into the read model in one transaction each: the raw events
 * (idempotent by event id), and, for the events that were new, the message summaries and the
 * per-minute and per-day counts. Redelivery of a chunk therefore changes nothing.
 */
export class ReadModelStore {
  private unflushed = false;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly retention: RetentionPolicy,
  ) {}

  /**
   * Makes every chunk written so far durable: one write with a synchronous commit waits for the
   * WAL up to it, and the asynchronously committed chunks before it are in that WAL. Awaited before
   * Kafka offsets are committed, so a PostgreSQL crash can never lose events whose offsets are.
   */
  async durable(): Promise<void> {
    if (!this.unflushed) return;
    this.unflushed = false;
    try {
      await this.ds.query('UPDATE ingest_checkpoint SET at = now() WHERE id = 1');
    } catch (err) {
      this.unflushed = true;
      throw err;
    }
  }

  /** `shard`: the Kafka partition the chunk came from (aggregate rows are kept per partition, see the migration). */
  async ingest(parsed: FlowEvent[], shard = 0): Promise<IngestResult> {
    const cutoffs = retentionCutoffs(this.clock.now(), this.retention);
    const events = parsed.filter((e) => ingestible(new Date(e.at), cutoffs));
    const tooOld = parsed.length - events.length;
    if (events.length === 0) return { inserted: 0, tooOld };
    const result = await this.ds.transaction(async (em) => {
      // No WAL flush per chunk: durable() flushes once before the consumer commits its offsets.
      await em.query('SET LOCAL synchronous_commit = off');
      const newIds = await insertEvents(em, events);
      const fresh = newIds.size === events.length ? events : events.filter((e) => newIds.has(e.eventId));
      if (fresh.length > 0) {
        await upsertSummaries(em, fresh);
        const recent = fresh.filter((e) => Date.parse(e.at) >= cutoffs.minute.getTime());
        if (recent.length > 0) await upsertCounts(em, 'flow_minute', countByBucket(recent, 'minute'), shard);
        await upsertCounts(em, 'flow_day', countByBucket(fresh, 'day'), shard);
        await ingestFigures(em, fresh, shard);
      }
      return { inserted: fresh.length, tooOld };
    });
    // After the commit: a durable() that started earlier did not cover this chunk.
    this.unflushed = true;
    return result;
  }
}

// Each chunk travels as one JSON parameter read with json_to_recordset: one JSON.stringify in the
// monitor instead of the driver escaping ten arrays element by element (measured: a quarter of the
// monitor's CPU per event went to that).

async function insertEvents(em: EntityManager, events: FlowEvent[]): Promise<Set<string>> {
  const rows: { event_id: string }[] = await em.query(
    `INSERT INTO flow_event (event_id, message_id, correlation_ids, party_oin, component, step, outcome, code, at, detail)
     SELECT t."eventId", t."messageId", coalesce(t."correlationIds", '{}'), t."partyOin", t.component, t.step, t.outcome, t.code, t.at, t.detail
     FROM json_to_recordset($1::json)
       AS t("eventId" uuid, "messageId" uuid, "correlationIds" uuid[], "partyOin" text, component text, step text, outcome text, code text, at timestamptz, detail text)
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [JSON.stringify(events)],
  );
  return new Set(rows.map((r) => r.event_id));
}

async function upsertSummaries(em: EntityManager, events: FlowEvent[]): Promise<void> {
  const s = summarise(events).sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
  await em.query(
    `INSERT INTO message_summary AS m (message_id, party_oin, kind, first_at, last_at, last_step, last_outcome, last_code, events)
     SELECT t."messageId", t."partyOin", t.kind, t."firstAt", t."lastAt", t."lastStep", t."lastOutcome", t."lastCode", t.events
     FROM json_to_recordset($1::json)
       AS t("messageId" uuid, "partyOin" text, kind text, "firstAt" timestamptz, "lastAt" timestamptz, "lastStep" text, "lastOutcome" text, "lastCode" text, events int)
     ON CONFLICT (message_id) DO UPDATE SET
       party_oin = CASE WHEN m.party_oin = '' THEN EXCLUDED.party_oin ELSE m.party_oin END,
       kind = COALESCE(m.kind, EXCLUDED.kind),
       first_at = LEAST(m.first_at, EXCLUDED.first_at),
       last_at = GREATEST(m.last_at, EXCLUDED.last_at),
       last_step = CASE WHEN EXCLUDED.last_at >= m.last_at THEN EXCLUDED.last_step ELSE m.last_step END,
       last_outcome = CASE WHEN EXCLUDED.last_at >= m.last_at THEN EXCLUDED.last_outcome ELSE m.last_outcome END,
       last_code = CASE WHEN EXCLUDED.last_at >= m.last_at THEN EXCLUDED.last_code ELSE m.last_code END,
       events = m.events + EXCLUDED.events`,
    [JSON.stringify(s)],
  );
}

async function upsertCounts(em: EntityManager, table: 'flow_minute' | 'flow_day', counts: BucketCount[], shard: number): Promise<void> {
  await em.query(
    `INSERT INTO ${table} AS a (bucket, party_oin, step, outcome, code, shard, count)
     SELECT t.bucket, t."partyOin", t.step, t.outcome, t.code, $2::smallint, t.count
     FROM json_to_recordset($1::json) AS t(bucket timestamptz, "partyOin" text, step text, outcome text, code text, count bigint)
     ON CONFLICT (bucket, party_oin, step, outcome, code, shard) DO UPDATE SET count = a.count + EXCLUDED.count`,
    [JSON.stringify(counts), shard],
  );
}
