import 'reflect-metadata';
import { CONSUMER_GROUPS, TOPICS } from '@vir/contracts';
import { loadConfig } from '@vir/config';
import { SystemClock } from '@vir/domain';
import { exitOnFailure, runService } from '@vir/messaging';
import { IndexConfig } from './index.config';
import { IndexModule } from './index.module';

async function main(): Promise<void> {
  const config = loadConfig(IndexConfig, process.env);
  const clock = new SystemClock();
  return runService({
    name: 'vir-index',
    module: IndexModule.forRoot(config, clock),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    clock,
    consumer: [
      { groupId: CONSUMER_GROUPS.index, topics: [TOPICS.inbound.name], partitionsConcurrently: config.PARTITIONS_CONCURRENTLY },
      { groupId: CONSUMER_GROUPS.indexPartySettings, topics: [TOPICS.partySettings.name] },
    ],
  });
}

main().catch(exitOnFailure);
