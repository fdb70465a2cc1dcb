import 'reflect-metadata';
import { CONSUMER_GROUPS, TOPICS } from '@vir/contracts';
import { loadConfig } from '@vir/config';
import { SystemClock } from '@vir/domain';
import { exitOnFailure, runService } from '@vir/messaging';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

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
  });
}

main().catch(exitOnFailure);
