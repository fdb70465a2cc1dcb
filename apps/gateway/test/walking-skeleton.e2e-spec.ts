import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DEMO_PARTIES, DEV_GATEWAY, DEV_INDEX, DEV_INDEX_ENCRYPTION, type DevParty } from '@vir/devstack';
import { TrustStore } from '@vir/pki';
import { postJson, regionalMelding, request, ROOT_DIR, startE2eStack, testBsn, waitUntil, type E2eStack, type HttpAnswer } from '@vir/testing';
import { openFoutbericht, openMatchsignaal, openMatchsignalen, openOntvangstbevestiging, openPing, sealMelding, signPing } from '@vir/xml';
import { Contracts, type MeldingBericht } from '@vir/contracts';

// The walking skeleton end to end: real gateway HTTP API, real Kafka, real PostgreSQL, the index
// and the monitor as real processes; webhooks stand in for the parties.

let e2e: E2eStack;
let nhn: DevParty;
let twente: DevParty;
let rvdk: DevParty;
let db: Client;

beforeAll(async () => {
  e2e = await startE2eStack();
  [nhn, twente, rvdk] = ['regio-nhn', 'regio-twente', 'rvdk'].map((n) => e2e.stack.parties.find((p) => p.name === n)!);
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
});

const gateway = (path: string) => `${e2e.stack.urls.gateway}${path}`;
const asParty = (p: DevParty) => e2e.as(p);
/** Signed XML to /v1/berichten over mutual TLS as `p`; `json` asks for a JSON answer instead of the signed acknowledgement. */
const postXml = (p: DevParty, body: string, json = false): Promise<HttpAnswer> =>
  request(gateway('/v1/berichten'), { method: 'POST', headers: { 'content-type': 'application/xml', ...(json ? { accept: 'application/json' } : {}) }, body, tls: e2e.as(p) });
const codeOf = (res: HttpAnswer) => (JSON.parse(res.text) as { code: string }).code;

async function trace(trackingId: string, untilStep: string): Promise<{ steps: { step: string; outcome: string; code?: string; messageId: string }[] }> {
  return waitUntil(
    async () => {
      const res = await fetch(`${e2e.stack.urls.monitor}/v1/traces/${trackingId}`);
      if (!res.ok) return undefined;
      const t = (await res.json()) as { steps: { step: string; outcome: string; code?: string; messageId: string }[] };
      return t.steps.some((s) => s.step === untilStep) ? t : undefined;
    },
    20_000,
    `trace of ${trackingId} reaching ${untilStep}`,
  );
}

function trustStore(): TrustStore {
  const { pki } = e2e.stack;
  return new TrustStore({ roots: [readFileSync(pki.rootCert, 'utf8')], intermediates: [readFileSync(pki.intermediateCert, 'utf8')] });
}

/** A well-formed national melding (for signing tests), about a fresh test BSN. */
function regionalAsNational(): MeldingBericht {
  return {
    berichtId: crypto.randomUUID(),
    afzenderOin: rvdk.oin,
    verzonden: new Date().toISOString(),
    convenant: '7',
    referentie: 'OTHER-1',
    jeugdige: { bsn: testBsn(2005), geboortedatum: '2012-02-02' },
    ouders: [],
    meldingsdatum: new Date().toISOString().slice(0, 10),
    melder: { id: 'x', naam: 'Someone Else' },
    organisatie: { naam: 'School', domein: 'onderwijs' },
  };
}

function rvdkXml(melding: { berichtId: string; referentie: string; bsn: string; melderId: string; naam: string; ouders?: string[] }): string {
  const { pki } = e2e.stack;
  return sealMelding(
    {
      berichtId: melding.berichtId,
      afzenderOin: rvdk.oin,
      verzonden: new Date().toISOString(),
      convenant: rvdk.convenant,
      referentie: melding.referentie,
      jeugdige: { bsn: melding.bsn, geboortedatum: '2011-02-03' },
      ouders: (melding.ouders ?? []).map((bsn) => ({ bsn })),
      meldingsdatum: new Date().toISOString().slice(0, 10),
      melder: { id: melding.melderId, naam: melding.naam },
      organisatie: { naam: 'Raad voor de Kinderbescherming', domein: 'politie-en-justitie' },
    },
    {
      signer: { oin: rvdk.oin, privateKey: createPrivateKey(readFileSync(pki.key('rvdk'))), certificatePem: readFileSync(pki.cert('rvdk'), 'utf8') },
      recipientCertificatePem: readFileSync(pki.cert(DEV_INDEX_ENCRYPTION.name), 'utf8'),
    },
  );
}

describe('walking skeleton', () => {
  it('matches two meldingen within one area and delivers a signal to each professional, with a full trace', async () => {
    const bsn = testBsn(1001);
    const a = regionalMelding({ bsn, melderId: 'nhn-a', naam: 'Anna Mentor' });
    const b = regionalMelding({ bsn, melderId: 'nhn-b', naam: 'Bram Jeugdarts', domein: 'jeugdgezondheidszorg' });
    for (const m of [a, b]) {
      const res = await postJson(gateway('/v1/meldingen'), m, asParty(nhn));
      expect(res).toEqual({ status: 202, body: { trackingId: m.berichtId, status: 'accepted' } });
    }
    const forRef = (ref: string) => e2e.webhooks.deliveries.filter((d) => d.body.includes(ref));
    await e2e.webhooks.waitFor(() => forRef(a.referentie).length === 1 && forRef(b.referentie).length === 1, 30_000);

    const toA = JSON.parse(forRef(a.referentie)[0].body);
    const toB = JSON.parse(forRef(b.referentie)[0].body);
    expect(toA).toMatchObject({
      ontvangerOin: nhn.oin,
      afzenderOin: DEV_INDEX.oin,
      soort: 'kind',
      reikwijdte: 'binnen-convenant',
      eigenMelding: { referentie: a.referentie, berichtId: a.berichtId },
      andereMelder: { id: 'nhn-b', naam: 'Bram Jeugdarts', convenant: nhn.convenant },
      andereOrganisatie: { domein: 'jeugdgezondheidszorg' },
    });
    expect(toB).toMatchObject({ eigenMelding: { referentie: b.referentie }, andereMelder: { naam: 'Anna Mentor' }, matchId: toA.matchId });
    for (const d of [...forRef(a.referentie), ...forRef(b.referentie)]) {
      expect(d.party).toBe('regio-nhn');
      expect(d.contentType).toMatch(/^application\/json/);
      expect(d.idempotencyKey).toBe(d.signalId);
      // Delivered over mutual TLS: the webhook saw the gateway's client certificate.
      expect(d.clientOin).toBe(DEV_GATEWAY.oin);
      expect(d.body).not.toContain(bsn);
    }

    // The second melding's trace: every hop from ingress to the delivery of both signals.
    const t = await waitUntil(
      async () => {
        const tt = await trace(b.berichtId, 'gateway.delivered');
        return tt.steps.filter((s) => s.step === 'gateway.delivered').length === 2 ? tt : undefined;
      },
      20_000,
      'both deliveries in the trace',
    );
    const steps = t.steps.map((s) => s.step);
    expect(steps.slice(0, 3)).toEqual(['gateway.received', 'gateway.forwarded', 'index.verified']);
    for (const step of ['index.stored', 'index.matched', 'index.signal-queued', 'gateway.signal-received', 'gateway.delivered']) {
      expect(steps).toContain(step);
    }
    expect(steps.filter((s) => s === 'index.signal-queued')).toHaveLength(2);
    expect(steps.filter((s) => s === 'gateway.signal-received')).toHaveLength(2);
    expect(t.steps.every((s) => s.outcome === 'ok')).toBe(true);
  });

  it('matches across areas, and with the RvdK sending its own signed XML and receiving XML', async () => {
    const bsnY = testBsn(1002);
    const c = regionalMelding({ bsn: bsnY, melderId: 'nhn-c', naam: 'Carla Wijkteam' });
    const d = regionalMelding({ bsn: bsnY, melderId: 'tw-d', naam: 'Dirk Leerplicht' });
    expect((await postJson(gateway('/v1/meldingen'), c, asParty(nhn))).status).toBe(202);
    expect((await postJson(gateway('/v1/meldingen'), d, asParty(twente))).status).toBe(202);

    const bsnZ = testBsn(1003);
    const e = regionalMelding({ bsn: bsnZ, melderId: 'tw-e', naam: 'Eva Huisarts' });
    expect((await postJson(gateway('/v1/meldingen'), e, asParty(twente))).status).toBe(202);
    const f = { berichtId: crypto.randomUUID(), referentie: 'RVDK-2026-0042', bsn: bsnZ, melderId: 'rvdk-f', naam: 'Frank Raadsonderzoeker' };
    const xml = rvdkXml(f);
    expect(xml).not.toContain(bsnZ);
    const res = await postXml(rvdk, xml);
    expect(res.status).toBe(202);
    // A direct party is answered with the gateway's signed Ontvangstbevestiging.
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const ack = openOntvangstbevestiging(res.text, { trustStore: trustStore(), at: new Date() });
    expect(ack.signerOin).toBe(DEV_GATEWAY.oin);
    expect(ack.message).toMatchObject({ ontvangerOin: rvdk.oin, resultaten: [{ trackingId: f.berichtId, berichtId: f.berichtId, resultaat: 'geaccepteerd' }] });

    const forRef = (ref: string) => e2e.webhooks.deliveries.filter((x) => x.body.includes(ref));
    await e2e.webhooks.waitFor(() => [c, d, e].every((m) => forRef(m.referentie).length === 1) && forRef(f.referentie).length === 1, 30_000);
    expect(JSON.parse(forRef(c.referentie)[0].body)).toMatchObject({ ontvangerOin: nhn.oin, reikwijdte: 'convenant-overstijgend', andereMelder: { naam: 'Dirk Leerplicht', convenant: twente.convenant } });
    expect(forRef(d.referentie)[0].party).toBe('regio-twente');
    expect(JSON.parse(forRef(e.referentie)[0].body)).toMatchObject({ reikwijdte: 'convenant-overstijgend', andereMelder: { naam: 'Frank Raadsonderzoeker', convenant: '66' } });

    const toRvdk = forRef(f.referentie)[0];
    expect(toRvdk.party).toBe('rvdk');
    expect(toRvdk.contentType).toMatch(/^application\/xml/);
    const { pki } = e2e.stack;
    const trust = new TrustStore({ roots: [readFileSync(pki.rootCert, 'utf8')], intermediates: [readFileSync(pki.intermediateCert, 'utf8')] });
    const opened = openMatchsignaal(toRvdk.body, { trustStore: trust, at: new Date() });
    expect(opened.signerOin).toBe(DEV_INDEX.oin);
    expect(opened.message).toMatchObject({ ontvangerOin: rvdk.oin, eigenMelding: { referentie: f.referentie, berichtId: f.berichtId }, andereMelder: { naam: 'Eva Huisarts' } });

    // On Kafka (read with kcat): the RvdK, which takes XML, got its signal signed on its own; the
    // tenant, which takes JSON, got its signal in a Matchsignalen (schema 1.4) that the gateway
    // verified and split.
    const outbound = topicValues('vir.outbound.v1').map((v) => Contracts.outbound.parse(v));
    const aboutF = outbound.filter((o) => o.correlationIds.includes(f.berichtId));
    expect(aboutF.filter((o) => o.recipientOin === rvdk.oin).map((o) => o.type)).toEqual(['matchsignaal']);
    const bundles = aboutF.filter((o) => o.recipientOin === twente.oin);
    expect(bundles.map((o) => o.type)).toEqual(['matchsignalen']);
    const bundle = openMatchsignalen(bundles[0].xml, { trustStore: trust, at: new Date() });
    expect(bundle.signerOin).toBe(DEV_INDEX.oin);
    expect(bundle.message.signalen.filter((s) => s.eigenMelding.referentie === e.referentie)).toMatchObject([{ ontvangerOin: twente.oin, andereMelder: { naam: 'Frank Raadsonderzoeker' } }]);
  });

  it('dead-letters a Matchsignalen whose envelope does not fit its signals (ENVELOPE_MISMATCH), storing none of it', async () => {
    // The envelope is not signed: a bundle re-sent with its correlation ids out of order would give
    // each signal the wrong "own melding". Built from a real bundle the index signed.
    const g = regionalMelding({ bsn: testBsn(1006), melderId: 'nhn-env', naam: 'Gert Envelop' });
    const h = regionalMelding({ bsn: testBsn(1006), melderId: 'tw-env', naam: 'Hanna Envelop' });
    expect((await postJson(gateway('/v1/meldingen'), g, asParty(nhn))).status).toBe(202);
    expect((await postJson(gateway('/v1/meldingen'), h, asParty(twente))).status).toBe(202);
    const bundle = await waitUntil(
      async () =>
        topicValues('vir.outbound.v1')
          .map((v) => Contracts.outbound.parse(v))
          .find((o) => o.type === 'matchsignalen' && o.correlationIds.includes(g.berichtId) && o.recipientOin === nhn.oin),
      20_000,
      'the bundle with the signal about g',
    );
    const swapped = bundle.correlationIds.map((_id, i, ids) => ids[i % 2 === 0 ? i + 1 : i - 1]);
    const tampered = [
      { ...bundle, messageId: crypto.randomUUID(), correlationIds: swapped },
      { ...bundle, messageId: crypto.randomUUID(), correlationIds: bundle.correlationIds.slice(2) },
    ];
    const stored = async () => Number((await db.query(`SELECT count(*) FROM "${e2e.namespace}_gateway".signal`)).rows[0].count);
    const before = await stored();
    const producer = new Kafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-envelope', logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: `${e2e.namespace}.vir.outbound.v1`, messages: tampered.map((t) => ({ key: t.recipientOin, value: JSON.stringify(t) })) });
    await producer.disconnect();

    for (const t of tampered) {
      const steps = (await trace(t.messageId, 'gateway.signal-received')).steps.filter((x) => x.step === 'gateway.signal-received');
      expect(steps).toMatchObject([{ outcome: 'rejected', code: 'ENVELOPE_MISMATCH' }]);
    }
    const dead = await waitUntil(
      async () => {
        const letters = topicValues('vir.dead-letter.v1')
          .map((v) => Contracts.deadLetter.parse(v))
          .filter((d) => tampered.some((t) => Buffer.from(d.valueBase64, 'base64').toString('utf8').includes(t.messageId)));
        return letters.length === tampered.length ? letters : undefined;
      },
      20_000,
      'both tampered bundles on the dead-letter topic',
    );
    expect(dead.map((d) => d.code)).toEqual(['ENVELOPE_MISMATCH', 'ENVELOPE_MISMATCH']);
    expect(await stored()).toBe(before);
  });
});

describe('idempotency', () => {
  it('answers an identical resend with the first answer and forwards nothing; refuses the id for other content', async () => {
    const m = regionalMelding({ bsn: testBsn(1004), melderId: 'nhn-idem' });
    const first = await postJson(gateway('/v1/meldingen'), m, asParty(nhn));
    expect(first).toEqual({ status: 202, body: { trackingId: m.berichtId, status: 'accepted' } });
    const again = await postJson(gateway('/v1/meldingen'), m, asParty(nhn));
    expect(again).toEqual({ status: 202, body: { trackingId: m.berichtId, status: 'accepted', replayed: true } });
    const other = await postJson(gateway('/v1/meldingen'), { ...m, referentie: 'something else' }, asParty(nhn));
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'MESSAGE_ID_REUSED', trackingId: m.berichtId });
    const t = await trace(m.berichtId, 'gateway.replayed');
    expect(t.steps.filter((s) => s.step === 'gateway.forwarded')).toHaveLength(1);
    expect(kcat(`${e2e.namespace}.vir.inbound.v1`, '%k\\n').split('\n').filter((k) => k === m.berichtId)).toHaveLength(1);
  });

  it("forwards a direct party's message whose berichtId is in upper case once, and knows its resend", async () => {
    const berichtId = crypto.randomUUID().toUpperCase();
    const xml = rvdkXml({ berichtId, referentie: 'UPPER-1', bsn: testBsn(1005), melderId: 'rvdk-upper', naam: 'Raad Upper' });
    const first = await postXml(rvdk, xml, true);
    expect({ status: first.status, body: JSON.parse(first.text) }).toEqual({ status: 202, body: { trackingId: berichtId, status: 'accepted' } });
    const again = await postXml(rvdk, xml, true);
    expect(JSON.parse(again.text)).toEqual({ trackingId: berichtId, status: 'accepted', replayed: true });
    expect(kcat(`${e2e.namespace}.vir.inbound.v1`, '%k\\n').split('\n').filter((k) => k === berichtId)).toHaveLength(1);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Reads a whole topic with kcat, an independent Kafka client. */
function kcat(topic: string, format: string): string {
  return execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', topic, '-e', '-q', '-f', format], { encoding: 'utf8', timeout: 30_000 });
}

/** Every record's value on one of this run's topics, read with kcat (one JSON value per line). */
function topicValues(topic: string): string[] {
  return kcat(`${e2e.namespace}.${topic}`, '%s\\n').split('\n').filter(Boolean);
}

describe('family match', () => {
  it('signals a gezinsmatch for siblings sharing a parent, to a tenant and to the RvdK', async () => {
    const parent = testBsn(1101);
    const g = { ...regionalMelding({ bsn: testBsn(1102), melderId: 'nhn-g', naam: 'Gerda Wijkteam' }), ouders: [{ bsn: parent }] };
    expect((await postJson(gateway('/v1/meldingen'), g, asParty(nhn))).status).toBe(202);
    const h = { berichtId: crypto.randomUUID(), referentie: 'RVDK-2026-0043', bsn: testBsn(1103), melderId: 'rvdk-h', naam: 'Hans Raadsonderzoeker', ouders: [testBsn(1104), parent] };
    const res = await postXml(rvdk, rvdkXml(h));
    expect(res.status).toBe(202);
    const forRef = (ref: string) => e2e.webhooks.deliveries.filter((x) => x.body.includes(ref));
    await e2e.webhooks.waitFor(() => forRef(g.referentie).length === 1 && forRef(h.referentie).length === 1, 30_000);
    expect(JSON.parse(forRef(g.referentie)[0].body)).toMatchObject({ soort: 'gezin', reikwijdte: 'convenant-overstijgend', andereMelder: { naam: 'Hans Raadsonderzoeker', convenant: '66' } });
    const { pki } = e2e.stack;
    const trust = new TrustStore({ roots: [readFileSync(pki.rootCert, 'utf8')], intermediates: [readFileSync(pki.intermediateCert, 'utf8')] });
    expect(openMatchsignaal(forRef(h.referentie)[0].body, { trustStore: trust, at: new Date() }).message).toMatchObject({ soort: 'gezin', andereMelder: { naam: 'Gerda Wijkteam' } });
  });
});

describe('ping', () => {
  it('travels gateway → Kafka → index → Kafka → gateway and comes back to a tenant with per-hop timings', async () => {
    const berichtId = crypto.randomUUID();
    expect(await postJson(gateway('/v1/ping'), { berichtId }, asParty(twente))).toEqual({ status: 202, body: { trackingId: berichtId, status: 'accepted' } });
    await e2e.webhooks.waitFor((ds) => ds.some((d) => d.party === 'regio-twente' && d.body.includes(berichtId)), 30_000);
    const answer = JSON.parse(e2e.webhooks.deliveries.find((d) => d.party === 'regio-twente' && d.body.includes(berichtId))!.body);
    expect(answer).toMatchObject({ berichtType: 'ping', pingId: berichtId, richting: 'terug', afzenderOin: DEV_INDEX.oin, ontvangerOin: twente.oin });
    expect(answer.hops.map((h: { component: string }) => h.component)).toEqual(['gateway', 'index', 'gateway-delivery']);
    expect(answer.hopMs).toHaveLength(2);
    expect(answer.hopMs.every((ms: number) => ms >= 0)).toBe(true);
    expect(answer.totalMs).toBe(answer.hopMs[0] + answer.hopMs[1]);
    const t = await trace(berichtId, 'gateway.delivered');
    expect(t.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['gateway.forwarded', 'index.ping-answered', 'gateway.signal-received', 'gateway.delivered']));
  });

  it("answers the RvdK's own signed Ping with the index's signed answer", async () => {
    const { pki } = e2e.stack;
    const now = new Date().toISOString();
    const ping = signPing(
      { berichtId: crypto.randomUUID(), afzenderOin: rvdk.oin, ontvangerOin: DEV_INDEX.oin, verzonden: now, pingId: crypto.randomUUID(), richting: 'heen', hops: [{ component: 'rvdk', tijdstip: now }] },
      { oin: rvdk.oin, privateKey: createPrivateKey(readFileSync(pki.key('rvdk'))), certificatePem: readFileSync(pki.cert('rvdk'), 'utf8') },
    );
    const res = await postXml(rvdk, ping);
    expect(res.status).toBe(202);
    await e2e.webhooks.waitFor((ds) => ds.some((d) => d.party === 'rvdk' && d.body.includes('<Ping')), 30_000);
    const answer = openPing(e2e.webhooks.deliveries.find((d) => d.party === 'rvdk' && d.body.includes('<Ping'))!.body, { trustStore: trustStore(), at: new Date() });
    expect(answer.signerOin).toBe(DEV_INDEX.oin);
    expect(answer.message).toMatchObject({ richting: 'terug', ontvangerOin: rvdk.oin, hops: [{ component: 'rvdk' }, { component: 'index' }] });
  });
});

describe('bad input: a coded 4xx, nothing forwarded, nothing stored', () => {
  const valid = () => regionalMelding({ bsn: testBsn(2001), melderId: 'nhn-x' });
  const minusYears = (y: number, days = 0) => {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() - y);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  const cases: { name: string; send: () => Promise<HttpAnswer>; status: number; code: string; trackingId?: string }[] = [];
  const json = (body: string | object, headers: Record<string, string> = {}) => () =>
    request(gateway('/v1/meldingen'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), tls: e2e.as(nhn) });
  const withId = (m: Record<string, unknown> & { berichtId: string }) => ({ m, id: m.berichtId });

  const bsnBad = withId({ ...valid(), jeugdige: { bsn: '123456789', geboortedatum: '2012-01-01' } });
  const aged = withId({ ...valid(), jeugdige: { bsn: testBsn(2002), geboortedatum: minusYears(23) } });
  const future = withId({ ...valid(), meldingsdatum: tomorrow });
  const missing = withId(valid());
  delete (missing.m as Record<string, unknown>).melder;
  const malformed = withId({ ...valid(), jeugdige: { bsn: '12345', geboortedatum: '01-01-2012' } });
  // NHN's client certificate, Twente's OIN as the sender.
  const foreign = withId({ ...valid(), afzenderOin: DEMO_PARTIES.find((p) => p.name === 'regio-twente')!.oin });

  cases.push(
    { name: 'invalid JSON', send: json('{"berichtId": '), status: 400, code: 'MALFORMED_JSON' },
    { name: 'missing field', send: json(missing.m), status: 400, code: 'VALIDATION_FAILED', trackingId: missing.id },
    { name: 'malformed fields', send: json(malformed.m), status: 400, code: 'VALIDATION_FAILED', trackingId: malformed.id },
    { name: "another tenant's OIN as sender in the body", send: json(foreign.m), status: 403, code: 'OIN_MISMATCH', trackingId: foreign.id },
    { name: 'BSN failing the 11-proef', send: json(bsnBad.m), status: 422, code: 'BSN_INVALID', trackingId: bsnBad.id },
    { name: 'young person aged 23', send: json(aged.m), status: 422, code: 'AGE_LIMIT', trackingId: aged.id },
    { name: 'melding date in the future', send: json(future.m), status: 422, code: 'DATE_IN_FUTURE', trackingId: future.id },
    { name: 'wrong content type', send: json(valid(), { 'content-type': 'text/plain' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'oversize body', send: json({ ...valid(), referentie: 'x'.repeat(70_000) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'JSON array', send: json([valid()]), status: 400, code: 'VALIDATION_FAILED' },
  );

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await c.send();
    const body = JSON.parse(res.text) as { code: string; message: string; trackingId?: string };
    expect({ status: res.status, code: body.code }).toEqual({ status: c.status, code: c.code });
    expect(body.message.length).toBeGreaterThan(5);
    // No BSN (nine digits) anywhere in the answer; the tracking id is hex and may hold digit runs.
    expect(JSON.stringify({ ...body, trackingId: undefined })).not.toMatch(/\d{9}/);
    if (c.trackingId) {
      expect(body.trackingId).toBe(c.trackingId);
      const t = await trace(c.trackingId, 'gateway.validated');
      expect(t.steps.find((s) => s.step === 'gateway.validated')).toMatchObject({ outcome: 'rejected', code: c.code });
      expect(t.steps.map((s) => s.step)).not.toContain('gateway.forwarded');
    }
  });

  it('refuses a tampered direct XML message and a regional tenant on the XML endpoint', async () => {
    const f = { berichtId: crypto.randomUUID(), referentie: 'RVDK-T', bsn: testBsn(2003), melderId: 'rvdk-t', naam: 'Tamara Test' };
    const tampered = rvdkXml(f).replace('Tamara Test', 'Mallory Test');
    const res = await postXml(rvdk, tampered);
    expect(res.status).toBe(400);
    const ack = openOntvangstbevestiging(res.text, { trustStore: trustStore(), at: new Date() });
    expect(ack.message.resultaten).toEqual([expect.objectContaining({ resultaat: 'afgewezen', fout: expect.objectContaining({ code: 'SIGNATURE_DIGEST_MISMATCH' }) })]);
    const wrong = await postXml(nhn, rvdkXml({ ...f, berichtId: crypto.randomUUID() }), true);
    expect(wrong.status).toBe(403);
    expect(codeOf(wrong)).toBe('WRONG_CHANNEL');
  });

  it('refuses direct XML with its own code for each kind of defect, forwarding none of it', async () => {
    const f = () => ({ berichtId: crypto.randomUUID(), referentie: 'RVDK-X', bsn: testBsn(2004), melderId: 'rvdk-x', naam: 'Xander Test' });
    const signed = rvdkXml(f());
    const { pki } = e2e.stack;
    // Signed correctly, but by a regional tenant (for itself) and sent in as the RvdK.
    const byOther = sealMelding(
      { ...regionalAsNational(), afzenderOin: nhn.oin },
      { signer: { oin: nhn.oin, privateKey: createPrivateKey(readFileSync(pki.key('regio-nhn'))), certificatePem: readFileSync(pki.cert('regio-nhn'), 'utf8') }, recipientCertificatePem: readFileSync(pki.cert(DEV_INDEX_ENCRYPTION.name), 'utf8') },
    );
    const cases: [string, string, number][] = [
      ['<Melding xmlns="urn:nl:vir:berichten:v1"><Kop>', 'XML_MALFORMED', 400],
      ['<?xml version="1.0"?><!DOCTYPE Melding SYSTEM "http://attacker.example/x.dtd"><Melding/>', 'XML_EXTERNAL_ENTITY', 400],
      ['<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><m>&b;</m>', 'XML_ENTITY_EXPANSION', 400],
      [signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''), 'SIGNATURE_MISSING', 400],
      [signed.replaceAll('urn:nl:vir:berichten:v1', 'urn:nl:vir:berichten:v9'), 'XML_WRONG_VERSION', 400],
      [byOther, 'OIN_MISMATCH', 403],
      ['x'.repeat(70_000), 'PAYLOAD_TOO_LARGE', 413],
    ];
    for (const [body, code, status] of cases) {
      const res = await postXml(rvdk, body, true);
      expect({ code: codeOf(res), status: res.status }).toEqual({ code, status });
    }
  });

  it("sends the RvdK a signed Foutbericht when the index refuses a BSN the gateway could not read, storing nothing", async () => {
    const f = { berichtId: crypto.randomUUID(), referentie: 'RVDK-BAD', bsn: '123456789', melderId: 'rvdk-b', naam: 'Bert Test' };
    const res = await postXml(rvdk, rvdkXml(f), true);
    expect(res.status).toBe(202); // encrypted for the index: the gateway cannot check the 11-proef
    await e2e.webhooks.waitFor((ds) => ds.some((d) => d.party === 'rvdk' && d.body.includes(f.berichtId) && d.body.includes('Foutbericht')), 30_000);
    const delivered = e2e.webhooks.deliveries.find((d) => d.body.includes(f.berichtId) && d.body.includes('Foutbericht'))!;
    const { pki } = e2e.stack;
    const trust = new TrustStore({ roots: [readFileSync(pki.rootCert, 'utf8')], intermediates: [readFileSync(pki.intermediateCert, 'utf8')] });
    expect(openFoutbericht(delivered.body, { trustStore: trust, at: new Date() }).message).toMatchObject({ betreft: f.berichtId, code: 'BSN_INVALID', ontvangerOin: rvdk.oin });
    const t = await trace(f.berichtId, 'gateway.delivered');
    expect(t.steps.find((s) => s.step === 'index.verified')).toMatchObject({ outcome: 'rejected', code: 'BSN_INVALID' });
    const stored = await db.query(`SELECT count(*)::int AS n FROM "${e2e.namespace}_index".inbox WHERE message_id = $1`, [f.berichtId]);
    expect(stored.rows[0].n).toBe(0);
  });

  it('left nothing on the inbound topic and nothing in the index tables for any refused melding (checked with kcat)', async () => {
    const refused = [bsnBad.id, aged.id, future.id, missing.id, malformed.id, foreign.id];
    const keys = kcat(`${e2e.namespace}.vir.inbound.v1`, '%k\\n').split('\n').filter(Boolean);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => refused.includes(k))).toEqual([]);
    const schema = `${e2e.namespace}_index`;
    const stored = await db.query(`SELECT count(*)::int AS n FROM "${schema}".inbox WHERE message_id = ANY($1::uuid[])`, [refused]);
    expect(stored.rows[0].n).toBe(0);
  });
});

// Last: after every scenario above has run.
describe('privacy', () => {
  // Every BSN the scenarios above sent.
  const bsns = [1001, 1002, 1003, 1004, 1101, 1102, 1103, 1104, 2001, 2002, 2003, 2004, 2005].map(testBsn);

  it('no Kafka topic holds a plaintext BSN of the scenario above (checked with kcat)', () => {
    for (const t of ['vir.inbound.v1', 'vir.outbound.v1', 'vir.flow-events.v1']) {
      const content = kcat(`${e2e.namespace}.${t}`, '%k %s\\n');
      expect(content.length).toBeGreaterThan(0);
      for (const bsn of bsns) expect({ topic: t, containsBsn: content.includes(bsn) }).toEqual({ topic: t, containsBsn: false });
    }
  });

  it("no file in the Kafka broker's data directory holds a plaintext BSN", () => {
    const runs = join(ROOT_DIR, '.cache', 'run');
    const mine = existsSync(runs) ? readdirSync(runs).filter((d) => d.startsWith(`${process.env.VIR_TEST_RUN_PID}-`)) : [];
    if (process.env.KAFKA_BROKERS) return; // an external broker: its disks are not ours to read
    expect(mine.length).toBeGreaterThan(0);
    const files = mine.flatMap((d) => listFiles(join(runs, d))).filter((f) => f.endsWith('.log') && f.includes(`${e2e.namespace}.vir.`));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const content = readFileSync(f).toString('latin1');
      for (const bsn of bsns) expect({ file: f, containsBsn: content.includes(bsn) }).toEqual({ file: f, containsBsn: false });
    }
  });

  it('no table of any service holds a plaintext BSN', async () => {
    const tables = await db.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema LIKE $1`, [`${e2e.namespace}_%`]);
    expect(tables.rows.length).toBeGreaterThanOrEqual(5);
    for (const { table_schema, table_name } of tables.rows) {
      const dump = await db.query(`SELECT t::text AS row FROM "${table_schema}"."${table_name}" t`);
      const text = dump.rows.map((r: { row: string }) => r.row).join('\n');
      for (const bsn of bsns) expect({ table: `${table_schema}.${table_name}`, containsBsn: text.includes(bsn) }).toEqual({ table: `${table_schema}.${table_name}`, containsBsn: false });
    }
  });
});
