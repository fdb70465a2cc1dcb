import type { Kafka } from 'kafkajs';
import { CONSUMER_GROUPS, TOPICS } from '@vir/contracts';
import type { Clock } from '@vir/domain';

export interface LagRow {
  group: string;
  topic: string;
  /** Records on the topic the group has not consumed yet (sum over partitions). */
  lag: number;
  partitions: number;
}

/** What each consumer group reads (the groups of the three services). */
export const WATCHED: { group: string; topic: string }[] = [
  { group: CONSUMER_GROUPS.index, topic: TOPICS.inbound.name },
  { group: CONSUMER_GROUPS.gateway, topic: TOPICS.outbound.name },
  { group: CONSUMER_GROUPS.monitor, topic: TOPICS.flowEvents.name },
];

/**
 * Lag of one group on one topic (pure): per partition the end offset minus the committed one; a
 * partition without a committed offset counts from the earliest record still kept.
 */
export function lagOf(ends: { partition: number; high: string; low: string }[], committed: { partition: number; offset: string }[]): number {
  const done = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  let lag = 0;
  for (const p of ends) {
    const high = Number(p.high);
    const at = done.get(p.partition);
    lag += Math.max(0, high - (at === undefined || at < 0 ? Number(p.low) : at));
  }
  return lag;
}

/** Consumer lag per group and topic from the Kafka admin API, cached for a few seconds (every Overview view would ask otherwise). */
export class ConsumerLag {
  private cached?: { at: number; rows: LagRow[] | undefined };

  constructor(
    private readonly kafka: Kafka,
    private readonly topicPrefix: string,
    private readonly clock: Clock,
    private readonly cacheMs = 5_000,
  ) {}

  /** undefined when Kafka cannot be asked now (the page says so instead of failing). */
  async current(): Promise<LagRow[] | undefined> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.rows;
    const rows = await this.fetch().catch(() => undefined);
    this.cached = { at: now, rows };
    return rows;
  }

  private async fetch(): Promise<LagRow[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await Promise.all(
        WATCHED.map(async ({ group, topic }) => {
          const ends = await admin.fetchTopicOffsets(this.topicPrefix + topic);
          const [committed] = await admin.fetchOffsets({ groupId: this.topicPrefix + group, topics: [this.topicPrefix + topic] });
          return { group, topic, lag: lagOf(ends, committed?.partitions ?? []), partitions: ends.length };
        }),
      );
    } finally {
      await admin.disconnect();
    }
  }
}
