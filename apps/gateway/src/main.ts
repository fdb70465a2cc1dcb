import 'reflect-metadata';
import { CONSUMER_GROUPS, TOPICS } from '@vir/contracts';
import { loadConfig } from '@vir/config';
import { SystemClock } from '@vir/domain';
import { exitOnFailure, runService } from '@vir/messaging';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { partyTlsOptions } from './gateway-tls';

async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig, process.env);
  const clock = new SystemClock();
  return runService({
    name: 'vir-gateway',
    module: GatewayModule.forRoot(config, clock),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    clock,
    // A few milliseconds of waiting turn a trickle of fetches into chunks (the broker's CPU, and ours).
    consumer: { groupId: CONSUMER_GROUPS.gateway, topics: [TOPICS.outbound.name], fetch: { minBytes: 64 * 1024, maxWaitMs: 10 } },
    bodyParser: false,
    https: { host: config.TLS_HOST, port: config.TLS_PORT, options: partyTlsOptions(config) },
  });
}

main().catch(exitOnFailure);
