import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { TopicSpec } from '@vir/contracts';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
}

/** kafkajs logs through our logger at WARN and above, as JSON-free one-liners. */
export function createKafka(opts: KafkaConnectionOptions, warn: (line: string) => void = () => undefined): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      // Our producers are idempotent with bounded retries on purpose (a send that cannot
      // complete must fail the request, not hang); consumers dedupe by message id.
      if (entry.log.message.startsWith('Limiting retries for the idempotent producer')) return;
      if (entry.level <= logLevel.WARN) warn(`[kafkajs] ${entry.log.message}`);
    },
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/**
 * Creates missing topics with their declared partition counts (auto-create is off on our
 * brokers) and fails loudly when an existing topic has fewer partitions than declared.
 */
export async function ensureTopics(kafka: Kafka, declared: TopicSpec[], topicPrefix = '', replicationFactor = 1): Promise<void> {
  const specs = declared.map((s) => ({ ...s, name: topicPrefix + s.name }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      // Several services may race to create the same topics; the metadata check below decides.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor,
          configEntries: [
            ...(s.retentionMs ? [{ name: 'retention.ms', value: String(s.retentionMs) }] : []),
            ...(s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
          ],
        })),
      }).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
    }
    // Fresh topics need a moment before every partition has a leader.
    for (let attempt = 1; ; attempt++) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
        for (const spec of specs) {
          const t = meta.topics.find((x) => x.name === spec.name);
          if (!t || t.partitions.length < spec.partitions) {
            throw new Error(`Topic ${spec.name} has ${t?.partitions.length ?? 0} partitions, ${spec.partitions} declared`);
          }
          if (t.partitions.some((p) => p.leader < 0 || p.partitionErrorCode !== 0)) {
            throw new Error(`Topic ${spec.name} has partitions without a leader yet`);
          }
        }
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
