import { Client } from 'pg';
import { postJson, regionalMelding, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';

// Crash safety of delivery: the gateway is killed (SIGKILL) while it pushes signals to slow
// webhooks, twice, and started again each time. Every signal must still be delivered: received
// exactly once by its Idempotency-Key (a delivery cut off before the webhook's answer is sent
// again with the same key), in production order per party, and recorded as delivered.

let e2e: E2eStack;
let db: Client;

beforeAll(async () => {
  e2e = await startE2eStack({ gateway: { DELIVERY_POLL_MS: '100', DELIVERY_RETRY_BASE_MS: '200', DELIVERY_TIMEOUT_MS: '1000', DELIVERY_LEASE_MS: '2000' } });
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
});

it('delivers every signal exactly once per idempotency key, in order per party, when the gateway is SIGKILLed during delivery', async () => {
  const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
  const twente = e2e.stack.parties.find((p) => p.name === 'regio-twente')!;
  // Slow webhooks, so that a kill finds deliveries in flight; Twente's fails a few times too.
  e2e.webhooks.delay('regio-nhn', 80);
  e2e.webhooks.delay('regio-twente', 80);
  e2e.webhooks.failNext('regio-twente', 2);
  const pairs = 12;
  for (let i = 0; i < pairs; i++) {
    const bsn = testBsn(8000 + i);
    expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn, melderId: `nhn-k${i}` }), e2e.as(nhn))).status).toBe(202);
    expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn, melderId: `tw-k${i}` }), e2e.as(twente))).status).toBe(202);
  }
  const keys = () => new Set(e2e.webhooks.deliveries.map((d) => d.idempotencyKey));
  await e2e.webhooks.waitFor(() => keys().size >= 2, 60_000);
  await e2e.stack.restart('gateway'); // SIGKILL, then a fresh process
  await e2e.webhooks.waitFor(() => keys().size >= 10, 60_000);
  await e2e.stack.restart('gateway');

  const expected = pairs * 2;
  await e2e.webhooks.waitFor(() => keys().size >= expected, 120_000);
  const schema = `"${e2e.namespace}_gateway"`;
  const rows = await waitUntil(
    async () => {
      const r = (await db.query(`SELECT id, recipient_oin, status FROM ${schema}.signal ORDER BY seq`)).rows as { id: string; recipient_oin: string; status: string }[];
      return r.length === expected && r.every((s) => s.status === 'delivered') ? r : undefined;
    },
    30_000,
    'every signal recorded as delivered',
  );
  await new Promise((r) => setTimeout(r, 1_500)); // let any stray redelivery show itself

  expect(keys()).toEqual(new Set(rows.map((r) => r.id)));
  expect(e2e.webhooks.deliveries.every((d) => d.idempotencyKey === d.signalId)).toBe(true);
  // In production order per party: the first receipt of each key, per party, follows the gateway's sequence.
  for (const party of [nhn, twente]) {
    const firstReceipts: string[] = [];
    for (const d of e2e.webhooks.deliveries) if (d.party === party.name && !firstReceipts.includes(d.idempotencyKey)) firstReceipts.push(d.idempotencyKey);
    expect(firstReceipts).toEqual(rows.filter((r) => r.recipient_oin === party.oin).map((r) => r.id));
  }
  // Each signal's history shows it delivered once.
  const delivered = await db.query(`SELECT signal_id, count(*)::int AS n FROM ${schema}.signal_event WHERE status = 'delivered' GROUP BY signal_id`);
  expect(delivered.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
  expect(delivered.rows).toHaveLength(expected);
  process.stderr.write(`[gateway-restart] ${expected} signals, ${e2e.webhooks.deliveries.length} receipts (${e2e.webhooks.deliveries.length - expected} repeated by key after a kill)\n`);
});
