import { postJson, regionalMelding, startE2eStack, testBsn, type E2eStack } from '@vir/testing';

// Crash safety: the index is killed (SIGKILL) in the middle of a stream of meldingen and started
// again; every expected matchsignaal must still be delivered, and exactly once.

let e2e: E2eStack;

beforeAll(async () => {
  e2e = await startE2eStack();
});

afterAll(async () => {
  await e2e?.stop();
});

it('delivers every signal exactly once when the index is killed mid-flow and restarted', async () => {
  const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
  const twente = e2e.stack.parties.find((p) => p.name === 'regio-twente')!;
  const pairs = 20;
  const refs: string[] = [];
  const send = async (i: number) => {
    const bsn = testBsn(5000 + i);
    const a = regionalMelding({ bsn, melderId: `nhn-${i}`, referentie: `R${i}-A` });
    const b = regionalMelding({ bsn, melderId: `tw-${i}`, referentie: `R${i}-B` });
    refs.push(a.referentie, b.referentie);
    expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, a, { 'x-vir-party': nhn.oin })).status).toBe(202);
    expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, b, { 'x-vir-party': twente.oin })).status).toBe(202);
  };

  for (let i = 0; i < pairs / 2; i++) await send(i);
  // Kill while the index is still working through the first half.
  await e2e.stack.services.index.kill('SIGKILL');
  // The gateway keeps accepting: Kafka holds the meldingen until the index is back.
  for (let i = pairs / 2; i < pairs; i++) await send(i);
  await e2e.stack.restart('index');

  const has = (ref: string) => e2e.webhooks.deliveries.filter((d) => JSON.parse(d.body).eigenMelding.referentie === ref);
  await e2e.webhooks.waitFor(() => refs.every((r) => has(r).length >= 1), 60_000);
  // Allow any duplicate to show up before counting.
  await new Promise((r) => setTimeout(r, 2_000));
  for (const r of refs) expect({ ref: r, deliveries: has(r).length }).toEqual({ ref: r, deliveries: 1 });
  expect(e2e.webhooks.deliveries).toHaveLength(pairs * 2);
  expect(new Set(e2e.webhooks.deliveries.map((d) => d.signalId)).size).toBe(pairs * 2);
});
