import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { openDataSource, queryPrepared } from '@vir/persistence';

// A prepared statement runs inside the caller's transaction (and is rolled back with it), is
// parsed once per connection, and every connection reads and writes READ COMMITTED.

const schema = `t${randomUUID().slice(0, 8)}_prepared`;
let ds: DataSource;

beforeAll(async () => {
  ds = await openDataSource({ url: process.env.VIR_TEST_DATABASE_URL!, schema, entities: [], migrations: [], applicationName: 'prepared-test', poolSize: 2 });
  await ds.query('CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL)');
});

afterAll(async () => {
  await ds?.query(`DROP SCHEMA "${schema}" CASCADE`);
  await ds?.destroy();
});

const INSERT = 'INSERT INTO item (id, name) SELECT * FROM unnest($1::int[], $2::text[]) ON CONFLICT (id) DO NOTHING RETURNING id';

it('inserts on a pooled connection, and on one connection parses the statement once', async () => {
  expect(await queryPrepared(ds, INSERT, [[1, 2], ['a', 'b']])).toEqual([{ id: 1 }, { id: 2 }]);
  await ds.transaction(async (em) => {
    expect(await queryPrepared(em, INSERT, [[2, 3], ['b', 'c']])).toEqual([{ id: 3 }]);
    expect(await queryPrepared(em, INSERT, [[4], ['d']])).toEqual([{ id: 4 }]);
    // pg_prepared_statements lists this connection's statements: one, however often it ran.
    expect(await em.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO item%'`)).toEqual([{ n: 1 }]);
  });
});

it('runs inside the transaction of an EntityManager, rolled back with it', async () => {
  await expect(
    ds.transaction(async (em) => {
      expect(await queryPrepared(em, INSERT, [[10], ['x']])).toEqual([{ id: 10 }]);
      expect(await em.query('SELECT name FROM item WHERE id = 10')).toEqual([{ name: 'x' }]);
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
  expect(await ds.query('SELECT count(*)::int AS n FROM item WHERE id = 10')).toEqual([{ n: 0 }]);
});

it('gives every connection READ COMMITTED, whatever the server default', async () => {
  const admin = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await admin.connect();
  const db = (await admin.query('SELECT current_database() AS db')).rows[0].db as string;
  await admin.query(`ALTER DATABASE "${db}" SET default_transaction_isolation = 'serializable'`);
  try {
    const other = await openDataSource({ url: process.env.VIR_TEST_DATABASE_URL!, schema, entities: [], migrations: [], applicationName: 'prepared-test-2', poolSize: 2 });
    try {
      expect(await other.transaction((em) => em.query('SHOW transaction_isolation'))).toEqual([{ transaction_isolation: 'read committed' }]);
    } finally {
      await other.destroy();
    }
    const plain = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
    await plain.connect();
    expect((await plain.query('SHOW default_transaction_isolation')).rows).toEqual([{ default_transaction_isolation: 'serializable' }]);
    await plain.end();
  } finally {
    await admin.query(`ALTER DATABASE "${db}" RESET default_transaction_isolation`);
    await admin.end();
  }
});
