import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { MessageContract } from '@vir/contracts';

export interface OutgoingRecord<T extends object> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

/**
 * The one way to produce: every value is validated against its contract first. The producer
 * is idempotent with acks from all in-sync replicas, so an acknowledged send is durable.
 */
export class MessageBus {
  private readonly producer: Producer;
  private connected = false;

  /** `topicPrefix` lets several environments (or test runs) share one cluster. */
  constructor(
    kafka: Kafka,
    readonly topicPrefix = '',
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
  }

  async disconnect(): Promise<void> {
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect();
    }
  }

  async publish<T extends object>(contract: MessageContract<T>, records: OutgoingRecord<T>[]): Promise<void> {
    if (records.length === 0) return;
    const messages = records.map((r) => ({ key: r.key, value: contract.serialize(r.value), headers: r.headers }));
    await this.producer.send({ topic: this.topicPrefix + contract.topic.name, acks: -1, compression: CompressionTypes.None, messages });
  }

  /** Raw bytes, for relays that publish already-validated stored payloads (outbox); unprefixed topic name. */
  async publishRaw(topic: string, records: { key: string; value: Buffer | string }[]): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send({ topic: this.topicPrefix + topic, acks: -1, messages: records });
  }
}
