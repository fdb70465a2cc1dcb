import { Client } from 'pg';
import { postJson, regionalMelding, startE2eStack, testBsn, type E2eStack } from '@vir/testing';

// Inzage over the index's real HTTP API: everything registered about one young person, the
// matches signalled, and the last accesses; every request audited; only with a valid token.

const TOKEN = 'inzage-token-for-tests-0123456789abcdef';
let e2e: E2eStack;
let db: Client;

beforeAll(async () => {
  e2e = await startE2eStack({ index: { INZAGE_TOKENS: `gemeente-alkmaar:${TOKEN}` } });
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
});

const inzage = (body: unknown, token: string | null = TOKEN) =>
  fetch(`${e2e.stack.urls.index}/v1/inzage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

it('reports every melding and signalled match about a young person, and the accesses, auditing each request', async () => {
  const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
  const twente = e2e.stack.parties.find((p) => p.name === 'regio-twente')!;
  const bsn = testBsn(3001);
  const a = regionalMelding({ bsn, melderId: 'nhn-i1', naam: 'Ingrid Mentor' });
  const b = regionalMelding({ bsn, melderId: 'tw-i2', naam: 'Iris Jeugdarts', domein: 'jeugdgezondheidszorg' });
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, a, e2e.as(nhn))).status).toBe(202);
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, b, e2e.as(twente))).status).toBe(202);
  await e2e.webhooks.waitFor((ds) => ds.length === 2, 30_000);

  const first = await inzage({ bsn, reden: 'verzoek ouder, zaak 2026-17' });
  expect(first.status).toBe(200);
  const report = (await first.json()) as { meldingen: { referentie: string; status: string; archived: boolean; melder: { naam: string }; matches: { soort: string; reikwijdte: string; other: { melder: string } }[] }[]; accesses: { actor: string; action: string; reason: string }[] };
  expect(report.meldingen.map((m) => [m.referentie, m.status, m.archived, m.melder.naam])).toEqual([
    [a.referentie, 'active', false, 'Ingrid Mentor'],
    [b.referentie, 'active', false, 'Iris Jeugdarts'],
  ]);
  expect(report.meldingen[0].matches).toEqual([expect.objectContaining({ soort: 'kind', reikwijdte: 'convenant-overstijgend', other: expect.objectContaining({ melder: 'Iris Jeugdarts' }) })]);
  // The same match seen from the other melding (the newer one, the match's second side).
  expect(report.meldingen[1].matches).toEqual([expect.objectContaining({ soort: 'kind', reikwijdte: 'convenant-overstijgend', other: expect.objectContaining({ melder: 'Ingrid Mentor' }) })]);
  expect(report.accesses).toEqual([expect.objectContaining({ actor: 'gemeente-alkmaar', action: 'inzage', reason: 'verzoek ouder, zaak 2026-17' })]);
  expect(JSON.stringify(report)).not.toContain(bsn);

  const second = (await (await inzage({ bsn })).json()) as { accesses: { action: string }[] };
  expect(second.accesses.map((x) => x.action)).toEqual(['inzage', 'inzage']);

  const audit = await db.query(`SELECT actor, action, subject FROM "${e2e.namespace}_index".audit_log WHERE action = 'inzage'`);
  expect(audit.rows).toHaveLength(2);
  expect(audit.rows[0].subject).toMatch(/^v1:/);
  expect(JSON.stringify(audit.rows)).not.toContain(bsn);
});

it('refuses without a token, with a wrong token, and for an invalid BSN, recording nothing', async () => {
  const bsn = testBsn(3002);
  expect((await inzage({ bsn }, null)).status).toBe(401);
  expect((await inzage({ bsn }, 'wrong-token-wrong-token-wrong-token-0000')).status).toBe(403);
  const invalid = await inzage({ bsn: '123456789' });
  expect(invalid.status).toBe(422);
  expect(await invalid.json()).toMatchObject({ code: 'BSN_INVALID' });
  const malformed = await inzage({ bsn: '12345' });
  expect(malformed.status).toBe(400);
  expect(await malformed.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  const audit = await db.query(`SELECT count(*)::int AS n FROM "${e2e.namespace}_index".audit_log WHERE action = 'inzage'`);
  expect(audit.rows[0].n).toBe(2);
});
