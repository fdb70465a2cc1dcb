import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ALL_TOPICS, Contracts, type FlowEvent } from '@vir/contracts';
import { DEV_INDEX } from '@vir/devstack';
import { FixedClock } from '@vir/domain';
import { createKafka, ensureTopics, FlowEventPublisher, MessageBus, nameBasedId } from '@vir/messaging';
import { openMatchsignaal } from '@vir/xml';
import { IndexCrypto } from '../src/matching/index-crypto';
import { InThreadXml } from '../src/matching/index-xml';
import { MeldingStore, type RecordInput } from '../src/matching/melding.store';
import { OutboxRelay, type OutboxRecord, type SignalRecord } from '../src/matching/outbox.relay';
import { devIndexFiles, openTestStore, recordAs, storeInput } from './index-store.fixture';

// Signals wait in the outbox unsigned (signing inside the chunk's transaction held its pseudonym
// locks for that long); the relay signs them after the commit and produces them to the real
// broker, where they verify against the index's certificate, in the order they were stored.

const NHN = '00000003273416560001';
const TWENTE = '00000003273416560002';
const clock = new FixedClock(new Date('2026-11-22T09:00:00Z'));
const prefix = `relay-${randomUUID().slice(0, 8)}.`;
let ds: DataSource;
let store: MeldingStore;
let drop: () => Promise<void>;
let bus: MessageBus;
let flow: FlowEventPublisher;

beforeAll(async () => {
  ({ ds, store, drop } = await openTestStore(clock));
  const kafka = createKafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-relay' });
  await ensureTopics(kafka, ALL_TOPICS, prefix);
  bus = new MessageBus(kafka, prefix);
  await bus.connect();
  flow = new FlowEventPublisher(bus, clock, 'index');
});

afterAll(async () => {
  await bus?.disconnect();
  await drop?.();
});

const kcat = (topic: string) =>
  execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', prefix + topic, '-e', '-q', '-f', '%s\\n'], { encoding: 'utf8', timeout: 30_000 })
    .split('\n')
    .filter(Boolean);

it('keeps signals unsigned in the outbox, by their match only, and produces them signed, in order and as they were queued, once the relay runs', async () => {
  // What the writer would have handed over (here: nothing is), to compare with what the table gives back.
  const queuedRecords: OutboxRecord[] = [];
  const writer = new MeldingStore(ds, DEV_INDEX.oin, { onOutboxCommitted: (row) => queuedRecords.push(...row.records) });
  const reachable = (input: RecordInput) => {
    input.melding.melder.telefoon = '072-5550101';
    input.melding.melder.email = `${input.melding.melder.id}@example.nl`;
    return input;
  };
  await writer.record(reachable(storeInput(clock, { party: NHN, convenant: '7', child: 'A', melderId: 'n1', woongemeente: '0400' })));
  await writer.record(storeInput(clock, { party: TWENTE, convenant: '41', child: 'A', melderId: 't1' }));
  await writer.record(reachable(storeInput(clock, { party: TWENTE, convenant: '41', child: 'A', melderId: 't2' })));

  const [{ text }] = await ds.query(`SELECT string_agg(records, '') AS text FROM outbox`);
  expect(text).toContain('"signal":');
  // The professionals' details stay in their meldingen: the row names the match.
  expect(text).not.toContain('Professional');
  expect(text).not.toContain('072-5550101');
  expect(text).not.toContain('Signature');
  // A signal's index.signal-queued event is not a record of its own: the relay builds it.
  expect(text).not.toContain('index.signal-queued');
  const stored = (await ds.query(
    `SELECT r->'signal'->>'messageId' AS id FROM outbox, jsonb_array_elements(records::jsonb) AS r WHERE r->>'topic' = 'vir.outbound.v1' ORDER BY outbox.id`,
  )) as { id: string }[];
  expect(stored).toHaveLength(6); // n1–t1, then t2 with n1 and with t1: two signals each

  const crypto = new IndexCrypto(await devIndexFiles());
  // Not handed over in memory: taken from the table (orphaned at once, for the test).
  const relay = new OutboxRelay(ds, bus, new InThreadXml(crypto), flow, { pollMs: 60_000, orphanAfterMs: 0 });
  await relay.flush();
  await relay.stop();
  expect((await ds.query('SELECT count(*)::int AS n FROM outbox'))[0].n).toBe(0);

  const { trustStore } = crypto;
  const produced = kcat('vir.outbound.v1').map((line) => Contracts.outbound.parse(line));
  // Keyed by recipient: each party's signals keep the stored order on its partition.
  for (const oin of [NHN, TWENTE]) {
    expect(produced.filter((p) => p.recipientOin === oin).map((p) => p.messageId)).toEqual(
      stored.map((s) => s.id).filter((id) => produced.find((p) => p.messageId === id)!.recipientOin === oin),
    );
  }
  expect(produced.map((p) => p.messageId).sort()).toEqual(stored.map((s) => s.id).sort());
  const queuedSignals = queuedRecords.filter((r): r is SignalRecord => r.sign !== undefined);
  for (const p of produced) {
    // Verified now: the test's fixed clock may lie before a freshly generated dev PKI.
    const opened = openMatchsignaal(p.xml, { trustStore, at: new Date() });
    expect(opened.signerOin).toBe(DEV_INDEX.oin);
    expect(opened.message.berichtId).toBe(p.messageId);
    expect(opened.message.ontvangerOin).toBe(p.recipientOin);
    // Rebuilt from its match and meldingen exactly as its writer built it.
    const original = queuedSignals.find((r) => r.value.messageId === p.messageId)!;
    expect(opened.message).toEqual(original.sign);
    expect({ ...p, xml: undefined }).toEqual({ ...original.value, xml: undefined });
  }
  expect(queuedSignals.filter((r) => r.sign.andereMelder.telefoon === '072-5550101')).toHaveLength(4); // the signals about n1 or t2
  // One index.signal-queued per signal, under an id derived from the signal's (a republished row
  // gives the same event), at the time its transaction queued it.
  const queued = kcat(Contracts.flowEvent.topic.name)
    .map((line) => Contracts.flowEvent.parse(line))
    .filter((e: FlowEvent) => e.step === 'index.signal-queued');
  expect(queued.map((e) => e.messageId).sort()).toEqual(stored.map((s) => s.id).sort());
  for (const e of queued) {
    const signal = produced.find((p) => p.messageId === e.messageId)!;
    expect(e).toMatchObject({ eventId: nameBasedId(`index.signal-queued:${e.messageId}`), component: 'index', outcome: 'ok', partyOin: signal.recipientOin, correlationIds: signal.correlationIds, at: clock.now().toISOString() });
    expect(e.detail).toMatch(/^(binnen-convenant|convenant-overstijgend) kind-match$/);
    expect(e.convenant).toBe(signal.recipientOin === NHN ? '7' : '41');
    const original = queuedSignals.find((r) => r.value.messageId === e.messageId)!.queued!;
    expect({ at: e.at, detail: e.detail, convenant: e.convenant, gemeente: e.gemeente, domein: e.domein }).toEqual({ at: original.at, detail: original.detail, gemeente: undefined, ...original.dimensions });
  }
  expect(queued.filter((e) => e.gemeente === '0400')).toHaveLength(2); // to n1's party, for its matches with t1 and t2
});

it('leaves out a signal whose match is gone before its row was read back (its melding purged), and publishes the rest of the row', async () => {
  await recordAs(store, clock, { party: NHN, convenant: '7', child: 'G', melderId: 'n30' });
  await recordAs(store, clock, { party: NHN, convenant: '7', child: 'H', melderId: 'n31' });
  const both = [
    storeInput(clock, { party: TWENTE, convenant: '41', child: 'G', melderId: 't30' }),
    storeInput(clock, { party: TWENTE, convenant: '41', child: 'H', melderId: 't31' }),
  ];
  const before = new Set(kcat('vir.outbound.v1').map((line) => Contracts.outbound.parse(line).messageId));
  await store.recordBatch(both); // one row: two matches, four signals
  const [row] = (await ds.query(
    `SELECT array_agg(r->'signal'->>'messageId') AS ids FROM outbox, jsonb_array_elements(records::jsonb) AS r WHERE r->>'topic' = 'vir.outbound.v1' GROUP BY outbox.id ORDER BY outbox.id DESC LIMIT 1`,
  )) as { ids: string[] }[];
  expect(row.ids).toHaveLength(4);
  // G's meldingen purged meanwhile: their match goes with them.
  await ds.query(`DELETE FROM melding WHERE jeugdige_pseudonym = 'G'`);

  const crypto = new IndexCrypto(await devIndexFiles());
  const relay = new OutboxRelay(ds, bus, new InThreadXml(crypto), flow, { pollMs: 60_000, orphanAfterMs: 0 });
  await relay.flush();
  await relay.stop();
  expect((await ds.query('SELECT count(*)::int AS n FROM outbox'))[0].n).toBe(0);
  const produced = kcat('vir.outbound.v1')
    .map((line) => Contracts.outbound.parse(line))
    .filter((p) => !before.has(p.messageId) && row.ids.includes(p.messageId));
  expect(produced).toHaveLength(2);
  for (const p of produced) expect(openMatchsignaal(p.xml, { trustStore: crypto.trustStore, at: new Date() }).message.eigenMelding.referentie).toMatch(/^REF-(n|t)31$/);
  // The row's flow events went out all the same.
  const stored = kcat(Contracts.flowEvent.topic.name)
    .map((line) => Contracts.flowEvent.parse(line))
    .filter((e) => e.step === 'index.stored' && both.some((b) => b.melding.berichtId === e.messageId));
  expect(stored).toHaveLength(2);
});

it('publishes a committed chunk row from memory at once, and leaves a row nobody handed over until it is orphaned', async () => {
  const crypto = new IndexCrypto(await devIndexFiles());
  const relay = new OutboxRelay(ds, bus, new InThreadXml(crypto), flow, { pollMs: 60_000, orphanAfterMs: 1_500 });
  const handed = new MeldingStore(ds, DEV_INDEX.oin, { onOutboxCommitted: (row) => relay.handOver(row) });
  const before = new Set(kcat('vir.outbound.v1').map((line) => Contracts.outbound.parse(line).messageId));
  const signalsOf = async () => (await ds.query(`SELECT r->'signal'->>'messageId' AS id FROM outbox, jsonb_array_elements(records::jsonb) AS r WHERE r->>'topic' = 'vir.outbound.v1'`)) as { id: string }[];
  const outboxRows = async () => (await ds.query('SELECT count(*)::int AS n FROM outbox'))[0].n as number;

  // A row its writer never handed over (as after a crash between commit and hand-over).
  await recordAs(store, clock, { party: NHN, convenant: '7', child: 'M', melderId: 'n9' });
  await recordAs(store, clock, { party: TWENTE, convenant: '41', child: 'M', melderId: 't9' });
  const orphaned = (await signalsOf()).map((s) => s.id);
  expect(orphaned).toHaveLength(2);
  expect(await outboxRows()).toBe(2); // a row per chunk: flow events, and signals

  // The writer hands its row to the relay: published and deleted without waiting for a poll.
  const started = Date.now();
  await recordAs(handed, clock, { party: TWENTE, convenant: '41', child: 'M', melderId: 't10' });
  await relay.flush();
  const fresh = () => kcat('vir.outbound.v1').map((line) => Contracts.outbound.parse(line)).filter((p) => !before.has(p.messageId));
  const first = fresh();
  expect(first).toHaveLength(4); // t10 with n9 and with t9: two signals each
  expect(first.map((p) => p.messageId)).not.toEqual(expect.arrayContaining([orphaned[0]]));
  for (const p of first) expect(openMatchsignaal(p.xml, { trustStore: crypto.trustStore, at: new Date() }).signerOin).toBe(DEV_INDEX.oin);
  expect(await outboxRows()).toBe(2); // the orphans, still waiting
  expect(Date.now() - started).toBeLessThan(1_500);

  // Once old enough, a table pass publishes it.
  await new Promise((r) => setTimeout(r, 1_600));
  await relay.flush();
  await relay.stop();
  expect(await outboxRows()).toBe(0);
  expect(fresh().map((p) => p.messageId)).toEqual(expect.arrayContaining(orphaned));
  expect(fresh()).toHaveLength(6);
});

it('publishes a row written before signal-queued events were built by the relay: its signals whole, its own event records, no second event', async () => {
  const handed: OutboxRecord[] = [];
  const writer = new MeldingStore(ds, DEV_INDEX.oin, { onOutboxCommitted: (r) => handed.splice(0, handed.length, ...r.records) });
  await recordAs(writer, clock, { party: NHN, convenant: '7', child: 'Q', melderId: 'n20' });
  await recordAs(writer, clock, { party: TWENTE, convenant: '41', child: 'Q', melderId: 't20' });
  // Rewrite the newest row into the earlier form: each signal whole, followed by its event as a record.
  const [row] = (await ds.query('SELECT id::text AS id FROM outbox ORDER BY id DESC LIMIT 1')) as { id: string }[];
  const earlier: OutboxRecord[] = [];
  const eventIds: string[] = [];
  for (const r of handed) {
    if (!r.sign || !r.queued) {
      earlier.push(r);
      continue;
    }
    const { queued } = r;
    const signal: SignalRecord = { topic: r.topic, key: r.key, value: r.value, sign: r.sign };
    const event: FlowEvent = { eventId: randomUUID(), component: 'index', messageId: signal.value.messageId, correlationIds: signal.value.correlationIds, partyOin: signal.value.recipientOin, step: 'index.signal-queued', outcome: 'ok', detail: queued.detail, at: queued.at, ...queued.dimensions };
    eventIds.push(event.eventId);
    earlier.push(signal, { topic: Contracts.flowEvent.topic.name, key: event.messageId, value: event });
  }
  expect(eventIds).toHaveLength(2);
  await ds.query('UPDATE outbox SET records = $2 WHERE id = $1', [row.id, JSON.stringify(earlier)]);

  const crypto = new IndexCrypto(await devIndexFiles());
  const relay = new OutboxRelay(ds, bus, new InThreadXml(crypto), flow, { pollMs: 60_000, orphanAfterMs: 0 });
  await relay.flush();
  await relay.stop();
  const signalIds = earlier.flatMap((r) => (r.sign ? [r.value.messageId] : []));
  const queuedEvents = kcat(Contracts.flowEvent.topic.name)
    .map((line) => Contracts.flowEvent.parse(line))
    .filter((e) => e.step === 'index.signal-queued' && signalIds.includes(e.messageId));
  expect(queuedEvents.map((e) => e.eventId).sort()).toEqual([...eventIds].sort());
  expect(kcat('vir.outbound.v1').map((line) => Contracts.outbound.parse(line).messageId)).toEqual(expect.arrayContaining(signalIds));
});
