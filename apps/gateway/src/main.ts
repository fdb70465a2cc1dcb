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
    consumer: { groupId: CONSUMER_GROUPS.gateway, topics: [TOPICS.outbound.name] },
    bodyParser: false,
    https: { host: config.TLS_HOST, port: config.TLS_PORT, options: partyTlsOptions(config) },
  });
}

main().catch(exitOnFailure);
