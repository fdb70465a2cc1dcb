import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startAppStack, WebhookReceiver, type AppStack, type ServiceName } from '@vir/devstack';

export const ROOT_DIR = join(__dirname, '..', '..', '..');

export interface E2eStack {
  stack: AppStack;
  webhooks: WebhookReceiver;
  namespace: string;
  stop(): Promise<void>;
}

/**
 * The three services as real processes, against the Kafka and PostgreSQL of the global setup,
 * in a namespace of their own (topic prefix and schemas), with a webhook receiver as the parties.
 */
export async function startE2eStack(env?: Partial<Record<ServiceName, Record<string, string>>>, indexInstances = 1): Promise<E2eStack> {
  const kafkaBrokers = process.env.VIR_TEST_KAFKA_BROKERS;
  const databaseUrl = process.env.VIR_TEST_DATABASE_URL;
  if (!kafkaBrokers || !databaseUrl) throw new Error('The e2e global setup did not start the infrastructure');
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const webhooks = new WebhookReceiver();
  const webhookBase = await webhooks.start();
  try {
    const stack = await startAppStack({ rootDir: ROOT_DIR, kafkaBrokers, databaseUrl, webhookBase, namespace, log: () => undefined, env, indexInstances });
    return {
      stack,
      webhooks,
      namespace,
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

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
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
