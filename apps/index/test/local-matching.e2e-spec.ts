import type { DataSource } from 'typeorm';
import { FixedClock } from '@vir/domain';
import type { MeldingStore } from '../src/matching/melding.store';
import { openTestStore, recordAs } from './index-store.fixture';

// A tenant that matches within its own area itself gets only cross-area signals from the index;
// the match is still recorded (for the figures), and other parties are unaffected.

const LOCAL = '00000003273416560001';
const OTHER = '00000003273416560002';
const clock = new FixedClock(new Date('2026-11-22T09:00:00Z'));
let ds: DataSource;
let store: MeldingStore;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ ds, store, drop } = await openTestStore(clock, { localMatchingOins: new Set([LOCAL]) }));
});

afterAll(async () => {
  await drop?.();
});

// The outbox holds one row per stored chunk: its records as a JSON array (a signal's key is its receiver).
const signalsTo = async () =>
  (await ds.query(
    `SELECT r->>'key' AS oin, count(*)::int AS n
     FROM outbox, jsonb_array_elements(records::jsonb) AS r WHERE r->>'topic' = 'vir.outbound.v1' GROUP BY 1 ORDER BY 1`,
  )) as { oin: string; n: number }[];

it('sends no signal for a within-area match inside a local-matching tenant, but records the match', async () => {
  await recordAs(store, clock, { party: LOCAL, convenant: '7', child: 'A', melderId: 'l1' });
  expect(await recordAs(store, clock, { party: LOCAL, convenant: '7', child: 'A', melderId: 'l2' })).toEqual({ outcome: 'new', matches: 1, signals: 0 });
  expect(await signalsTo()).toEqual([]);
});

it('still signals the local-matching tenant about a cross-area match', async () => {
  await recordAs(store, clock, { party: LOCAL, convenant: '7', child: 'B', melderId: 'l3' });
  expect(await recordAs(store, clock, { party: OTHER, convenant: '41', child: 'B', melderId: 'o1' })).toEqual({ outcome: 'new', matches: 1, signals: 2 });
  expect(await signalsTo()).toEqual([
    { oin: LOCAL, n: 1 },
    { oin: OTHER, n: 1 },
  ]);
});

it('signals other tenants about their within-area matches as usual', async () => {
  await recordAs(store, clock, { party: OTHER, convenant: '41', child: 'C', melderId: 'o2' });
  expect(await recordAs(store, clock, { party: OTHER, convenant: '41', child: 'C', melderId: 'o3' })).toEqual({ outcome: 'new', matches: 1, signals: 2 });
});
