import { join } from 'node:path';
// Jest loads global setup outside its module mapper, so no @vir/* alias here: the launcher
// module needs only its own folder.
import { startInfrastructure } from '../../devstack/src/infrastructure.launcher';
import type { Infrastructure } from '../../devstack/src/devstack.types';

declare global {
  var __VIR_INFRA__: Infrastructure | undefined;
}

/**
 * Starts the real Kafka and PostgreSQL once for all integration/e2e tests (or uses
 * KAFKA_BROKERS / DATABASE_URL when set). Test files share them, separated by namespaces.
 */
export default async function globalSetup(): Promise<void> {
  const rootDir = join(__dirname, '..', '..', '..');
  const infra = await startInfrastructure({
    rootDir,
    ephemeralPostgres: true,
    kafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    databaseUrl: process.env.DATABASE_URL || undefined,
    log: (line) => process.stderr.write(`[infra] ${line}\n`),
  });
  globalThis.__VIR_INFRA__ = infra;
  process.env.VIR_TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.VIR_TEST_DATABASE_URL = infra.databaseUrl;
  // The local Kafka keeps its data under .cache/run/<this pid>-*: the privacy test scans it.
  process.env.VIR_TEST_RUN_PID = String(process.pid);
}
