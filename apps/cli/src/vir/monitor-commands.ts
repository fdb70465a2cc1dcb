import { CONSUMER_GROUPS, TOPICS } from '@vir/contracts';
import { createKafka } from '@vir/messaging';
import { openDataSource } from '@vir/persistence';
import { FlowEventRow } from '../../../monitor/src/flow/flow-event.entity';
import { MONITOR_MIGRATIONS } from '../../../monitor/src/migrations';
import { CliError, type CliIo } from './cli-io';

/**
 * `vir monitor rebuild`: the read model again from the flow-event topic. With every monitor
 * instance stopped: empties the read model (events, message summaries, aggregates; accounts,
 * sessions and the audit log stay) and moves the monitor's consumer group to the start of the
 * topic, so the next start ingests all the topic still holds. Refused while a monitor consumes.
 */
export async function monitorRebuild(io: CliIo): Promise<number> {
  const url = io.env.MONITOR_DATABASE_URL || io.env.DATABASE_URL;
  const brokers = io.env.KAFKA_BROKERS;
  if (!url || !brokers) throw new CliError("DATABASE_URL (the monitor's PostgreSQL) and KAFKA_BROKERS must be set");
  const schema = io.env.MONITOR_DATABASE_SCHEMA || io.env.DATABASE_SCHEMA || 'vir_monitor';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new CliError(`DATABASE_SCHEMA: not a schema name: ${schema}`);
  const prefix = io.env.KAFKA_TOPIC_PREFIX ?? '';
  const groupId = prefix + CONSUMER_GROUPS.monitor;
  const topic = prefix + TOPICS.flowEvents.name;

  const admin = createKafka({ brokers: brokers.split(','), clientId: 'vir-cli' }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const state = groups[0]?.state;
    if (state && state !== 'Empty' && state !== 'Dead') throw new CliError(`the consumer group ${groupId} is ${state}: stop every monitor instance first`, 1);
    const ds = await openDataSource({ url, schema, entities: [FlowEventRow], migrations: MONITOR_MIGRATIONS, applicationName: 'vir-cli', poolSize: 2 }); // openDataSource holds one connection while migrations take another
    try {
      await ds.query('TRUNCATE flow_event, message_summary, flow_minute, flow_day, figure_melding, figure_match_day, figure_signal');
      await ds.query("INSERT INTO console_audit (at, actor, action, outcome) VALUES ($1, 'cli', 'read-model-rebuild', 'ok')", [new Date().toISOString()]);
    } finally {
      await ds.destroy();
    }
    if (state === 'Empty') await admin.resetOffsets({ groupId, topic, earliest: true });
    io.err(`read model in ${schema} emptied; ${groupId} will read ${topic} from its start when the monitor starts\n`);
    return 0;
  } finally {
    await admin.disconnect();
  }
}
