import type { DataSource } from 'typeorm';
import { FixedClock } from '@vir/domain';
import type { MeldingStore, RecordInput } from '../src/matching/melding.store';
import type { CommittedOutboxRow, SignalRecord } from '../src/matching/outbox.relay';
import { openTestStore, storeInput } from './index-store.fixture';

// One transaction per chunk of inbound records: the meldingen of a chunk match the stored ones
// and each other exactly as they would one by one, and a redelivered chunk changes nothing.

const NHN = '00000003273416560001';
const TWENTE = '00000003273416560002';
const clock = new FixedClock(new Date('2026-11-22T09:00:00Z'));
let ds: DataSource;
let store: MeldingStore;
let drop: () => Promise<void>;
/** Each committed chunk row as the store hands it to the relay (records whole). */
const handed: CommittedOutboxRow[] = [];

beforeAll(async () => {
  ({ ds, store, drop } = await openTestStore(clock, { onOutboxCommitted: (row) => handed.push(row) }));
});

afterAll(async () => {
  await drop?.();
});

/** NHN's meldingen are in covenant area 7, Twente's in 41. */
const input = (o: Omit<Parameters<typeof storeInput>[1], 'convenant'>): RecordInput => storeInput(clock, { ...o, convenant: o.party === NHN ? '7' : '41' });

const count = async (table: string) => (await ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
const outboxRecords = async () =>
  (await ds.query(`SELECT r->>'topic' AS topic FROM outbox, jsonb_array_elements(records::jsonb) AS r`)) as { topic: string }[];

it('matches the meldingen of one chunk with each other and with stored ones, in one outbox row', async () => {
  await store.recordBatch([input({ party: NHN, child: 'A', melderId: 'n0' })]);
  const chunk = [
    input({ party: TWENTE, child: 'A', melderId: 't1' }), // child match with the stored n0
    input({ party: NHN, child: 'A', melderId: 'n2' }), // child matches with n0 and t1
    input({ party: NHN, child: 'A', melderId: 'n2', referentie: 'REF-n2-new' }), // same professional again: an update
    input({ party: NHN, child: 'B', melderId: 'n3', ouders: ['P'] }),
    input({ party: TWENTE, child: 'C', melderId: 't4', ouders: ['P'] }), // family match with n3 (sibling)
  ];
  const rowsBefore = await count('outbox');
  const results = await store.recordBatch(chunk);
  expect(results).toEqual([
    { outcome: 'new', matches: 1, signals: 2 },
    { outcome: 'new', matches: 2, signals: 4 },
    { outcome: 'updated', matches: 0, signals: 0 },
    { outcome: 'new', matches: 0, signals: 0 },
    { outcome: 'new', matches: 1, signals: 2 },
  ]);
  expect(await count('match')).toBe(4);
  expect(await count('outbox')).toBe(rowsBefore + 1);
  // The update of a melding stored in the same chunk landed on it.
  expect((await ds.query(`SELECT referentie FROM melding WHERE melder_id = 'n2'`)).map((r: { referentie: string }) => r.referentie)).toEqual(['REF-n2-new']);
  const gezin = await ds.query(`SELECT soort, reikwijdte FROM match WHERE soort = 'gezin'`);
  expect(gezin).toEqual([{ soort: 'gezin', reikwijdte: 'convenant-overstijgend' }]);
  const topics = (await outboxRecords()).map((r) => r.topic);
  expect(topics.filter((t) => t === 'vir.outbound.v1')).toHaveLength(8);
  // Time-ordered ids (UUID version 7) for the rows the index makes: their indexes grow at one edge.
  const ids = (await ds.query(`SELECT id::text FROM melding UNION ALL SELECT id::text FROM match`)) as { id: string }[];
  expect(ids.length).toBeGreaterThan(0);
  for (const { id } of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
});

it('changes nothing when a chunk is redelivered, or when one message id occurs twice in a chunk', async () => {
  const first = input({ party: NHN, child: 'D', melderId: 'n5' });
  const second = input({ party: TWENTE, child: 'D', melderId: 't6' });
  expect(await store.recordBatch([first, second, { ...first }])).toEqual([
    { outcome: 'new', matches: 0, signals: 0 },
    { outcome: 'new', matches: 1, signals: 2 },
    { outcome: 'duplicate', matches: 0, signals: 0 },
  ]);
  const before = await Promise.all(['melding', 'match', 'outbox', 'inbox', 'melding_ouder'].map(count));
  expect(await store.recordBatch([first, second])).toEqual([
    { outcome: 'duplicate', matches: 0, signals: 0 },
    { outcome: 'duplicate', matches: 0, signals: 0 },
  ]);
  expect(await Promise.all(['melding', 'match', 'outbox', 'inbox', 'melding_ouder'].map(count))).toEqual(before);
});

it('a duplicate beside new meldingen: the new ones are stored, the duplicate changes nothing', async () => {
  const known = input({ party: NHN, child: 'E', melderId: 'n7' });
  await store.recordBatch([known]);
  const results = await store.recordBatch([known, input({ party: TWENTE, child: 'E', melderId: 't8' })]);
  expect(results).toEqual([
    { outcome: 'duplicate', matches: 0, signals: 0 },
    { outcome: 'new', matches: 1, signals: 2 },
  ]);
  expect((await ds.query(`SELECT count(*)::int AS n FROM melding WHERE jeugdige_pseudonym = 'E'`))[0].n).toBe(2);
});

it('keeps the municipality of residence, and puts the figure dimensions (no pseudonym) on index.matched and on what index.signal-queued is built from', async () => {
  const first = input({ party: NHN, child: 'F', melderId: 'n9', woongemeente: '0400', subject: 'S'.repeat(22) });
  const second = input({ party: TWENTE, child: 'F', melderId: 't10', subject: 'S'.repeat(22) });
  await store.recordBatch([first]);
  await store.recordBatch([second]);
  const events = ((await ds.query(`SELECT r->'value' AS v FROM outbox, jsonb_array_elements(records::jsonb) AS r WHERE r->>'topic' = 'vir.flow-events.v1'`)) as { v: Record<string, unknown> }[])
    .map((r) => r.v)
    .filter((v) => v.messageId === second.melding.berichtId || (v.correlationIds as string[] | undefined)?.includes(second.melding.berichtId));
  const matched = events.find((e) => e.step === 'index.matched')!;
  expect(matched).toMatchObject({ convenant: '41', domein: 'onderwijs', subject: 'S'.repeat(22), matches: [`kind|convenant-overstijgend|${first.melding.berichtId}|7|0400|onderwijs`] });
  expect(matched.gemeente).toBeUndefined();
  // A signal's index.signal-queued event is built by the relay from what its record carries (the
  // table keeps the signal by its match only; the relay rebuilds the rest from the meldingen).
  const signals = handed.flatMap((row) => row.records).filter((r): r is SignalRecord => r.sign !== undefined);
  const queued = signals
    .filter((v) => v.value.correlationIds.includes(second.melding.berichtId))
    .map((v) => [v.value.recipientOin, v.queued!.dimensions.convenant, v.queued!.dimensions.gemeente ?? '', v.queued!.detail]);
  expect(queued.sort()).toEqual([[NHN, '7', '0400', 'convenant-overstijgend kind-match'], [TWENTE, '41', '', 'convenant-overstijgend kind-match']].sort());
  expect(JSON.stringify(signals)).not.toContain('"F"');
  expect(JSON.stringify(events)).not.toContain('"F"');
  expect((await ds.query(`SELECT woongemeente FROM melding WHERE jeugdige_pseudonym = 'F' ORDER BY melder_id`)).map((r: { woongemeente: string | null }) => r.woongemeente)).toEqual(['0400', null]);
  // The same professional again, now with the residence: the earlier melding is refreshed.
  await store.recordBatch([input({ party: TWENTE, child: 'F', melderId: 't10', woongemeente: '0153' })]);
  expect((await ds.query(`SELECT woongemeente FROM melding WHERE melder_id = 't10'`))[0].woongemeente).toBe('0153');
});
