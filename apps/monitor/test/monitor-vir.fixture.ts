import { ROOT_DIR, type E2eStack } from '@vir/testing';
import { memoryIo } from '../../cli/src/vir/cli-io';
import { runVir } from '../../cli/src/vir/vir-cli';

/** `vir …` in-process against a test stack's monitor schema (and its Kafka, for commands that need it): exit code and output. */
export function monitorVirRun(stack: () => E2eStack): (args: string[], stdin?: string) => Promise<{ code: number; out: string; err: string }> {
  return async (args, stdin = '') => {
    const e2e = stack();
    const env = { DATABASE_URL: process.env.VIR_TEST_DATABASE_URL, DATABASE_SCHEMA: `${e2e.namespace}_monitor`, KAFKA_BROKERS: process.env.VIR_TEST_KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: `${e2e.namespace}.` };
    const io = memoryIo({ env, cwd: ROOT_DIR, stdin });
    const code = await runVir(args, io);
    return { code, ...io.output() };
  };
}

/** The same, the exit code only. */
export function monitorVir(stack: () => E2eStack): (args: string[], stdin?: string) => Promise<number> {
  const run = monitorVirRun(stack);
  return async (args, stdin) => (await run(args, stdin)).code;
}
