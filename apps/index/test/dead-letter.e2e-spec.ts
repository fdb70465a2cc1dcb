import { execFileSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { parseExposition, sampleSum } from '@vir/metrics';
import { postJson, regionalMelding, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';

// A message the index can never process goes to the dead-letter topic with its reason, and the
// consumer keeps running: meldingen after it are matched as usual.

let e2e: E2eStack;

beforeAll(async () => {
  // Alerts evaluated every second, for the dead-letter alert below.
  e2e = await startE2eStack({ monitor: { ALERT_INTERVAL_MS: '1000' } });
});

afterAll(async () => {
  await e2e?.stop();
});

const kcat = (topic: string) =>
  execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', topic, '-e', '-q', '-f', '%s\\n'], { encoding: 'utf8', timeout: 30_000 });

it('parks undecodable and contract-violating messages with their reason and keeps consuming', async () => {
  const kafka = new Kafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-poison', logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: `${e2e.namespace}.vir.inbound.v1`,
    messages: [
      { key: 'poison-1', value: 'this is not JSON' },
      { key: 'poison-2', value: JSON.stringify({ messageId: 'not-a-uuid', type: 'melding' }) },
    ],
  });
  await producer.disconnect();

  const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
  const twente = e2e.stack.parties.find((p) => p.name === 'regio-twente')!;
  const bsn = testBsn(6001);
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn, melderId: 'nhn-d' }), e2e.as(nhn))).status).toBe(202);
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn, melderId: 'tw-d' }), e2e.as(twente))).status).toBe(202);
  await e2e.webhooks.waitFor((ds) => ds.length === 2, 30_000);

  const parked = await waitUntil(
    async () => {
      const lines = kcat(`${e2e.namespace}.vir.dead-letter.v1`).split('\n').filter(Boolean);
      return lines.length >= 2 ? lines.map((l) => JSON.parse(l) as { code: string; sourceTopic: string; reason: string; valueBase64: string }) : undefined;
    },
    20_000,
    'two dead letters',
  );
  expect(parked.map((p) => [p.sourceTopic, p.code])).toEqual([
    ['vir.inbound.v1', 'CONTRACT_VIOLATION'],
    ['vir.inbound.v1', 'CONTRACT_VIOLATION'],
  ]);
  // Two keys, two partitions: either may be parked first.
  const byValue = new Map(parked.map((p) => [Buffer.from(p.valueBase64, 'base64').toString(), p]));
  expect(byValue.get('this is not JSON')?.reason).toMatch(/not valid JSON/);
  expect(byValue.get(JSON.stringify({ messageId: 'not-a-uuid', type: 'melding' }))?.reason).toMatch(/messageId/);
});

it('each dead letter is a consumer.dead-lettered flow event, and the monitor opens a dead-letter alert', async () => {
  const open = await waitUntil(
    async () => {
      const text = await (await fetch(`${e2e.stack.urls.monitor}/metrics`)).text();
      const n = sampleSum(parseExposition(text), 'vir_alert_open', { rule: 'dead-letter', subject: 'CONTRACT_VIOLATION', state: 'open' });
      return n === 1 ? n : undefined;
    },
    20_000,
    'the dead-letter alert',
  );
  expect(open).toBe(1);
  const index = parseExposition(await (await fetch(`${e2e.stack.urls.index}/metrics`)).text());
  expect(sampleSum(index, 'vir_flow_steps_total', { step: 'consumer.dead-lettered', outcome: 'failed' })).toBe(2);
});
