import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { Server } from 'node:http';
import { type DynamicModule, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Clock } from '@vir/domain';
import { FlowEventPublisher } from './flow-event.publisher';
import { KafkaConsumerTransport } from './kafka-consumer.transport';
import { MessageBus } from './message-bus';
import { KAFKA } from './messaging.module';

export interface ServiceOptions {
  name: string;
  module: DynamicModule;
  host: string;
  port: number;
  logLevel?: string;
  clock: Clock;
  /**
   * Awaited before a consumer commits the offsets of a processed Kafka batch: a service that writes
   * its chunks with asynchronous commit makes them durable here (the monitor's read model).
   */
  beforeOffsetCommit?: (app: INestApplication) => () => Promise<void>;
  /** One Kafka consumer (group) per entry. */
  consumer: ConsumerSpec | ConsumerSpec[];
  /** false: the app reads bodies itself (the gateway, for size limits and coded errors). */
  bodyParser?: boolean;
  /**
   * A second listener with the same routes over HTTPS (the gateway's mutual-TLS party port);
   * `host`/`port` above stay the plain-HTTP listener (health, operators).
   */
  https?: { host: string; port: number; options: HttpsServerOptions };
}

export interface ConsumerSpec {
  groupId: string;
  topics: string[];
  partitionsConcurrently?: number;
  /** Batch fetches (see KafkaConsumerTransportOptions.fetch): for consumers that need not see each record at once. */
  fetch?: { minBytes: number; maxWaitMs: number };
}

/** Starts one of our services: HTTP (health, APIs) plus its Kafka consumer, with clean shutdown. */
export async function runService(o: ServiceOptions): Promise<void> {
  const all: LogLevel[] = ['error', 'warn', 'log', 'debug'];
  const levels = all.slice(0, all.indexOf((o.logLevel ?? 'log') as LogLevel) + 1);
  const app = await NestFactory.create(o.module, { bodyParser: o.bodyParser ?? true, logger: levels });
  app.enableShutdownHooks();
  // Module hooks first (migrations, topics, producer), then the consumer.
  await app.init();
  const beforeCommit = o.beforeOffsetCommit?.(app);
  for (const consumer of Array.isArray(o.consumer) ? o.consumer : [o.consumer]) {
    app.connectMicroservice({
      strategy: new KafkaConsumerTransport({
        kafka: app.get(KAFKA),
        bus: app.get(MessageBus),
        now: () => o.clock.now(),
        flow: app.get(FlowEventPublisher),
        beforeCommit,
        ...consumer,
      }),
    });
  }
  await app.startAllMicroservices();
  let tls: Server | undefined;
  if (o.https) {
    const { host, port, options } = o.https;
    const server = createHttpsServer(options, app.getHttpAdapter().getInstance());
    // Parties keep connections open between requests: a server closing an idle connection at the
    // moment a client reuses it makes that request fail (ECONNRESET), so idle connections live long
    // (as behind the usual load balancers), and clients close them first.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    tls = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }
  await app.listen(o.port, o.host);
  if (tls) {
    const server = tls;
    // Closed with the main listener (Nest's shutdown closes that one).
    (app.getHttpServer() as Server).once('close', () => {
      server.close();
      server.closeAllConnections();
    });
    console.log(`${o.name} parties on https://${o.https!.host}:${o.https!.port} (mutual TLS)`);
  }
  console.log(`${o.name} ready on http://${o.host}:${o.port}`);
}

/** For main.ts: a readable one-line failure (e.g. a configuration error) and exit code 1. */
export function exitOnFailure(err: unknown): never {
  // A configuration error is a readable list; anything else gets its stack for the operator.
  console.error(err instanceof Error ? (err.name === 'ConfigError' ? err.message : (err.stack ?? err.message)) : String(err));
  process.exit(1);
}
