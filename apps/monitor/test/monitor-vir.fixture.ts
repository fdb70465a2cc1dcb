import { ROOT_DIR, type E2eStack } from '@vir/testing';
import type { CliIo } from '../../cli/src/vir/cli-io';
import { runVir } from '../../cli/src/vir/vir-cli';

/** `vir …` in-process against a test stack's monitor schema (and its Kafka, for commands that need it); the exit code. */
export function monitorVir(stack: () => E2eStack): (args: string[], stdin?: string) => Promise<number> {
  return (args, stdin = '') => {
    const e2e = stack();
    const io: CliIo = {
      out: () => undefined,
      err: () => undefined,
      read: async () => stdin,
      write: async () => undefined,
      now: () => new Date(),
      env: { DATABASE_URL: process.env.VIR_TEST_DATABASE_URL, DATABASE_SCHEMA: `${e2e.namespace}_monitor`, KAFKA_BROKERS: process.env.VIR_TEST_KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: `${e2e.namespace}.` },
      cwd: ROOT_DIR,
    };
    return runVir(args, io);
  };
}
