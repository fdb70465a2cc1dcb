import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { MessageContract } from '@vir/contracts';

export interface OutgoingRecord<T extends object> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

const REQUEST_BYTES = 512 * 1024;
const size = (v: Message['value']) => (v === null ? 0 : typeof v === 'string' ? v.length : v.length);

interface Queued {
  topic: string;
  messages: Message[];
  done: (err?: unknown) => void;
  /** Set for records that may wait for a request to ride with (see publish): when they were queued. */
  lingerSince?: number;
}

export interface PublishOptions {
  /**
   * The records may wait up to the bus's `lingerMs` for another send to go out with (flow events):
   * a produce request of their own costs the sender, the broker and the process woken by it more
   * than the records themselves. The promise settles when they are on the broker.
   */
  linger?: boolean;
}

/**
 * The one way to produce: every value is validated against its contract first. The producer
 * is idempotent with acks from all in-sync replicas, so an acknowledged send is durable.
 *
 * The idempotent producer allows one request in flight (that is what keeps order exact across
 * retries), so sends are coalesced: everything published while a request is in flight goes out
 * together in the next one (one produce request for many callers, several topics at once), and
 * each caller's promise settles with the request that carried its records. Without this, 32
 * concurrent gateway requests queued behind each other one broker round trip at a time.
 */
export class MessageBus {
  private readonly producer: Producer;
  private connected = false;
  private queue: Queued[] = [];
  private sending = false;
  private lingerTimer?: NodeJS.Timeout;

  /** `topicPrefix` lets several environments (or test runs) share one cluster. */
  constructor(
    kafka: Kafka,
    readonly topicPrefix = '',
    /** How long records published with `linger` wait at most for a request to ride with. */
    private readonly lingerMs = 20,
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
      // Lingering records go out now.
      while (this.sending) await new Promise((r) => setTimeout(r, 5));
      if (this.queue.length > 0) await this.drain(true);
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.connected = false;
      await this.producer.disconnect();
    }
  }

  async publish<T extends object>(contract: MessageContract<T>, records: OutgoingRecord<T>[], options: PublishOptions = {}): Promise<void> {
    if (records.length === 0) return;
    const messages = records.map((r) => ({ key: r.key, value: contract.serialize(r.value), headers: r.headers }));
    const [settled] = this.enqueue([{ topic: this.topicPrefix + contract.topic.name, messages }], options.linger === true);
    return settled;
  }

  /** Raw bytes, for relays that publish already-validated stored payloads (outbox); unprefixed topic name. */
  async publishRaw(topic: string, records: { key: string; value: Buffer | string }[]): Promise<void> {
    return this.publishRawTopics([{ topic, records }]);
  }

  /**
   * Raw records for several topics, in ONE produce request (unless over the request size): the
   * outbox relay's signals and flow events used to take a broker round trip each, one after the other.
   */
  async publishRawTopics(groups: { topic: string; records: { key: string; value: Buffer | string }[] }[]): Promise<void> {
    const entries = groups.filter((g) => g.records.length > 0).map((g) => ({ topic: this.topicPrefix + g.topic, messages: g.records }));
    if (entries.length === 0) return;
    await Promise.all(this.enqueue(entries, false));
  }

  /** Queues the entries (each settles on its own), then starts a send unless one is in flight or all linger. */
  private enqueue(entries: { topic: string; messages: Message[] }[], linger: boolean): Promise<void>[] {
    const settled = entries.map(
      ({ topic, messages }) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ topic, messages, done: (err) => (err ? reject(err) : resolve()), ...(linger ? { lingerSince: Date.now() } : {}) });
        }),
    );
    if (!this.sending) {
      if (!linger) void this.drain();
      else this.lingerTimer ??= setTimeout(() => this.lingerOver(), this.lingerMs);
    }
    return settled;
  }

  private lingerOver(): void {
    this.lingerTimer = undefined;
    if (!this.sending && this.queue.length > 0) void this.drain();
  }

  /** Something to send now: a record that does not linger, or one that lingered long enough. */
  private due(): boolean {
    const now = Date.now();
    return this.queue.some((q) => q.lingerSince === undefined || now - q.lingerSince >= this.lingerMs);
  }

  /** One request at a time, each carrying everything queued meanwhile (in order, per topic). */
  private async drain(force = false): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0 && (force || this.due())) {
        // Callers' records are never split; a request takes callers until ~512 KB of values (the
        // broker refuses a record batch over message.max.bytes, 1 MB by default).
        let bytes = 0;
        let take = 0;
        while (take < this.queue.length && (take === 0 || bytes < REQUEST_BYTES)) bytes += this.queue[take++].messages.reduce((n, m) => n + size(m.value), 0);
        const batch = this.queue.slice(0, take);
        this.queue = this.queue.slice(take);
        const byTopic = new Map<string, Message[]>();
        for (const q of batch) {
          const list = byTopic.get(q.topic);
          if (list) list.push(...q.messages);
          else byTopic.set(q.topic, [...q.messages]);
        }
        try {
          await this.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          batch.forEach((q) => q.done());
        } catch (err) {
          batch.forEach((q) => q.done(err));
        }
      }
    } finally {
      this.sending = false;
      // Only lingering records left: they wait for the next send, or their time.
      if (this.queue.length > 0) this.lingerTimer ??= setTimeout(() => this.lingerOver(), this.lingerMs);
      else if (this.lingerTimer) {
        clearTimeout(this.lingerTimer);
        this.lingerTimer = undefined;
      }
    }
  }
}
