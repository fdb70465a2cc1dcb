import 'reflect-metadata';
import { CONSUMER_GROUPS, TOPICS } from '@vir/contracts';
import { ConfigError, loadConfig } from '@vir/config';
import { SystemClock } from '@vir/domain';
import { exitOnFailure, runService } from '@vir/messaging';
import { parseHealthUrls } from './alerts/alert.sources';
import { MonitorConfig } from './monitor.config';
import { MonitorModule } from './monitor.module';
import { ReadModelStore } from './read-model/read-model.store';

async function main(): Promise<void> {
  const config = loadConfig(MonitorConfig, process.env);
  if (config.AGGREGATE_RETENTION_DAYS < config.RAW_RETENTION_DAYS) throw new ConfigError(['AGGREGATE_RETENTION_DAYS: must be at least RAW_RETENTION_DAYS (aggregates outlive raw events)']);
  try {
    parseHealthUrls(config.ALERT_HEALTH_URLS);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  const clock = new SystemClock();
  return runService({
    name: 'vir-monitor',
    module: MonitorModule.forRoot(config, clock),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    clock,
    // Flow events need not be seen the moment they come: fetched in batches of up to 250 ms (the
    // broker then answers a few fetches a second instead of one per trickle of events).
    consumer: { groupId: CONSUMER_GROUPS.monitor, topics: [TOPICS.flowEvents.name, TOPICS.deadLetter.name], fetch: { minBytes: 256 * 1024, maxWaitMs: 250 } },
    // The read model's chunks are committed asynchronously: made durable before offsets are committed.
    beforeOffsetCommit: (app) => {
      const store = app.get(ReadModelStore);
      return () => store.durable();
    },
  });
}

main().catch(exitOnFailure);
