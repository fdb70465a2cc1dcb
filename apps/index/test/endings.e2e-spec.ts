import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Contracts } from '@vir/contracts';
import { DEMO_PARTIES, DEV_INDEX, type DevParty } from '@vir/devstack';
import { postJson, regionalMelding, request, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';
import { sealMelding, signIntrekking } from '@vir/xml';

// Ending a melding early, end to end: withdrawal by its reporter (JSON and signed XML) and removal
// ordered by an authorised party after an objection; wrong party, unauthorised and repeated
// requests are refused with a Foutbericht to the sender and change nothing.

const [nhn, twente, rvdk] = ['regio-nhn', 'regio-twente', 'rvdk'].map((n) => DEMO_PARTIES.find((p) => p.name === n)!);
let e2e: E2eStack;
let db: Client;

beforeAll(async () => {
  // Twente forwards its municipalities' removal orders.
  e2e = await startE2eStack({ index: { REMOVAL_AUTHORISED_OINS: twente.oin } });
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
});

const post = (path: string, body: unknown, party: DevParty) => postJson(`${e2e.stack.urls.gateway}${path}`, body, e2e.as(party));
const statusOf = async (referentie: string) =>
  (await db.query(`SELECT status FROM "${e2e.namespace}_index".melding WHERE referentie = $1`, [referentie])).rows[0]?.status as string | undefined;
const waitStatus = (referentie: string, status: string) => waitUntil(async () => ((await statusOf(referentie)) === status ? true : undefined), 20_000, `${referentie} ${status}`);
const foutFor = (party: string, betreft: string) =>
  e2e.webhooks.waitFor((ds) => ds.some((d) => d.party === party && d.body.includes(betreft) && d.body.includes('foutbericht')), 20_000).then(
    () => JSON.parse(e2e.webhooks.deliveries.find((d) => d.party === party && d.body.includes(betreft))!.body) as { berichtType: string; code: string; betreft: string },
  );

it('lets a tenant withdraw its own melding, audited, after which it no longer matches', async () => {
  const a = regionalMelding({ bsn: testBsn(4001), melderId: 'nhn-w1', referentie: 'W-A' });
  expect((await post('/v1/meldingen', a, nhn)).status).toBe(202);
  await waitStatus('W-A', 'active');
  const intrekking = { berichtId: randomUUID(), melding: { referentie: 'W-A' }, reden: 'zorg-afgerond' };
  expect(await post('/v1/intrekkingen', intrekking, nhn)).toEqual({ status: 202, body: { trackingId: intrekking.berichtId, status: 'accepted' } });
  await waitStatus('W-A', 'withdrawn');
  const audit = await db.query(`SELECT actor, action, reason FROM "${e2e.namespace}_index".audit_log WHERE action = 'withdrawn'`);
  expect(audit.rows).toEqual([{ actor: nhn.oin, action: 'withdrawn', reason: 'zorg-afgerond' }]);
  // A later melding about the same young person matches nothing.
  const b = regionalMelding({ bsn: testBsn(4001), melderId: 'tw-w2', referentie: 'W-B' });
  expect((await post('/v1/meldingen', b, twente)).status).toBe(202);
  await waitStatus('W-B', 'active');
  expect((await db.query(`SELECT count(*)::int AS n FROM "${e2e.namespace}_index".match`)).rows[0].n).toBe(0);
});

it("refuses to withdraw another party's melding, and a second withdrawal, with a Foutbericht", async () => {
  const other = { berichtId: randomUUID(), melding: { referentie: 'W-B' } };
  expect((await post('/v1/intrekkingen', other, nhn)).status).toBe(202);
  expect(await foutFor('regio-nhn', other.berichtId)).toMatchObject({ berichtType: 'foutbericht', code: 'MELDING_NOT_FOUND', betreft: other.berichtId });
  expect(await statusOf('W-B')).toBe('active');
  const again = { berichtId: randomUUID(), melding: { referentie: 'W-A' } };
  expect((await post('/v1/intrekkingen', again, nhn)).status).toBe(202);
  expect(await foutFor('regio-nhn', again.berichtId)).toMatchObject({ code: 'MELDING_NOT_ACTIVE' });
});

it('removes a melding on the order of an authorised party only', async () => {
  const order = () => ({ berichtId: randomUUID(), gemeentecode: '0361', melding: { afzenderOin: twente.oin, referentie: 'W-B' }, reden: 'bezwaar-gegrond', besluitdatum: new Date().toISOString().slice(0, 10) });
  const unauthorised = order();
  expect((await post('/v1/verwijderingen', unauthorised, nhn)).status).toBe(202);
  expect(await foutFor('regio-nhn', unauthorised.berichtId)).toMatchObject({ code: 'NOT_AUTHORISED' });
  expect(await statusOf('W-B')).toBe('active');
  const authorised = order();
  expect((await post('/v1/verwijderingen', authorised, twente)).status).toBe(202);
  await waitStatus('W-B', 'removed');
  const audit = await db.query(`SELECT actor, reason, detail->>'gemeentecode' AS gemeente FROM "${e2e.namespace}_index".audit_log WHERE action = 'removed'`);
  expect(audit.rows).toEqual([{ actor: twente.oin, reason: 'bezwaar-gegrond', gemeente: '0361' }]);
});

it('lets the RvdK withdraw its own melding with a signed Intrekking', async () => {
  const { pki } = e2e.stack;
  const signer = { oin: rvdk.oin, privateKey: createPrivateKey(readFileSync(pki.key('rvdk'))), certificatePem: readFileSync(pki.cert('rvdk'), 'utf8') };
  const today = new Date().toISOString().slice(0, 10);
  const melding = sealMelding(
    {
      berichtId: randomUUID(),
      afzenderOin: rvdk.oin,
      verzonden: new Date().toISOString(),
      convenant: '66',
      referentie: 'W-R',
      jeugdige: { bsn: testBsn(4002), geboortedatum: '2013-01-01' },
      ouders: [],
      meldingsdatum: today,
      melder: { id: 'rvdk-w', naam: 'Raad Test' },
      organisatie: { naam: 'Raad voor de Kinderbescherming', domein: 'politie-en-justitie' },
    },
    { signer, recipientCertificatePem: readFileSync(pki.cert(DEV_INDEX.name), 'utf8') },
  );
  const send = (xml: string) => request(`${e2e.stack.urls.gateway}/v1/berichten`, { method: 'POST', headers: { 'content-type': 'application/xml', accept: 'application/json' }, body: xml, tls: e2e.as(rvdk) });
  expect((await send(melding)).status).toBe(202);
  await waitStatus('W-R', 'active');
  const intrekking = signIntrekking({ berichtId: randomUUID(), afzenderOin: rvdk.oin, verzonden: new Date().toISOString(), melding: { referentie: 'W-R' }, intrekkingsdatum: today, reden: 'niet-meer-betrokken' }, signer);
  expect((await send(intrekking)).status).toBe(202);
  await waitStatus('W-R', 'withdrawn');
});

it('applies a melding and its withdrawal in order when both arrive in one Kafka batch', async () => {
  const { pki } = e2e.stack;
  const signer = { oin: rvdk.oin, privateKey: createPrivateKey(readFileSync(pki.key('rvdk'))), certificatePem: readFileSync(pki.cert('rvdk'), 'utf8') };
  const today = new Date().toISOString().slice(0, 10);
  const meldingId = randomUUID();
  const melding = sealMelding(
    {
      berichtId: meldingId,
      afzenderOin: rvdk.oin,
      verzonden: new Date().toISOString(),
      convenant: '66',
      referentie: 'W-K',
      jeugdige: { bsn: testBsn(4003), geboortedatum: '2013-01-01' },
      ouders: [],
      meldingsdatum: today,
      melder: { id: 'rvdk-k', naam: 'Raad Test' },
      organisatie: { naam: 'Raad voor de Kinderbescherming', domein: 'politie-en-justitie' },
    },
    { signer, recipientCertificatePem: readFileSync(pki.cert(DEV_INDEX.name), 'utf8') },
  );
  const intrekkingId = randomUUID();
  const intrekking = signIntrekking({ berichtId: intrekkingId, afzenderOin: rvdk.oin, verzonden: new Date().toISOString(), melding: { referentie: 'W-K' }, intrekkingsdatum: today }, signer);
  const envelope = (messageId: string, type: 'melding' | 'intrekking', xml: string) => ({
    key: rvdk.oin, // one key: one partition, in this order
    value: Contracts.inbound.serialize({ messageId, type, senderOin: rvdk.oin, channel: 'direct-xml', receivedAt: new Date().toISOString(), xml }),
  });
  const producer = new Kafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-batch', logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic: `${e2e.namespace}.vir.inbound.v1`, messages: [envelope(meldingId, 'melding', melding), envelope(intrekkingId, 'intrekking', intrekking)] });
  await producer.disconnect();
  // Had the withdrawal been handled before the chunk's meldingen were stored, it would find nothing.
  await waitStatus('W-K', 'withdrawn');
  const audit = await db.query(`SELECT actor FROM "${e2e.namespace}_index".audit_log WHERE action = 'withdrawn' AND melding_id = (SELECT id FROM "${e2e.namespace}_index".melding WHERE referentie = 'W-K')`);
  expect(audit.rows).toEqual([{ actor: rvdk.oin }]);
});
