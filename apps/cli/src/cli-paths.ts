import { resolve } from 'node:path';

/** The repository root, from dist/apps/cli/src (compiled) or apps/cli/src (ts). */
export const ROOT_DIR = resolve(__dirname, __dirname.includes(`${'/'}dist${'/'}`) ? '../../../..' : '../../..');

/** Production-like runs pass these; locally they are absent and the infrastructure is started. */
export function externalInfrastructure(env: NodeJS.ProcessEnv): { kafkaBrokers?: string; databaseUrl?: string } {
  return { kafkaBrokers: env.KAFKA_BROKERS || undefined, databaseUrl: env.DATABASE_URL || undefined };
}
