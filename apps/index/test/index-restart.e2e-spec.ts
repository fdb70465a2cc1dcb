import { postJson, regionalMelding, startE2eStack, testBsn, type E2eStack } from '@vir/testing';

// Crash safety: the index is killed (SIGKILL) at random moments while a stream of meldingen is
// flowing, and started again each time; every expected matchsignaal must still be delivered,
// and exactly once.

let e2e: E2eStack;

beforeAll(async () => {
  e2e = await startE2eStack();
});

afterAll(async () => {
  await e2e?.stop();
});

it('delivers every signal exactly once when the index is killed at random points during a stream', async () => {
  const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
  const twente = e2e.stack.parties.find((p) => p.name === 'regio-twente')!;
  const pairs = 40;
  const refs: string[] = [];
  const stream = (async () => {
    for (let i = 0; i < pairs; i++) {
      const bsn = testBsn(5000 + i);
      const a = regionalMelding({ bsn, melderId: `nhn-${i}`, referentie: `R${i}-A` });
      const b = regionalMelding({ bsn, melderId: `tw-${i}`, referentie: `R${i}-B` });
      refs.push(a.referentie, b.referentie);
      expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, a, e2e.as(nhn))).status).toBe(202);
      expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, b, e2e.as(twente))).status).toBe(202);
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  // The gateway keeps accepting while the index is down: Kafka holds the meldingen.
  for (let k = 0; k < 3; k++) {
    const wait = 200 + Math.floor(Math.random() * 900);
    await new Promise((r) => setTimeout(r, wait));
    await e2e.stack.restart('index'); // SIGKILL, then a fresh process
  }
  await stream;

  const has = (ref: string) => e2e.webhooks.deliveries.filter((d) => JSON.parse(d.body).eigenMelding.referentie === ref);
  await e2e.webhooks.waitFor(() => refs.every((r) => has(r).length >= 1), 90_000);
  await new Promise((r) => setTimeout(r, 2_000)); // let any duplicate show itself
  expect(refs.filter((r) => has(r).length !== 1)).toEqual([]);
  expect(e2e.webhooks.deliveries).toHaveLength(pairs * 2);
  expect(new Set(e2e.webhooks.deliveries.map((d) => d.signalId)).size).toBe(pairs * 2);
});
