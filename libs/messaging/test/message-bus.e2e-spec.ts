import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ALL_TOPICS, Contracts, type FlowEvent } from '@vir/contracts';
import { createKafka, ensureTopics, MessageBus } from '@vir/messaging';
import type { Kafka, Producer } from 'kafkajs';

// Flow events linger: they wait (up to lingerMs) for another produce request to ride with, so
// tracing costs hardly a request of its own. On the real broker: a lingering record alone goes
// out when its time is up; with a send after it, it goes out with that send; disconnect sends it.

const prefix = `bus-${randomUUID().slice(0, 8)}.`;
const kafka = createKafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-bus' });

beforeAll(async () => {
  await ensureTopics(kafka, ALL_TOPICS, prefix);
});

const event = (): FlowEvent => ({ eventId: randomUUID(), messageId: randomUUID(), component: 'gateway', step: 'gateway.received', outcome: 'ok', at: new Date().toISOString() });
const lines = (topic: string) =>
  execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', `${prefix}${topic}`, '-e', '-q', '-f', '%s\\n'], { encoding: 'utf8', timeout: 30_000 })
    .split('\n')
    .filter(Boolean);
const onBroker = () => lines(Contracts.flowEvent.topic.name).map((l) => (JSON.parse(l) as FlowEvent).eventId);
const timed = async (p: Promise<void>, started: number) => {
  await p;
  return Date.now() - started;
};

it('sends a lingering record after lingerMs, with the next send when one comes first, and at disconnect', async () => {
  const bus = new MessageBus(kafka, prefix, 1_500);
  await bus.connect();
  try {
    // Alone: out when its time is up.
    const alone = event();
    let started = Date.now();
    const aloneMs = await timed(bus.publish(Contracts.flowEvent, [{ key: alone.messageId, value: alone }], { linger: true }), started);
    expect(aloneMs).toBeGreaterThanOrEqual(1_400);
    expect(onBroker()).toContain(alone.eventId);

    // With a send after it: out together with that send, long before its time.
    const passenger = event();
    const driver = event();
    started = Date.now();
    const passengerDone = timed(bus.publish(Contracts.flowEvent, [{ key: passenger.messageId, value: passenger }], { linger: true }), started);
    await new Promise((r) => setTimeout(r, 100));
    const driverMs = await timed(bus.publish(Contracts.flowEvent, [{ key: driver.messageId, value: driver }]), started);
    expect(await passengerDone).toBeLessThan(1_000);
    expect(driverMs).toBeLessThan(1_000);
    // In publish order on the partition both share when their keys do; here: both are there.
    expect(onBroker()).toEqual(expect.arrayContaining([passenger.eventId, driver.eventId]));

    // Disconnect sends what still lingers.
    const last = event();
    const lastDone = bus.publish(Contracts.flowEvent, [{ key: last.messageId, value: last }], { linger: true });
    started = Date.now();
    await bus.disconnect();
    await lastDone;
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(onBroker()).toContain(last.eventId);
  } finally {
    await bus.disconnect();
  }
});

it('sends raw records for several topics in one produce request', async () => {
  // The bus's own producer, watched through kafkajs's request instrumentation events.
  let producer: Producer | undefined;
  const watched = Object.create(kafka, { producer: { value: (config: Parameters<Kafka['producer']>[0]) => (producer = kafka.producer(config)) } }) as Kafka;
  const bus = new MessageBus(watched, prefix);
  await bus.connect();
  const produceRequests: number[] = [];
  producer!.on(producer!.events.REQUEST, (e) => {
    if (e.payload.apiName === 'Produce') produceRequests.push(e.payload.size);
  });
  try {
    const marker = randomUUID();
    await bus.publishRawTopics([
      { topic: Contracts.outbound.topic.name, records: [{ key: 'a', value: `signal ${marker}` }] },
      { topic: Contracts.deadLetter.topic.name, records: [{ key: 'b', value: `dead ${marker}` }, { key: 'c', value: `dead2 ${marker}` }] },
    ]);
    expect(produceRequests).toHaveLength(1);
    expect(lines(Contracts.outbound.topic.name)).toContain(`signal ${marker}`);
    expect(lines(Contracts.deadLetter.topic.name)).toEqual(expect.arrayContaining([`dead ${marker}`, `dead2 ${marker}`]));
  } finally {
    await bus.disconnect();
  }
});
