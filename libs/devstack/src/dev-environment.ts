import { ensureDevPki, startAppStack, webhookTlsOf, type AppStack } from './app-stack';
import type { DevstackLog, Infrastructure } from './devstack.types';
import { startInfrastructure } from './infrastructure.launcher';

import { WebhookReceiver, type Delivery } from './webhook-receiver';

export interface DevEnvironment {
  infra: Infrastructure;
  stack: AppStack;
  webhooks: WebhookReceiver;
  stop(): Promise<void>;
}

export interface DevEnvironmentOptions {
  rootDir: string;
  log: DevstackLog;
  /** PostgreSQL data folder name under .cache/postgres (kept between runs). */
  instance: string;
  /** A throw-away database for this run (the demo), removed on stop. */
  ephemeral?: boolean;
  /** External infrastructure (production-like); when absent, started here. */
  kafkaBrokers?: string;
  databaseUrl?: string;
  echo?: boolean;
  onDelivery?: (d: Delivery) => void;
  namespace?: string;
  /** Extra node options for every service (a benchmark's --cpu-prof). */
  nodeArgs?: string[];
}

/** Everything `npm start` and `npm run demo` need: infrastructure, the three services, demo parties. */
export async function startDevEnvironment(o: DevEnvironmentOptions): Promise<DevEnvironment> {
  const infra = await startInfrastructure({ rootDir: o.rootDir, postgresInstance: o.instance, ephemeralPostgres: o.ephemeral, log: o.log, kafkaBrokers: o.kafkaBrokers, databaseUrl: o.databaseUrl });
  const webhooks = new WebhookReceiver(o.onDelivery);
  try {
    const webhookBase = await webhooks.start({ tls: webhookTlsOf(await ensureDevPki(o.rootDir)) });
    const stack = await startAppStack({
      rootDir: o.rootDir,
      kafkaBrokers: infra.kafkaBrokers,
      databaseUrl: infra.databaseUrl,
      webhookBase,
      log: o.log,
      echo: o.echo,
      namespace: o.namespace,
      nodeArgs: o.nodeArgs,
    });
    let stopping: Promise<void> | undefined;
    return {
      infra,
      stack,
      webhooks,
      stop: () =>
        (stopping ??= (async () => {
          await stack.stop();
          await webhooks.stop();
          await infra.stop();
        })()),
    };
  } catch (err) {
    await webhooks.stop();
    await infra.stop();
    throw err;
  }
}
