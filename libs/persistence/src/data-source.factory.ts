import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface PersistenceOptions {
  url: string;
  /** Each app owns one PostgreSQL schema; they may share a server or database. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName: string;
}

export function dataSourceOptions(o: PersistenceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    // Schema changes only through migrations.
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    // Raw SQL (outbox relay, delivery claims) resolves to this schema too. READ COMMITTED whatever
    // the server's default: the apps' locking (the index's pseudonym locks) relies on it, and a
    // transaction then needs no SET TRANSACTION round trip.
    extra: { max: o.poolSize ?? 10, application_name: o.applicationName, options: `-c search_path="${o.schema}" -c default_transaction_isolation=read\\ committed` },
  };
}

/**
 * Connects and brings the schema up to date. Migrations run under an advisory lock, so two
 * instances starting together (two index replicas) never run them twice.
 */
export async function openDataSource(o: PersistenceOptions): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(o));
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`vir-migrations:${o.schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${o.schema}"`);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`vir-migrations:${o.schema}`]).catch(() => undefined);
    await runner.release();
  }
  return ds;
}
