import { randomUUID } from 'node:crypto';
import { ALL_TOPICS, Contracts } from '@vir/contracts';
import { createKafka, ensureTopics, KafkaConsumerTransport, MessageBus, type KafkaRecord } from '@vir/messaging';
import type { Admin, Consumer, Producer } from 'kafkajs';

// The consumer commits what it processed on a timer, not after every batch (kafkajs's autoCommit
// sends one OffsetCommit per batch whatever its interval), runs beforeCommit before each commit,
// and commits what it processed when it closes. On the real broker, watched through kafkajs's
// request instrumentation and read back with the admin client.

const prefix = `consumer-${randomUUID().slice(0, 8)}.`;
const kafka = createKafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-consumer' });
const topic = Contracts.deadLetter.topic.name;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  await ensureTopics(kafka, ALL_TOPICS, prefix);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A transport on its own group with one handler that records what it saw. */
async function start(group: string, commitIntervalMs: number) {
  const seen: string[] = [];
  const events = { batches: 0, commits: 0, flushes: 0, flushedBeforeCommit: true };
  const transport = new KafkaConsumerTransport({
    kafka,
    groupId: group,
    topics: [topic],
    bus: new MessageBus(kafka, prefix),
    now: () => new Date(),
    commitIntervalMs,
    beforeCommit: async () => {
      events.flushes++;
    },
  });
  transport.addHandler(topic, async (record: KafkaRecord) => void seen.push(String(record.value)), true);
  await new Promise<void>((resolve, reject) => void transport.listen((err?: unknown) => (err ? reject(err) : resolve())));
  const consumer = transport.unwrap<Consumer>();
  consumer.on(consumer.events.END_BATCH_PROCESS, () => void events.batches++);
  consumer.on(consumer.events.REQUEST, (e) => {
    if (e.payload.apiName !== 'OffsetCommit') return;
    events.commits++;
    if (events.flushes < events.commits) events.flushedBeforeCommit = false;
  });
  return { transport, seen, events };
}

const committed = async (group: string): Promise<number> => {
  const [t] = await admin.fetchOffsets({ groupId: prefix + group, topics: [prefix + topic] });
  return t.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
};
const produced = async (): Promise<number> => (await admin.fetchTopicOffsets(prefix + topic)).reduce((sum, p) => sum + Number(p.high), 0);
const until = async (what: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
};

it('commits processed offsets on a timer, after beforeCommit, not one commit per batch', async () => {
  const group = `timer-${randomUUID().slice(0, 8)}`;
  const { transport, seen, events } = await start(group, 1_500);
  try {
    const run = randomUUID().slice(0, 8);
    // Ten sends 60 ms apart on one key: the consumer gets them as several batches.
    for (let i = 0; i < 10; i++) {
      await producer.send({ topic: prefix + topic, messages: [0, 1, 2].map((k) => ({ key: run, value: `${run}-${i}-${k}` })) });
      await sleep(60);
    }
    await until(() => seen.filter((v) => v.startsWith(run)).length === 30);
    const batches = events.batches;
    expect(batches).toBeGreaterThanOrEqual(4);
    // Within the first interval: at most the one commit the timer made.
    expect(events.commits).toBeLessThanOrEqual(1);
    await until(() => events.commits >= 1, 5_000);
    await sleep(2_000);
    expect(events.commits).toBeLessThanOrEqual(2);
    expect(events.commits).toBeLessThan(batches);
    expect(events.flushedBeforeCommit).toBe(true);
    // Everything processed is committed.
    expect(await committed(group)).toBe(await produced());
    expect(seen.filter((v) => v.startsWith(run))).toEqual([...Array(10).keys()].flatMap((i) => [0, 1, 2].map((k) => `${run}-${i}-${k}`)));
  } finally {
    await transport.close();
  }
});

it('commits what it processed when it closes, before the interval is up', async () => {
  const group = `close-${randomUUID().slice(0, 8)}`;
  const { transport, seen, events } = await start(group, 600_000);
  let closed = false;
  try {
    const run = randomUUID().slice(0, 8);
    await producer.send({ topic: prefix + topic, messages: [0, 1, 2, 3, 4].map((k) => ({ key: run, value: `${run}-${k}` })) });
    await until(() => seen.filter((v) => v.startsWith(run)).length === 5);
    await sleep(300);
    expect(events.commits).toBe(0);
    expect(await committed(group)).toBe(0);
    await transport.close();
    closed = true;
    expect(events.commits).toBe(1);
    expect(events.flushes).toBe(1);
    expect(await committed(group)).toBe(await produced());
  } finally {
    if (!closed) await transport.close();
  }
});

it("hands a batch handler the small batches of several partitions that one fetch brought as one chunk, each partition's in order", async () => {
  const inbound = Contracts.inbound.topic.name;
  const run = randomUUID().slice(0, 8);
  // On the broker before the consumer starts, so its first fetch brings all three partitions.
  await producer.send({ topic: prefix + inbound, messages: [0, 1, 2].flatMap((p) => [0, 1, 2].map((k) => ({ partition: p, key: `${run}-${p}`, value: `${run}-${p}-${k}` }))) });
  const chunks = async (limit: number): Promise<{ partition: number; value: string }[][]> => {
    const seen: { partition: number; value: string }[][] = [];
    const transport = new KafkaConsumerTransport({ kafka, groupId: `gather-${randomUUID().slice(0, 8)}`, topics: [inbound], bus: new MessageBus(kafka, prefix), now: () => new Date() });
    transport.addHandler(inbound, async (records: KafkaRecord[]) => void seen.push(records.map((r) => ({ partition: r.partition, value: String(r.value) }))), true, { batch: limit });
    await new Promise<void>((resolve, reject) => void transport.listen((err?: unknown) => (err ? reject(err) : resolve())));
    try {
      await until(() => seen.flat().filter((r) => r.value.startsWith(run)).length === 9);
    } finally {
      await transport.close();
    }
    return seen.map((c) => c.filter((r) => r.value.startsWith(run))).filter((c) => c.length > 0);
  };
  const inOrder = (all: { partition: number; value: string }[]) =>
    [0, 1, 2].forEach((p) => expect(all.filter((r) => r.partition === p).map((r) => r.value)).toEqual([0, 1, 2].map((k) => `${run}-${p}-${k}`)));

  // Together they fit: one chunk of nine, from three partitions.
  const together = await chunks(50);
  expect(together).toHaveLength(1);
  expect(new Set(together[0].map((r) => r.partition))).toEqual(new Set([0, 1, 2]));
  inOrder(together[0]);

  // They do not: no chunk over the limit, every record once, each partition in order.
  const apart = await chunks(4);
  expect(apart.length).toBeGreaterThanOrEqual(3);
  for (const c of apart) expect(c.length).toBeLessThanOrEqual(4);
  expect(apart.flat()).toHaveLength(9);
  inOrder(apart.flat());
});
