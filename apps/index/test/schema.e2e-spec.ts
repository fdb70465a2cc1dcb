import { randomUUID } from 'node:crypto';
import { FixedClock } from '@vir/domain';
import { INZAGE_MATCHES_SQL, INZAGE_MELDINGEN_SQL } from '../src/inzage/inzage.service';
import { FIND_MELDING_SQL } from '../src/lifecycle/melding-ending.service';
import { CANDIDATES_SQL } from '../src/matching/melding.store';
import { openTestStore } from './index-store.fixture';

// The index's schema as its migrations build it, on the real PostgreSQL.

it('has an index for every foreign key, so a purge cascading into the table never scans it whole', async () => {
  const { ds, drop } = await openTestStore(new FixedClock(new Date('2026-11-23T09:00:00Z')));
  try {
    const [{ schema }] = await ds.query('SELECT current_schema() AS schema');
    // Foreign keys whose columns do not lead any index of their table.
    const unindexed: { constraint: string }[] = await ds.query(
      `SELECT c.conname AS constraint
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE c.contype = 'f' AND n.nspname = $1
         AND NOT EXISTS (
           SELECT 1 FROM pg_index i
           WHERE i.indrelid = c.conrelid AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)`,
      [schema],
    );
    const all: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = $1`, [schema]);
    expect(all[0].n).toBeGreaterThanOrEqual(3);
    expect(unindexed).toEqual([]);
  } finally {
    await drop();
  }
});

it('finds a young person for an inzage, its matches, and a melding named by reference alone, by index (no scan of a table)', async () => {
  const { ds, drop } = await openTestStore(new FixedClock(new Date('2026-11-23T09:00:00Z')));
  try {
    await ds.transaction(async (em) => {
      // Scans made so costly that the planner takes any usable index: a lookup with none still scans.
      await em.query('SET LOCAL enable_seqscan = off');
      const plan = async (sql: string, params: unknown[]) => ((await em.query(`EXPLAIN ${sql}`, params)) as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
      const lookups = {
        inzageMeldingen: await plan(INZAGE_MELDINGEN_SQL, [['v1:child']]),
        inzageMatches: await plan(INZAGE_MATCHES_SQL, [[randomUUID(), randomUUID()]]),
        endingByReference: await plan(FIND_MELDING_SQL, ['00000003273416560001', null, 'REF-1']),
        endingByMessageId: await plan(FIND_MELDING_SQL, ['00000003273416560001', randomUUID(), null]),
      };
      const scans = Object.entries(lookups).filter(([, p]) => /Seq Scan/.test(p));
      expect(scans.map(([name, p]) => `${name}:\n${p}`)).toEqual([]);
    });
  } finally {
    await drop();
  }
});

it("reads a chunk's candidates key by key through the indexes, also from a table small enough to read whole", async () => {
  const { ds, drop } = await openTestStore(new FixedClock(new Date('2026-11-23T09:00:00Z')));
  try {
    // 20,000 active meldingen, two parents each: the size at which the index bench's first phase runs.
    await ds.query(
      `INSERT INTO melding (id, message_id, party_oin, convenant, referentie, professional_key, melder_id, melder_naam, organisatie_naam, organisatie_domein,
                            jeugdige_pseudonym, geboortedatum, meldingsdatum, ends_on, status, created_at, updated_at)
       SELECT gen_random_uuid(), gen_random_uuid(), '00000003273416560001', '1', 'REF-' || i, 'p/' || i, 'm' || i, 'Naam', 'Org', 'jeugdhulp',
              'v1:child-' || i, DATE '2015-01-01', DATE '2026-11-01', DATE '2028-11-01', 'active', now(), now()
       FROM generate_series(1, 20000) AS i`,
    );
    await ds.query(`INSERT INTO melding_ouder (melding_id, ouder_pseudonym) SELECT id, 'v1:ouder-' || p || '-' || (jeugdige_pseudonym) FROM melding, (VALUES (1), (2)) AS v(p)`);
    await ds.query('ANALYZE melding; ANALYZE melding_ouder');
    // A chunk of 200 meldingen: its young people and their parents (both pseudonym keys in use).
    const children = Array.from({ length: 200 }, (_, i) => `v1:child-${i * 97 + 1}`);
    const ouders = children.flatMap((c) => [`v1:ouder-1-${c}`, `v1:ouder-2-${c}`]);
    const plan = ((await ds.query(`EXPLAIN ${CANDIDATES_SQL}`, [children, ouders])) as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
    // Joined as sets, this was planned as two reads of the whole table and hash joins (70–215 µs per melding).
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toMatch(/Index Scan using melding_child/);
    expect(plan).toMatch(/melding_ouder_pseudonym/);
    const found: { jeugdigePseudonym: string; ouders: string[] }[] = await ds.query(CANDIDATES_SQL, [children, ouders]);
    expect(found).toHaveLength(200);
    expect(found.every((r) => r.ouders.length === 2)).toBe(true);
  } finally {
    await drop();
  }
});
