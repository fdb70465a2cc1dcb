import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DevstackLog, Infrastructure, KafkaHandle, PostgresHandle } from './devstack.types';
import { startKafka } from './kafka-server.launcher';
import { startPostgres } from './postgres-server.launcher';
import { errorMessage, isAlive } from './process.util';

export interface InfrastructureOptions {
  /** Repository root; everything local lives in `<rootDir>/.cache/` (git-ignored). */
  rootDir: string;
  log: DevstackLog;
  /** Use this Kafka (`host:port[,host:port]`) instead of starting one — how production runs. */
  kafkaBrokers?: string;
  /** Use this PostgreSQL url instead of starting one — how production runs. */
  databaseUrl?: string;
  /** Kept PostgreSQL data in `.cache/postgres/<postgresInstance>`; default 'dev'. Ignored when `ephemeralPostgres`. */
  postgresInstance?: string;
  /**
   * Throwaway PostgreSQL (tests): data in `.cache/postgres/test-<pid>`, removed on stop, and by the
   * watchdog if this process dies. Default false.
   */
  ephemeralPostgres?: boolean;
  /** Database created if missing and used in `databaseUrl`. Default 'vir'. */
  database?: string;
  kafkaHeapMb?: number;
}

/**
 * Removes leftovers of processes that no longer exist (normally the watchdog already did):
 * entries in `dir` whose name matches `pattern` with the owner pid as first capture group.
 */
async function sweepDeadOwners(dir: string, pattern: RegExp): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    entries.map(async (entry) => {
      const pid = Number.parseInt(pattern.exec(entry)?.[1] ?? '', 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) {
        await rm(join(dir, entry), { recursive: true, force: true });
      }
    }),
  );
}

/**
 * Kafka + PostgreSQL for local runs and tests, started in parallel; either one is skipped when its
 * address is given. Kafka always gets a fresh data dir per run in `.cache/run/<pid>-<id>` (removed on stop);
 * jars are cached in `.cache/kafka-3.9.1/lib`.
 */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const { log } = options;
  const cacheDir = join(resolve(options.rootDir), '.cache');
  const runsDir = join(cacheDir, 'run');
  const runDir = join(runsDir, `${process.pid}-${randomBytes(3).toString('hex')}`);
  const startKafkaHere = options.kafkaBrokers === undefined;
  const startPostgresHere = options.databaseUrl === undefined;

  const ephemeral = options.ephemeralPostgres === true;
  // The random part lets one process run several (the devstack spec inside the e2e run).
  const instance = ephemeral ? `test-${process.pid}-${randomBytes(3).toString('hex')}` : (options.postgresInstance ?? 'dev');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(instance)) throw new Error(`devstack: invalid postgresInstance '${instance}'`);

  if (startKafkaHere) {
    await sweepDeadOwners(runsDir, /^(\d+)-/);
    await mkdir(runDir, { recursive: true });
  }
  if (startPostgresHere) await sweepDeadOwners(join(cacheDir, 'postgres'), /^test-(\d+)(?:-[0-9a-f]+)?$/);

  const [kafka, postgres] = await Promise.allSettled([
    startKafkaHere
      ? startKafka({ cacheDir, dataDir: runDir, log, heapMb: options.kafkaHeapMb, removeDataDirOnStop: true })
      : Promise.resolve(undefined),
    startPostgresHere
      ? startPostgres({
          dataDir: join(cacheDir, 'postgres', instance),
          log,
          database: options.database,
          removeDataDirOnStop: ephemeral,
        })
      : Promise.resolve(undefined),
  ]);

  const kafkaHandle: KafkaHandle | undefined = kafka.status === 'fulfilled' ? kafka.value : undefined;
  const postgresHandle: PostgresHandle | undefined = postgres.status === 'fulfilled' ? postgres.value : undefined;
  const removeRunDir = async (): Promise<void> => {
    if (startKafkaHere) await rm(runDir, { recursive: true, force: true });
  };

  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    // Do not leave the half that did start running.
    await Promise.all([kafkaHandle?.stop(), postgresHandle?.stop()]);
    await removeRunDir();
    const reasons = [kafka, postgres].flatMap((result) => (result.status === 'rejected' ? [errorMessage(result.reason)] : []));
    throw new Error(reasons.join('\n\n'));
  }

  let stopping: Promise<void> | undefined;
  return {
    kafkaBrokers: kafkaHandle?.brokers ?? (options.kafkaBrokers as string),
    databaseUrl: postgresHandle?.url ?? (options.databaseUrl as string),
    started: { kafka: kafkaHandle !== undefined, postgres: postgresHandle !== undefined },
    stop() {
      stopping ??= (async () => {
        const results = await Promise.allSettled([kafkaHandle?.stop(), postgresHandle?.stop()]);
        await removeRunDir();
        const failed = results.flatMap((result) => (result.status === 'rejected' ? [errorMessage(result.reason)] : []));
        if (failed.length > 0) throw new Error(`devstack: stop failed: ${failed.join('; ')}`);
        log('[devstack] infrastructure stopped');
      })();
      return stopping;
    },
  };
}
