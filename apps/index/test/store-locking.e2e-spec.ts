import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { FixedClock } from '@vir/domain';
import { waitUntil } from '@vir/testing';
import type { MeldingStore, RecordInput } from '../src/matching/melding.store';
import { openTestStore, storeInput } from './index-store.fixture';

// A chunk takes the locks of its young people and families without waiting: those another
// transaction holds wait for it in a second transaction, the rest are stored at once. Checked
// against a real PostgreSQL: what is stored at once, and that racing chunks still match exactly once.

const NHN = '00000003273416560001';
const TWENTE = '00000003273416560002';
const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
let ds: DataSource;
let store: MeldingStore;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ ds, store, drop } = await openTestStore(clock));
});

afterAll(async () => {
  await drop?.();
});

/** NHN's meldingen are in covenant area 7, Twente's in 41. */
const input = (o: Omit<Parameters<typeof storeInput>[1], 'convenant'>): RecordInput => storeInput(clock, { ...o, convenant: o.party === NHN ? '7' : '41' });

const stored = async (child: string) => (await ds.query('SELECT count(*)::int AS n FROM melding WHERE jeugdige_pseudonym = $1', [child]))[0].n as number;

it('stores the free young people of a chunk at once while another transaction holds a family lock, and the family after it', async () => {
  const run = randomUUID().slice(0, 8);
  const [sibling, free, parent] = [`sib-${run}`, `free-${run}`, `par-${run}`];
  const other = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await other.connect();
  try {
    // Another instance's transaction, holding the lock of the parent (as its chunk would).
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [parent]);
    let done = false;
    const chunk = store.recordBatch([input({ party: NHN, child: sibling, melderId: `n-${run}`, ouders: [parent] }), input({ party: TWENTE, child: free, melderId: `t-${run}` })]);
    void chunk.then(() => (done = true));
    // The young person without a busy lock is committed while the other transaction still runs.
    await waitUntil(async () => ((await stored(free)) === 1 ? true : undefined), 10_000, 'the free melding committed');
    expect(await stored(sibling)).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(done).toBe(false);
    await other.query('COMMIT');
    expect((await chunk).map((r) => r.outcome)).toEqual(['new', 'new']);
    expect(await stored(sibling)).toBe(1);
  } finally {
    await other.end();
  }
});

it('races chunks that share young people and families: every match exactly once, every time', async () => {
  for (let round = 0; round < 5; round++) {
    const run = randomUUID().slice(0, 8);
    const families = 30;
    const matchesBefore = (await ds.query(`SELECT soort, count(*)::int AS n FROM match GROUP BY soort`)) as { soort: string; n: number }[];
    // Three chunks at the same moment; in each family one child gets a melding from every chunk
    // (a different professional each: 3 child matches), two siblings share a parent across the
    // first two chunks (1 family match), and each chunk has a young person of its own.
    const chunks = [0, 1, 2].map((k) =>
      [...Array(families).keys()].flatMap((f) => [
        input({ party: k % 2 ? TWENTE : NHN, child: `c-${run}-${f}`, melderId: `p${k}-${run}-${f}` }),
        ...(k < 2 ? [input({ party: NHN, child: `s${k}-${run}-${f}`, melderId: `s${k}-${run}-${f}`, ouders: [`o-${run}-${f}`] })] : []),
        input({ party: TWENTE, child: `alone${k}-${run}-${f}`, melderId: `a${k}-${run}-${f}` }),
      ]),
    );
    const results = await Promise.all(chunks.map((c) => store.recordBatch(c)));
    expect(results.flat().every((r) => r.outcome === 'new')).toBe(true);
    const after = (await ds.query(`SELECT soort, count(*)::int AS n FROM match GROUP BY soort`)) as { soort: string; n: number }[];
    const made = (soort: string) => (after.find((m) => m.soort === soort)?.n ?? 0) - (matchesBefore.find((m) => m.soort === soort)?.n ?? 0);
    expect({ kind: made('kind'), gezin: made('gezin') }).toEqual({ kind: 3 * families, gezin: families });
    // Each result counts the matches its melding made: together, each match once.
    expect(results.flat().reduce((n, r) => n + r.matches, 0)).toBe(4 * families);
  }
});
