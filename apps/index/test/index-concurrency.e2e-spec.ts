import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { CONSUMER_GROUPS } from '@vir/contracts';
import type { DevParty } from '@vir/devstack';
import { postJson, regionalMelding, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';

// Two index instances in one consumer group; meldingen that must match each other arrive at the
// same moment (on different partitions, handled by different instances or partition workers).
// Every race must still end in exactly one match and one signal per professional.

let e2e: E2eStack;
let db: Client;

beforeAll(async () => {
  e2e = await startE2eStack(undefined, 2);
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
});

it('runs two index instances in one consumer group', async () => {
  const kafka = new Kafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-groups', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const members = await waitUntil(
      async () => {
        const { groups } = await admin.describeGroups([`${e2e.namespace}.${CONSUMER_GROUPS.index}`]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 2 ? groups[0].members : undefined;
      },
      30_000,
      'two stable members in the index consumer group',
    );
    expect(members).toHaveLength(2);
  } finally {
    await admin.disconnect();
  }
});

it('races simultaneous meldingen about one young person and about siblings: exactly one match each, every time', async () => {
  const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
  const twente = e2e.stack.parties.find((p) => p.name === 'regio-twente')!;
  const rounds = 40;
  const send = (m: Record<string, unknown>, party: DevParty) => postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, m, e2e.as(party));
  const refs: string[] = [];
  const all: Promise<{ status: number }>[] = [];
  for (let r = 0; r < rounds; r++) {
    // Same young person, two professionals in two areas, at the same moment.
    const child = testBsn(7000 + r);
    const a = regionalMelding({ bsn: child, melderId: `nhn-k${r}`, referentie: `K${r}-A` });
    const b = regionalMelding({ bsn: child, melderId: `tw-k${r}`, referentie: `K${r}-B` });
    // Two siblings sharing a parent, at the same moment.
    const parent = testBsn(9000 + r);
    const c = { ...regionalMelding({ bsn: testBsn(8000 + 2 * r), melderId: `nhn-g${r}`, referentie: `G${r}-C` }), ouders: [{ bsn: parent }] };
    const d = { ...regionalMelding({ bsn: testBsn(8001 + 2 * r), melderId: `tw-g${r}`, referentie: `G${r}-D` }), ouders: [{ bsn: parent }] };
    refs.push(a.referentie, b.referentie, c.referentie, d.referentie);
    all.push(send(a, nhn), send(b, twente), send(c, nhn), send(d, twente));
  }
  const answers = await Promise.all(all);
  expect(answers.every((x) => x.status === 202)).toBe(true);

  const ref = (body: string) => (JSON.parse(body) as { eigenMelding: { referentie: string } }).eigenMelding.referentie;
  await e2e.webhooks.waitFor((ds) => new Set(ds.map((d) => ref(d.body))).size === refs.length, 90_000);
  await new Promise((r) => setTimeout(r, 2_000)); // let any duplicate show itself
  const perRef = new Map<string, number>();
  for (const d of e2e.webhooks.deliveries) perRef.set(ref(d.body), (perRef.get(ref(d.body)) ?? 0) + 1);
  expect(refs.filter((r) => perRef.get(r) !== 1)).toEqual([]);
  expect(e2e.webhooks.deliveries).toHaveLength(refs.length);
  for (const d of e2e.webhooks.deliveries) {
    const s = JSON.parse(d.body) as { soort: string; eigenMelding: { referentie: string } };
    expect({ ref: s.eigenMelding.referentie, soort: s.soort }).toEqual({ ref: s.eigenMelding.referentie, soort: s.eigenMelding.referentie.startsWith('K') ? 'kind' : 'gezin' });
  }
  const matches = await db.query(`SELECT soort, count(*)::int AS n FROM "${e2e.namespace}_index".match GROUP BY soort ORDER BY soort`);
  expect(matches.rows).toEqual([
    { soort: 'gezin', n: rounds },
    { soort: 'kind', n: rounds },
  ]);
});
