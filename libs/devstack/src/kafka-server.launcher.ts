import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { DevstackLog, KafkaHandle } from './devstack.types';
import { ensureKafkaJars } from './kafka-jars.installer';
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

export interface KafkaOptions {
  /** Jar cache root; jars go to `<cacheDir>/kafka-3.9.1/lib`. */
  cacheDir: string;
  /**
   * Directory for config/, logs/ (server.log, stdout.log) and kraft/ (log.dirs). Formatted on first use.
   * Reusing it across starts (with new ports) works with Kafka 3.9's static quorum and keeps topics;
   * startInfrastructure uses a fresh one per run so that tests never see old data.
   */
  dataDir: string;
  log: DevstackLog;
  /** JVM max heap. Default 512. */
  heapMb?: number;
  /** Delete `dataDir` on stop (and from the watchdog if this process dies). Default false. */
  removeDataDirOnStop?: boolean;
  /** Extra / overriding server.properties entries. */
  properties?: Readonly<Record<string, string>>;
  /** Default 60 s. */
  readyTimeoutMs?: number;
}

const STOP_GRACE_MS = 15_000;

function javaMissing(error: unknown): Error {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
    ? new Error("devstack: 'java' was not found on PATH. Install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless).")
    : new Error(`devstack: could not run java: ${errorMessage(error)}`);
}

function kafkaClusterId(): string {
  // Same shape as Kafka's Uuid.randomUuid(): 16 random bytes, base64url; never starting with '-' (reads as a CLI flag).
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(dataLogDir: string, port: number, controllerPort: number, extra: Readonly<Record<string, string>>): string {
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataLogDir,
    // Topics are owned by the application (explicit admin.createTopics), never created by accident.
    'auto.create.topics.enable': 'false',
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    // One partition instead of 50: the first consumer group otherwise waits for 50 partitions to be created.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '1',
    'group.initial.rebalance.delay.ms': '0',
    // The cleaner (needed for compacted __consumer_offsets) would otherwise allocate 128 MB of heap.
    'log.cleaner.dedupe.buffer.size': String(16 * 1024 * 1024),
    ...extra,
  };
  return `${Object.entries(props)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

function log4jProperties(logFile: string): string {
  // Kafka's own logging goes to a file in dataDir; only WARN and above, plus the line saying it started.
  return [
    'log4j.rootLogger=WARN, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    '',
  ].join('\n');
}

/** Flags shared by the storage tool and the broker: small, fast-starting JVM. */
function jvmBaseArgs(libDir: string, log4jFile: string): string[] {
  return ['-XX:+UseSerialGC', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${log4jFile}`, '-cp', `${libDir}/*`];
}

async function waitUntilReady(brokers: string, child: ChildProcess, timeoutMs: number, logFiles: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'devstack-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError = 'not reachable yet';
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      const tails = await Promise.all(logFiles.map((file) => tailFile(file)));
      throw new Error(
        `devstack: Kafka exited during startup (code ${child.exitCode}, signal ${child.signalCode}).\n${tails.filter(Boolean).join('\n---\n')}`,
      );
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
      lastError = 'no broker registered yet';
    } catch (error) {
      lastError = errorMessage(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await delay(250);
  }
  const tails = await Promise.all(logFiles.map((file) => tailFile(file)));
  throw new Error(`devstack: Kafka not ready after ${timeoutMs} ms (${lastError}).\n${tails.filter(Boolean).join('\n---\n')}`);
}

/**
 * Starts a single-node KRaft Kafka (broker + controller in one JVM) on free 127.0.0.1 ports.
 * The JVM is detached into its own process group (Ctrl-C on the terminal reaches only Node, which
 * then stops it in order) and guarded by a watchdog in case Node dies without cleaning up.
 */
export async function startKafka(options: KafkaOptions): Promise<KafkaHandle> {
  const { log } = options;
  const dataDir = resolve(options.dataDir);
  const libDir = await ensureKafkaJars(options.cacheDir, log);
  const configDir = join(dataDir, 'config');
  const logsDir = join(dataDir, 'logs');
  const kraftDir = join(dataDir, 'kraft');
  const serverConfig = join(configDir, 'server.properties');
  const log4jConfig = join(configDir, 'log4j.properties');
  const serverLog = join(logsDir, 'server.log');
  const stdoutLog = join(logsDir, 'stdout.log');
  await mkdir(configDir, { recursive: true });
  await mkdir(logsDir, { recursive: true });
  await writeFile(log4jConfig, log4jProperties(serverLog));

  const started = Date.now();
  const removeData = async (): Promise<void> => {
    if (options.removeDataDirOnStop) await rm(dataDir, { recursive: true, force: true });
  };

  for (let attempt = 1; ; attempt += 1) {
    const [port, controllerPort] = await findFreePorts(2);
    await writeFile(serverConfig, serverProperties(kraftDir, port, controllerPort, options.properties ?? {}));
    // Ports are not part of the formatted storage, so a retry (or a reused dataDir) needs no new format.
    if (!existsSync(join(kraftDir, 'meta.properties'))) {
      await formatStorage(libDir, log4jConfig, serverConfig, dataDir).catch(async (error: unknown) => {
        await removeData();
        throw error;
      });
    }
    await rm(serverLog, { force: true }); // the log tail in errors must be this attempt's
    const child = spawnBroker(libDir, log4jConfig, serverConfig, stdoutLog, dataDir, options.heapMb ?? 512);
    const pid = child.pid as number;
    const watchdog = startWatchdog({
      parentPid: process.pid,
      targets: [{ pid, signal: 'TERM' }],
      removeDirs: options.removeDataDirOnStop ? [dataDir] : [],
    });
    // If Node exits without stop(), at least ask the JVM to shut down.
    const removeExitHook = onProcessExit(() => {
      if (!hasExited(child)) child.kill('SIGTERM');
    });
    const halt = async (): Promise<void> => {
      removeExitHook();
      await stopProcessTree(child, [{ signal: 'SIGTERM', graceMs: STOP_GRACE_MS }]);
      watchdog.stop();
    };

    const brokers = `127.0.0.1:${port}`;
    try {
      await waitUntilReady(brokers, child, options.readyTimeoutMs ?? 60_000, [serverLog, stdoutLog]);
    } catch (error) {
      await halt();
      // Another process can grab a probed port before the JVM binds it (~2 s later): try new ports.
      if (attempt < 3 && /Address already in use|BindException/.test(errorMessage(error))) {
        log(`[kafka] port taken before Kafka could bind it, retrying (${attempt}/3)`);
        continue;
      }
      await removeData();
      throw error;
    }
    log(`[kafka] ready at ${brokers} (pid ${pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${logsDir}`);
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        await halt();
        await removeData();
      })());
    return { brokers, pid, stop };
  }
}

async function formatStorage(libDir: string, log4jConfig: string, serverConfig: string, dataDir: string): Promise<void> {
  const format = await runCommand(
    'java',
    ['-Xmx256m', '-XX:TieredStopAtLevel=1', ...jvmBaseArgs(libDir, log4jConfig), 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', serverConfig],
    { cwd: dataDir },
  ).catch((error: unknown) => {
    throw javaMissing(error);
  });
  if (format.code !== 0) {
    throw new Error(`devstack: Kafka storage format failed (exit ${format.code}):\n${format.output.slice(-4000)}`);
  }
}

function spawnBroker(libDir: string, log4jConfig: string, serverConfig: string, stdoutLog: string, dataDir: string, heapMb: number): ChildProcess {
  const out = openSync(stdoutLog, 'w');
  try {
    const child = spawn(
      'java',
      [`-Xmx${heapMb}m`, '-Xms128m', '-XX:+ExitOnOutOfMemoryError', ...jvmBaseArgs(libDir, log4jConfig), 'kafka.Kafka', serverConfig],
      // Own process group: terminal signals stay with Node; stdio goes to a file, never to a pipe that dies with us.
      { cwd: dataDir, detached: true, stdio: ['ignore', out, out] },
    );
    // ENOENT surfaces synchronously as a missing pid; the later 'error' event must not crash the process.
    child.once('error', () => undefined);
    if (child.pid === undefined) {
      throw new Error("devstack: could not start 'java'. Is a JDK 17+ on PATH? (e.g. apt-get install openjdk-17-jdk-headless)");
    }
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}
