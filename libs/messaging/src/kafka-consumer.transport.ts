import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, RpcException, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Contracts } from '@vir/contracts';
import type { FlowEventPublisher } from './flow-event.publisher';
import type { MessageBus } from './message-bus';
import { nameBasedId } from './name-based-id';

/** What a handler receives: the raw record; the handler parses it with its contract. */
export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/**
 * Thrown by a handler for a message that can never be processed (contract violation,
 * undecodable). The transport parks it on the dead-letter topic and moves on; any other
 * error is retried, so a database outage never skips a message. An RpcException, because Nest
 * hands a handler's exception to the transport as `getError()` of an RpcException only.
 */
export class PermanentMessageError extends RpcException {
  constructor(
    readonly code: string,
    reason: string,
  ) {
    super({ permanent: true, code, reason });
    this.message = reason;
    this.name = 'PermanentMessageError';
  }
}

/** The permanent failure in what a handler threw, as it arrives through Nest's RPC proxy. */
/** kafkajs's rebalance errors (its own isRebalancing is not exported). */
function isRebalancing(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION';
}

function permanentFailure(err: unknown): { code: string; reason: string } | undefined {
  if (err instanceof PermanentMessageError) return { code: err.code, reason: err.message };
  const e = err as { permanent?: unknown; code?: unknown; reason?: unknown } | null;
  if (e && typeof e === 'object' && e.permanent === true && typeof e.code === 'string') return { code: e.code, reason: String(e.reason ?? '') };
  return undefined;
}

export interface KafkaConsumerTransportOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Used for the dead-letter topic; its topic prefix applies to topics and the group. */
  bus: MessageBus;
  now: () => Date;
  /** Partitions processed concurrently by this instance (ordering holds within a partition). */
  partitionsConcurrently?: number;
  /** Announces each dead letter as a `consumer.dead-lettered` flow event (the monitor alerts on it). */
  flow?: FlowEventPublisher;
  /**
   * For a consumer that need not see each record at once: the broker answers a fetch when it has
   * `minBytes`, or after `maxWaitMs`. Fewer, larger fetches (the broker's CPU) instead of one per
   * record as they trickle in. Unset (DEFAULT_FETCH): a long poll, answered as soon as one record
   * is there, and records that come while a chunk is processed make the next chunk. (A short
   * maxWaitMs with a large minBytes, 10 ms / 64 KiB as the gateway and index had, costs 100 fetches
   * a second per idle consumer: at 10 meldingen/s the stack burnt 0.94 cores instead of 0.57, and at
   * 100/s the end-to-end p99 was 1,448 ms instead of 554 ms; README, Performance.)
   */
  fetch?: { minBytes: number; maxWaitMs: number };
  /**
   * Awaited before processed offsets are committed. Lets a handler write its chunks with
   * asynchronous commit (no WAL flush per chunk) and flush once per offset commit, so no committed
   * offset ever stands for a write that a database crash could lose.
   */
  beforeCommit?: () => Promise<void>;
  /**
   * Processed offsets are committed at most this often (default 500 ms), not after every batch:
   * at most this much processed work comes again after a crash (handlers are idempotent).
   */
  commitIntervalMs?: number;
}

/** A long poll; an idle consumer asks again every 0.5 s (which also bounds how long stopping waits for a fetch). */
export const DEFAULT_FETCH = { minBytes: 1, maxWaitMs: 500 } as const;


/** One partition's small batch waiting to be handled together with others (see gather). */
interface GatheredPart {
  partition: number;
  messages: KafkaMessage[];
  go: () => boolean;
}

interface Gathering {
  parts: GatheredPart[];
  /** The parts whose records were handled. */
  done: Promise<Set<GatheredPart>>;
}

const recordsIn = (g: Gathering) => g.parts.reduce((n, p) => n + p.messages.length, 0);

/** A record a batch handler could never process: parked on the dead-letter topic with its reason. */
export interface DeadLetter {
  record: KafkaRecord;
  code: string;
  reason: string;
}

/**
 * Marks an @EventPattern handler as a batch handler: `@EventPattern(topic, batchHandler(200))`.
 * It receives up to `maxRecords` records as `KafkaRecord[]`, each partition's in order: consecutive
 * records of one partition, or the small batches of several partitions that one fetch brought,
 * together. It returns the ones it could never process (`DeadLetter[]`); throwing means "retry the
 * chunk". Why: one database transaction per chunk instead of per record is what lets the index
 * keep up, and per fetch instead of per partition what keeps it cheap when records trickle in.
 */
export function batchHandler(maxRecords: number): { batch: number } {
  if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new Error('batchHandler: maxRecords must be a positive integer');
  return { batch: maxRecords };
}

/**
 * A Nest transport strategy over kafkajs with explicit commit control: handlers registered
 * with @EventPattern(topicName) are awaited one record at a time per partition (or one chunk at
 * a time, see batchHandler), and an offset is committed only after its handler finished
 * (at-least-once; handlers are idempotent).
 */
export class KafkaConsumerTransport extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private readonly log = new Logger(KafkaConsumerTransport.name);
  /** Per partition, the next offset to consume once everything before it was processed. */
  private readonly processed = new Map<string, { topic: string; partition: number; offset: string }>();
  private commitTimer?: NodeJS.Timeout;
  private committing: Promise<void> = Promise.resolve();
  private closing = false;
  /** Per topic, the chunk that small partition batches of one fetch are joining. */
  private readonly gathering = new Map<string, Gathering>();
  /** Batches being processed (close() waits for them before the last commit). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: KafkaConsumerTransportOptions) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async start(): Promise<void> {
    const { kafka, groupId, topics, bus } = this.options;
    for (const topic of topics) {
      if (!this.getHandlerByPattern(topic)) throw new Error(`No @EventPattern handler for topic ${topic}`);
    }
    // Handlers are registered under the declared topic name; the cluster may carry a prefix.
    const consumer = kafka.consumer({
      groupId: bus.topicPrefix + groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      minBytes: (this.options.fetch ?? DEFAULT_FETCH).minBytes,
      maxWaitTimeInMs: (this.options.fetch ?? DEFAULT_FETCH).maxWaitMs,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => bus.topicPrefix + t), fromBeginning: true });
    // After a rebalance, offsets of partitions this instance no longer has are not ours to commit.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}:${p}`)));
      for (const key of this.processed.keys()) if (!assigned.has(key)) this.processed.delete(key);
    });
    // Our own offset commits: kafkajs's autoCommit commits after every batch whatever its interval
    // (one OffsetCommit request per batch, a third of the broker's requests at 200 meldingen/s,
    // and one beforeCommit flush per batch). We commit what was processed, on a timer.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachBatch: async (payload) => {
        const done = this.processBatch(payload);
        this.inFlight.add(done);
        try {
          await done;
        } finally {
          this.inFlight.delete(done);
        }
      },
    });
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const topic = batch.topic.slice(this.options.bus.topicPrefix.length);
    const chunk = (this.getHandlerByPattern(topic)?.extras as { batch?: number } | undefined)?.batch;
    const go = () => isRunning() && !isStale() && !this.closing;
    const step = async (last: string) => {
      resolveOffset(last);
      this.markProcessed(batch.topic, batch.partition, last);
      try {
        await heartbeat();
      } catch (err) {
        // A rebalance: commit what was processed while this instance still holds the partitions.
        if (isRebalancing(err)) await this.commitProcessed();
        throw err;
      }
    };
    if (chunk && batch.messages.length <= chunk) {
      // A small batch waits one turn of the event loop for the other partitions' batches of the
      // same fetch, and they go to the handler as one chunk (when together they fit): one
      // transaction instead of one per partition when records trickle in.
      const joined = await this.gather(topic, chunk, { partition: batch.partition, messages: batch.messages, go });
      if (joined) await step(batch.messages[batch.messages.length - 1].offset);
    } else if (chunk) {
      for (let i = 0; i < batch.messages.length && go(); i += chunk) {
        const messages = batch.messages.slice(i, i + chunk);
        await this.handleChunk(topic, messages.map((m) => KafkaConsumerTransport.record(topic, batch.partition, m)));
        await step(messages[messages.length - 1].offset);
      }
    } else {
      for (let i = 0; i < batch.messages.length && go(); i++) {
        await this.handle(topic, batch.partition, batch.messages[i]);
        await step(batch.messages[i].offset);
      }
    }
  }

  /**
   * Adds a partition's small batch to the topic's gathering chunk (started now if there is none,
   * or if this batch would not fit) and resolves when that chunk was handled: true when this
   * batch's records were in it, false when it was skipped (stopping, or the partition was sought).
   */
  private gather(topic: string, chunk: number, part: GatheredPart): Promise<boolean> {
    let g = this.gathering.get(topic);
    if (!g || recordsIn(g) + part.messages.length > chunk) {
      // A full one is left to its turn of the event loop; later batches start another.
      const parts: GatheredPart[] = [];
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        if (this.gathering.get(topic)?.parts === parts) this.gathering.delete(topic);
        const taken = new Set(parts.filter((x) => x.go()));
        const records = [...taken].flatMap((x) => x.messages.map((m) => KafkaConsumerTransport.record(topic, x.partition, m)));
        if (records.length > 0) await this.handleChunk(topic, records);
        return taken;
      });
      this.gathering.set(topic, (g = { parts, done }));
    }
    g.parts.push(part);
    return g.done.then((taken) => taken.has(part));
  }

  private markProcessed(topic: string, partition: number, offset: string): void {
    this.processed.set(`${topic}:${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    this.commitTimer ??= setTimeout(() => void this.commitProcessed(), this.options.commitIntervalMs ?? 500);
  }

  /**
   * Commits the offsets processed so far (after beforeCommit), one commit at a time. A commit that
   * fails is not retried: those records come again (to this instance or, after a rebalance, to
   * another), and handlers are idempotent.
   */
  private commitProcessed(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.committing = this.committing.then(async () => {
      const consumer = this.consumer;
      if (!consumer || this.processed.size === 0) return;
      const offsets = [...this.processed.values()];
      this.processed.clear();
      try {
        if (this.options.beforeCommit) await this.options.beforeCommit();
        await consumer.commitOffsets(offsets);
      } catch (err) {
        this.log.warn(`Offset commit failed (those records will be processed again): ${(err as Error).message}`);
      }
    });
    return this.committing;
  }

  private static record(topic: string, partition: number, message: KafkaMessage): KafkaRecord {
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      value: message.value,
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v ?? '')])),
      timestamp: message.timestamp,
    };
  }

  /** Awaits what a handler returned: a promise, or an Observable drained to its last value. */
  private async settle(result: unknown): Promise<unknown> {
    const value = await result;
    if (value && typeof (value as { subscribe?: unknown }).subscribe === 'function') {
      let last: unknown;
      await new Promise<void>((resolve, reject) =>
        this.transformToObservable(value).subscribe({ next: (v) => (last = v), complete: resolve, error: reject }),
      );
      return last;
    }
    return value;
  }

  private async handle(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`No handler for ${topic}`);
    const record = KafkaConsumerTransport.record(topic, partition, message);
    try {
      await this.settle(handler(record));
    } catch (err) {
      const permanent = permanentFailure(err);
      if (!permanent) throw err;
      await this.deadLetter([{ record, ...permanent }]);
    }
  }

  private async handleChunk(topic: string, records: KafkaRecord[]): Promise<void> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`No handler for ${topic}`);
    const dead = (await this.settle(handler(records))) as DeadLetter[] | undefined;
    if (dead && dead.length > 0) await this.deadLetter(dead);
  }

  private async deadLetter(dead: DeadLetter[]): Promise<void> {
    for (const d of dead) this.log.warn(`Dead-lettering ${d.record.topic}[${d.record.partition}]@${d.record.offset}: ${d.code}`);
    await this.options.bus.publish(
      Contracts.deadLetter,
      dead.map(({ record, code, reason }) => ({
        key: `${record.topic}:${record.partition}:${record.offset}`,
        value: {
          sourceTopic: record.topic,
          consumerGroup: this.options.bus.topicPrefix + this.options.groupId,
          code,
          reason: reason.slice(0, 1000),
          at: this.options.now().toISOString(),
          valueBase64: (record.value ?? Buffer.alloc(0)).toString('base64'),
        },
      })),
    );
    const group = this.options.bus.topicPrefix + this.options.groupId;
    for (const { record, code } of dead) {
      const where = `${record.topic}[${record.partition}]@${record.offset}`;
      // Its message id is derived from where the record was, so a repeat shows in one trace.
      await this.options.flow?.emit({ messageId: nameBasedId(`${group}|${where}`), step: 'consumer.dead-lettered', outcome: 'failed', code, detail: `${where} group ${group}`.slice(0, 500) });
    }
  }

  async close(): Promise<void> {
    // Let running batches finish (no new ones start), commit what they processed, then leave.
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    await this.commitProcessed();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  on(): void {
    throw new Error('KafkaConsumerTransport does not support event listeners');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('Not listening');
    return this.consumer as T;
  }
}
