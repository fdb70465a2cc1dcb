import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, RpcException, Server } from '@nestjs/microservices';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { Contracts } from '@vir/contracts';
import type { MessageBus } from './message-bus';

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
}

/**
 * A Nest transport strategy over kafkajs with explicit commit control: handlers registered
 * with @EventPattern(topicName) are awaited one record at a time per partition, and an
 * offset is committed only after its handler finished (at-least-once; handlers are idempotent).
 */
export class KafkaConsumerTransport extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private readonly log = new Logger(KafkaConsumerTransport.name);

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
    const consumer = kafka.consumer({ groupId: bus.topicPrefix + groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => bus.topicPrefix + t), fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          await this.handle(batch.topic.slice(bus.topicPrefix.length), batch.partition, message);
          resolveOffset(message.offset);
          await heartbeat();
        }
        await commitOffsetsIfNecessary();
      },
    });
  }

  private async handle(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`No handler for ${topic}`);
    const record: KafkaRecord = {
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      value: message.value,
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v ?? '')])),
      timestamp: message.timestamp,
    };
    try {
      const result = await handler(record);
      // Handlers may return an Observable; drain it so its side effects complete first.
      if (result && typeof (result as { subscribe?: unknown }).subscribe === 'function') {
        await new Promise<void>((resolve, reject) => this.transformToObservable(result).subscribe({ complete: resolve, error: reject }));
      }
    } catch (err) {
      const permanent = permanentFailure(err);
      if (!permanent) throw err;
      this.log.warn(`Dead-lettering ${topic}[${partition}]@${message.offset}: ${permanent.code}`);
      await this.options.bus.publish(Contracts.deadLetter, [
        {
          key: `${topic}:${partition}:${message.offset}`,
          value: {
            sourceTopic: topic,
            consumerGroup: this.options.bus.topicPrefix + this.options.groupId,
            code: permanent.code,
            reason: permanent.reason.slice(0, 1000),
            at: this.options.now().toISOString(),
            valueBase64: (message.value ?? Buffer.alloc(0)).toString('base64'),
          },
        },
      ]);
    }
  }

  async close(): Promise<void> {
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
