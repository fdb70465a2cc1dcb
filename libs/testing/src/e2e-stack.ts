import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { clientTlsOf, ensureDevPki, startAppStack, WebhookReceiver, webhookTlsOf, type AppStack, type DevParty, type ServiceName } from '@vir/devstack';
import type { TestTls } from './https-client';

export const ROOT_DIR = join(__dirname, '..', '..', '..');

export interface E2eStack {
  stack: AppStack;
  webhooks: WebhookReceiver;
  namespace: string;
  /** A party's mutual-TLS client credentials (by party or PKI name), for the gateway's party port. */
  as(party: DevParty | string): TestTls;
  stop(): Promise<void>;
}

export interface E2eStackOptions {
  /** A throw-away PKI directory instead of certs/dev (e.g. to revoke certificates freely). */
  pkiDir?: string;
}

/**
 * The three services as real processes, against the Kafka and PostgreSQL of the global setup,
 * in a namespace of their own (topic prefix and schemas), with a webhook receiver (HTTPS, mutual
 * TLS) as the parties.
 */
export async function startE2eStack(env?: Partial<Record<ServiceName, Record<string, string>>>, indexInstances = 1, options: E2eStackOptions = {}): Promise<E2eStack> {
  const kafkaBrokers = process.env.VIR_TEST_KAFKA_BROKERS;
  const databaseUrl = process.env.VIR_TEST_DATABASE_URL;
  if (!kafkaBrokers || !databaseUrl) throw new Error('The e2e global setup did not start the infrastructure');
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const pki = await ensureDevPki(ROOT_DIR, undefined, options.pkiDir);
  const webhooks = new WebhookReceiver();
  const webhookBase = await webhooks.start({ tls: webhookTlsOf(pki) });
  try {
    const stack = await startAppStack({ rootDir: ROOT_DIR, kafkaBrokers, databaseUrl, webhookBase, namespace, log: () => undefined, env, indexInstances, pkiDir: options.pkiDir });
    return {
      stack,
      webhooks,
      namespace,
      as: (party) => clientTlsOf(stack.pki, typeof party === 'string' ? party : party.name),
      stop: async () => {
        await stack.stop();
        await webhooks.stop();
      },
    };
  } catch (err) {
    await webhooks.stop();
    throw err;
  }
}

export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
