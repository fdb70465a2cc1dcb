import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Contracts, type FlowEvent } from '@vir/contracts';
import { FixedClock } from '@vir/domain';
import type { KafkaRecord } from '@vir/messaging';
import { openDataSource } from '@vir/persistence';
import type { DataSource } from 'typeorm';
import { FlowEventRow } from '../src/flow/flow-event.entity';
import { FlowEventsService } from '../src/flow/flow-events.service';
import { MONITOR_MIGRATIONS } from '../src/migrations';
import { FlowIngestion } from '../src/read-model/flow-ingestion';
import { ReadModelStore } from '../src/read-model/read-model.store';
import { RetentionJob } from '../src/read-model/retention.job';

// The read model against a real PostgreSQL: idempotent chunks, aggregates equal to the raw
// events, retention by an injected clock.

const OIN = '00000001111111111000';
const clock = new FixedClock(new Date('2026-11-22T12:00:00Z'));
const policy = { rawDays: 90, aggregateDays: 400 };
let ds: DataSource;
let ingestion: FlowIngestion;
let store: ReadModelStore;
let offset = 0;

const record = (value: unknown): KafkaRecord => ({
  topic: 'vir.flow-events.v1',
  partition: 0,
  offset: String(offset++),
  key: null,
  value: Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value)),
  headers: {},
  timestamp: '0',
});
const event = (over: Partial<FlowEvent> = {}): FlowEvent => ({
  eventId: randomUUID(),
  messageId: randomUUID(),
  component: 'gateway',
  step: 'gateway.received',
  outcome: 'ok',
  partyOin: OIN,
  at: clock.now().toISOString(),
  ...over,
});
const records = (events: FlowEvent[]) => events.map((e) => record(Contracts.flowEvent.serialize(e)));

async function counts(): Promise<{ raw: number; minute: number; day: number; summaries: number }> {
  const [r] = await ds.query(
    `SELECT (SELECT count(*) FROM flow_event)::int AS raw, (SELECT coalesce(sum(count), 0) FROM flow_minute)::int AS minute,
            (SELECT coalesce(sum(count), 0) FROM flow_day)::int AS day, (SELECT count(*) FROM message_summary)::int AS summaries`,
  );
  return r;
}

beforeAll(async () => {
  Logger.overrideLogger(['error', 'warn']);
  const url = process.env.VIR_TEST_DATABASE_URL;
  if (!url) throw new Error('no test database');
  ds = await openDataSource({ url, schema: `t${randomBytes(4).toString('hex')}_monitor`, entities: [FlowEventRow], migrations: MONITOR_MIGRATIONS, applicationName: 'read-model-spec' });
  store = new ReadModelStore(ds, clock, policy);
  ingestion = new FlowIngestion(store);
});

afterAll(async () => {
  await ds?.destroy();
});

beforeEach(async () => {
  clock.set(new Date('2026-11-22T12:00:00Z'));
  await ds.query('TRUNCATE flow_event, flow_minute, flow_day, message_summary');
});

describe('monitor read model (real PostgreSQL)', () => {
  it('stores a chunk once: redelivery and overlapping chunks change neither events nor aggregates', async () => {
    const messageId = randomUUID();
    const flow = [
      event({ messageId, step: 'gateway.received', detail: 'regional-json' }),
      event({ messageId, step: 'gateway.forwarded', detail: 'melding', at: new Date(clock.now().getTime() + 5).toISOString() }),
      event({ messageId, component: 'index', step: 'index.stored', at: new Date(clock.now().getTime() + 70_000).toISOString() }),
    ];
    const first = await ingestion.handle(records(flow.slice(0, 2)));
    expect(first.result.inserted).toBe(2);
    const overlap = await ingestion.handle(records(flow));
    expect(overlap.result.inserted).toBe(1);
    await ingestion.handle(records([...flow, flow[0]]));
    expect(await counts()).toEqual({ raw: 3, minute: 3, day: 3, summaries: 1 });
    const [summary] = await ds.query('SELECT kind, last_step, events, party_oin FROM message_summary WHERE message_id = $1', [messageId]);
    expect(summary).toEqual({ kind: 'melding', last_step: 'index.stored', events: 3, party_oin: OIN });
    const minutes = await ds.query('SELECT step, count::int FROM flow_minute ORDER BY bucket, step');
    expect(minutes).toEqual([
      { step: 'gateway.forwarded', count: 1 },
      { step: 'gateway.received', count: 1 },
      { step: 'index.stored', count: 1 },
    ]);
  });

  it('aggregates equal the raw events after many concurrent chunks with duplicates', async () => {
    const events = Array.from({ length: 3000 }, (_, i) =>
      event({ step: i % 7 === 0 ? 'gateway.validated' : 'gateway.received', outcome: i % 7 === 0 ? 'rejected' : 'ok', code: i % 7 === 0 ? 'BSN_INVALID' : undefined, at: new Date(clock.now().getTime() - i * 17_000).toISOString() }),
    );
    const chunks = [0, 1, 2].map((p) => records(events.filter((_e, i) => i % 3 === p)));
    await Promise.all(chunks.map(async (c) => Promise.all([ingestion.handle(c.slice(0, 600)), ingestion.handle(c.slice(400))])));
    expect(await counts()).toEqual({ raw: 3000, minute: 3000, day: 3000, summaries: 3000 });
    const [{ rejected }] = await ds.query("SELECT sum(count)::int AS rejected FROM flow_day WHERE code = 'BSN_INVALID'");
    expect(rejected).toBe(events.filter((e) => e.code).length);
  });

  it('names records that violate the contract for the dead-letter topic and stores the rest', async () => {
    const good = event();
    const { dead, result } = await ingestion.handle([record(Contracts.flowEvent.serialize(good)), record({ ...event(), step: 'NOT A STEP' }), record(Buffer.from('{'))]);
    expect(result.inserted).toBe(1);
    expect(dead.map((d) => [d.code, d.record.offset])).toEqual([
      ['CONTRACT_VIOLATION', String(offset - 2)],
      ['CONTRACT_VIOLATION', String(offset - 1)],
    ]);
  });

  it('makes asynchronously committed chunks durable with one synchronous write, only when there is something to flush', async () => {
    const checkpoint = async () => ((await ds.query('SELECT xmin::text AS v FROM ingest_checkpoint')) as { v: string }[])[0].v;
    await store.durable();
    const before = await checkpoint();
    await store.durable(); // nothing ingested since: no write
    expect(await checkpoint()).toBe(before);
    await ingestion.handle(records([event()]));
    await store.durable();
    expect(await checkpoint()).not.toBe(before);
  });

  it('finds a signal in its melding\'s trace through the correlation ids', async () => {
    const melding = randomUUID();
    const signal = randomUUID();
    await ingestion.handle(records([event({ messageId: melding }), event({ messageId: signal, correlationIds: [melding], component: 'index', step: 'index.signal-queued', at: new Date(clock.now().getTime() + 30).toISOString() })]));
    const trace = await new FlowEventsService(ds).trace(melding);
    expect(trace?.steps.map((s) => s.step)).toEqual(['gateway.received', 'index.signal-queued']);
    expect(trace?.relatedMessageIds).toEqual([signal]);
  });

  it('retention: raw events go after 90 days, per-minute counts after 48 hours, per-day ones when theirs ends; too-old events are not ingested', async () => {
    const old = event({ at: new Date('2026-08-01T10:00:00Z').toISOString() });
    const recent = event({ at: new Date('2026-11-01T10:00:00Z').toISOString() });
    clock.set(new Date('2026-08-02T00:00:00Z'));
    await ingestion.handle(records([old]));
    // 14 hours old when it came: counted per minute too.
    expect(await counts()).toEqual({ raw: 1, minute: 1, day: 1, summaries: 1 });
    clock.set(new Date('2026-11-22T12:00:00Z'));
    // 21 days old when it comes: per day only (minute counts serve the last hour and day).
    await ingestion.handle(records([recent]));
    const job = new RetentionJob(ds, clock, policy, 1);
    expect(await job.run()).toEqual({ events: 1, messages: 1, aggregates: 1 });
    expect(await counts()).toEqual({ raw: 1, minute: 0, day: 2, summaries: 1 });
    // Re-reading the topic (a rebuild) does not count the purged event again.
    const reread = await ingestion.handle(records([old, recent]));
    expect(reread.result).toEqual({ inserted: 0, tooOld: 1 });
    expect(await counts()).toEqual({ raw: 1, minute: 0, day: 2, summaries: 1 });
    clock.set(new Date('2027-09-10T00:00:00Z'));
    const later = await job.run();
    expect(later).toEqual({ events: 1, messages: 1, aggregates: 1 });
    expect(await counts()).toEqual({ raw: 0, minute: 0, day: 1, summaries: 0 });
  });
});
