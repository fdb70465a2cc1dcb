import { Client } from 'pg';
import { postJson, regionalMelding, request, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';

// The local-matching setting of a party, set by an operator at the gateway, reaches the index
// (vir.party-settings.v1) and decides there: a tenant that matches within its own area itself gets
// cross-area signals only. Switched off again, it gets its within-area signals again.

let e2e: E2eStack;
let db: Client;
let nhnOin: string;

beforeAll(async () => {
  e2e = await startE2eStack({ gateway: { DELIVERY_POLL_MS: '100' }, index: { PARTY_SETTINGS_REFRESH_MS: '200' } });
  nhnOin = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!.oin;
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
});

async function setLocalMatching(on: boolean): Promise<void> {
  const res = await request(`${e2e.stack.gatewayAdminUrl}/v1/admin/parties/${nhnOin}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${e2e.stack.operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ localMatching: on }),
  });
  expect(res.status).toBe(200);
  await waitUntil(
    async () => {
      const { rows } = await db.query<{ local_matching: boolean }>(`SELECT local_matching FROM "${e2e.namespace}_index".party_setting WHERE party_oin = $1`, [nhnOin]);
      return rows[0]?.local_matching === on ? true : undefined;
    },
    15_000,
    `the index to learn local matching ${on ? 'on' : 'off'}`,
  );
  await new Promise((r) => setTimeout(r, 500)); // every instance re-reads the table (200 ms here)
}

async function send(party: 'regio-nhn' | 'regio-twente', bsn: string, melderId: string, referentie: string): Promise<void> {
  const res = await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn, melderId, referentie }), e2e.as(party));
  expect(res.status).toBe(202);
}

const signalsAbout = (party: string, referentie: string) => e2e.webhooks.deliveries.filter((d) => d.party === party && d.body.includes(referentie));

it('the index learns the settings of every party at the gateway start', async () => {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${e2e.namespace}_index".party_setting`);
  expect(rows[0].n).toBe(e2e.stack.parties.length);
});

it('a local-matching tenant gets no within-area signal, but its cross-area signals', async () => {
  await setLocalMatching(true);
  const bsn = testBsn(61_001);
  await send('regio-nhn', bsn, 'lm-1', 'LM-A-1');
  await send('regio-nhn', bsn, 'lm-2', 'LM-A-2');
  // The match is recorded at the index (for the figures) ...
  await waitUntil(
    async () => {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${e2e.namespace}_index".match`);
      return rows[0].n >= 1 ? true : undefined;
    },
    15_000,
    'the within-area match',
  );
  // ... and a cross-area melding about the same young person signals nhn about both of its meldingen.
  await send('regio-twente', bsn, 'lm-3', 'LM-A-3');
  await waitUntil(async () => (signalsAbout('regio-nhn', 'LM-A-1').length >= 1 && signalsAbout('regio-nhn', 'LM-A-2').length >= 1 ? true : undefined), 20_000, 'cross-area signals to nhn');
  await waitUntil(async () => (signalsAbout('regio-twente', 'LM-A-3').length >= 2 ? true : undefined), 20_000, 'cross-area signals to twente');
  await new Promise((r) => setTimeout(r, 1_000));
  const toNhn = e2e.webhooks.deliveries.filter((d) => d.party === 'regio-nhn' && /LM-A-/.test(d.body)).map((d) => JSON.parse(d.body) as { reikwijdte: string });
  expect(toNhn.length).toBe(2);
  expect(toNhn.every((s) => s.reikwijdte === 'convenant-overstijgend')).toBe(true);
});

it('switched off again, the tenant gets its within-area signals', async () => {
  await setLocalMatching(false);
  const bsn = testBsn(61_002);
  await send('regio-nhn', bsn, 'lm-4', 'LM-B-1');
  await send('regio-nhn', bsn, 'lm-5', 'LM-B-2');
  const signal = await waitUntil(async () => signalsAbout('regio-nhn', 'LM-B-1')[0], 20_000, 'a within-area signal to nhn');
  expect((JSON.parse(signal.body) as { reikwijdte: string }).reikwijdte).toBe('binnen-convenant');
});
