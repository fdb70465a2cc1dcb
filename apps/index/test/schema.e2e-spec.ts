import { FixedClock } from '@vir/domain';
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
