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
      // A few milliseconds of waiting turn a trickle of fetches into chunks (the broker's CPU, and ours).
      { groupId: CONSUMER_GROUPS.index, topics: [TOPICS.inbound.name], partitionsConcurrently: config.PARTITIONS_CONCURRENTLY, fetch: { minBytes: 64 * 1024, maxWaitMs: 10 } },
      { groupId: CONSUMER_GROUPS.indexPartySettings, topics: [TOPICS.partySettings.name] },
    ],
  });
}

main().catch(exitOnFailure);
