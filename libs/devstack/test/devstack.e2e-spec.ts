import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startInfrastructure, type Infrastructure } from '../src/index';

// Real Kafka + PostgreSQL (no mocks): proves the whole devstack works on this machine. ~10 s warm.
jest.setTimeout(90_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as {
  Client: new (config: { connectionString: string }) => {
    connect(): Promise<void>;
    query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
    end(): Promise<void>;
  };
};

const rootDir = resolve(__dirname, '../../..');

/** Command lines of live processes that mention `needle` (pgrep itself excluded). */
function processesMentioning(needle: string): string[] {
  try {
    return execFileSync('pgrep', ['-fa', needle], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.includes('pgrep'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('devstack', () => {
  let infra: Infrastructure | undefined;

  afterAll(async () => {
    await infra?.stop();
  });

  it('starts Kafka and PostgreSQL, serves real traffic and leaves nothing behind on stop', async () => {
    // The e2e global setup of this same process has its own run dirs: find ours by difference.
    const list = (dir: string) => (existsSync(join(rootDir, dir)) ? readdirSync(join(rootDir, dir)) : []);
    const before = new Set([...list('.cache/run'), ...list('.cache/postgres')]);
    infra = await startInfrastructure({ rootDir, log: () => undefined, ephemeralPostgres: true });
    expect(infra.started).toEqual({ kafka: true, postgres: true });
    // Per-run data lives in .cache/run/<our pid>-<random> and .cache/postgres/test-<our pid>-<random>.
    const runDir = list('.cache/run')
      .filter((entry) => entry.startsWith(`${process.pid}-`) && !before.has(entry))
      .map((entry) => join(rootDir, '.cache/run', entry))[0];
    const pgDataDir = list('.cache/postgres')
      .filter((entry) => entry.startsWith(`test-${process.pid}-`) && !before.has(entry))
      .map((entry) => join(rootDir, '.cache/postgres', entry))[0];
    expect(runDir).toBeDefined();
    expect(pgDataDir).toBeDefined();

    const kafka = new Kafka({ clientId: 'devstack-spec', brokers: [infra.kafkaBrokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'devstack.check', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: 'devstack.check', messages: [{ key: 'k', value: 'hello' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'devstack-spec' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'devstack.check', fromBeginning: true });
    const received = await new Promise<string>((resolveMessage) => {
      void consumer.run({ eachMessage: async ({ message }) => resolveMessage(message.value?.toString() ?? '') });
    });
    await consumer.disconnect();
    expect(received).toBe('hello');

    const client = new pg.Client({ connectionString: infra.databaseUrl });
    await client.connect();
    const result = await client.query('select 1 as one, current_database() as db');
    await client.end();
    expect(result.rows[0]).toEqual({ one: 1, db: 'vir' });

    await infra.stop();
    // Only our own processes: other suites may run their own Kafka/Postgres concurrently.
    expect(processesMentioning(runDir)).toEqual([]);
    expect(processesMentioning(pgDataDir)).toEqual([]);
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(pgDataDir)).toBe(false);
  });

  it('starts nothing when external addresses are given', async () => {
    const external = await startInfrastructure({
      rootDir,
      log: () => undefined,
      kafkaBrokers: 'kafka.example:9092',
      databaseUrl: 'postgres://u:p@db.example:5432/vir',
    });
    expect(external).toMatchObject({
      kafkaBrokers: 'kafka.example:9092',
      databaseUrl: 'postgres://u:p@db.example:5432/vir',
      started: { kafka: false, postgres: false },
    });
    await external.stop();
  });
});
