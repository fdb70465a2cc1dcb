import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ensureDevPki, clientTlsOf, DEV_INDEX_ENCRYPTION, type DevParty } from '@vir/devstack';
import { issuePartyCertificate, revokeCertificate } from '@vir/pki';
import { postJson, regionalMelding, request, ROOT_DIR, startE2eStack, testBsn, waitUntil, type E2eStack, type TestTls } from '@vir/testing';
import { sealMelding } from '@vir/xml';
import { fingerprintOf } from '../src/parties/party';

// Mutual TLS at the gateway's party port: the client certificate is a party's only credential.
// This stack has a throw-away PKI of its own, so certificates can be issued and revoked freely;
// the shared development PKI in certs/dev is then simply "another CA".

let e2e: E2eStack;
let pkiDir: string;
let nhn: DevParty;
let twente: DevParty;
let rvdk: DevParty;
const accepted: string[] = [];

beforeAll(async () => {
  pkiDir = mkdtempSync(`${tmpdir()}/vir-mtls-pki-`);
  // The CRL is re-read every second, so a revocation shows quickly.
  e2e = await startE2eStack({ gateway: { CRL_REFRESH_MS: '1000' } }, 1, { pkiDir });
  [nhn, twente, rvdk] = ['regio-nhn', 'regio-twente', 'rvdk'].map((n) => e2e.stack.parties.find((p) => p.name === n)!);
});

afterAll(async () => {
  await e2e?.stop();
  if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
});

const gateway = (path: string) => `${e2e.stack.urls.gateway}${path}`;
const caOnly = (): TestTls => ({ ca: e2e.as(nhn).ca });

/** A melding as `tls`, with its status and error code. */
async function send(tls: TestTls, body: object = regionalMelding({ bsn: testBsn(3001), melderId: 'mtls' })): Promise<{ status: number; code?: string; details?: string[] }> {
  const res = await postJson(gateway('/v1/meldingen'), body, tls);
  const answer = res.body as { code?: string; details?: string[]; trackingId?: string };
  if (res.status === 202 && answer.trackingId) accepted.push(answer.trackingId);
  return { status: res.status, code: answer.code, ...(answer.details ? { details: answer.details } : {}) };
}

function kcat(topic: string, format: string): string {
  return execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', topic, '-e', '-q', '-f', format], { encoding: 'utf8', timeout: 30_000 });
}

describe('the party port', () => {
  it("accepts a registered party's certificate", async () => {
    expect(await send(e2e.as(nhn))).toEqual({ status: 202 });
  });

  it('answers a request without a client certificate with a coded 401, not a TLS abort', async () => {
    expect(await send(caOnly())).toEqual({ status: 401, code: 'CLIENT_CERT_MISSING' });
  });

  it('gives the party API nothing on the plain-HTTP operators port', async () => {
    const res = await postJson(`${e2e.stack.gatewayAdminUrl}/v1/meldingen`, regionalMelding({ bsn: testBsn(3001), melderId: 'plain' }));
    expect(res).toMatchObject({ status: 401, body: { code: 'CLIENT_CERT_MISSING' } });
    expect((await request(`${e2e.stack.gatewayAdminUrl}/health/live`)).status).toBe(200);
  });

  it('refuses a certificate of another CA, even with a registered OIN', async () => {
    // certs/dev is a PKI of its own with the same demo OINs: a different root.
    const other = await ensureDevPki(ROOT_DIR);
    const foreign = { ...clientTlsOf(other, 'regio-nhn'), ca: e2e.as(nhn).ca };
    expect(await send(foreign)).toEqual({ status: 401, code: 'CLIENT_CERT_UNTRUSTED', details: ['CERT_UNKNOWN_CA'] });
  });

  it('refuses an expired certificate', async () => {
    const longAgo = new Date(Date.now() - 10 * 86_400_000);
    const expired = await issuePartyCertificate(pkiDir, { name: 'expired-nhn', oin: nhn.oin, commonName: nhn.commonName }, { validityDays: 1, now: longAgo });
    const tls = { ...e2e.as(nhn), key: readFileSync(expired.keyFile, 'utf8'), cert: expired.certificatePem };
    expect(await send(tls)).toEqual({ status: 401, code: 'CLIENT_CERT_UNTRUSTED', details: ['CERT_EXPIRED'] });
  });

  it('refuses a trusted certificate whose OIN is no registered party', async () => {
    const stranger = await issuePartyCertificate(pkiDir, { name: 'stranger', oin: '00000009999999999001', commonName: 'Onbekende partij' });
    const tls = { ...e2e.as(nhn), key: readFileSync(stranger.keyFile, 'utf8'), cert: stranger.certificatePem };
    expect(await send(tls)).toEqual({ status: 401, code: 'UNKNOWN_PARTY' });
  });

  it('accepts a rollover certificate once registered, and refuses it once revoked (CRL) while the current one still works', async () => {
    const next = await issuePartyCertificate(pkiDir, { name: 'regio-nhn', oin: nhn.oin, commonName: nhn.commonName }, { rollover: true });
    const tls = { ...e2e.as(nhn), key: readFileSync(next.keyFile, 'utf8'), cert: next.certificatePem };
    // Trusted and NHN's OIN, but a party connects only with a certificate registered for it.
    expect(await send(tls)).toEqual({ status: 401, code: 'CLIENT_CERT_NOT_REGISTERED' });
    const registered = await request(`${e2e.stack.gatewayAdminUrl}/v1/admin/parties/${nhn.oin}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${e2e.stack.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ certificates: [fingerprintOf(readFileSync(e2e.stack.pki.cert('regio-nhn'), 'utf8')), fingerprintOf(next.certificatePem)] }),
    });
    expect(registered.status).toBe(200);
    expect(await send(tls)).toEqual({ status: 202 });
    await revokeCertificate(pkiDir, next.certificatePem, 'keyCompromise');
    const refused = await waitUntil(
      async () => {
        const r = await send(tls);
        return r.status === 202 ? undefined : r;
      },
      15_000,
      'the gateway to load the new CRL',
    );
    expect(refused).toEqual({ status: 401, code: 'CLIENT_CERT_REVOKED' });
    expect(await send(e2e.as(nhn))).toEqual({ status: 202 });
  });
});

describe("one party's certificate for another party's data", () => {
  const refusedIds: string[] = [];

  function sealedBy(p: DevParty, berichtId: string): string {
    const { pki } = e2e.stack;
    return sealMelding(
      {
        berichtId,
        afzenderOin: p.oin,
        verzonden: new Date().toISOString(),
        convenant: p.convenant,
        referentie: `X-${berichtId.slice(0, 8)}`,
        jeugdige: { bsn: testBsn(3002), geboortedatum: '2012-02-02' },
        ouders: [],
        meldingsdatum: new Date().toISOString().slice(0, 10),
        melder: { id: 'x', naam: 'Iemand' },
        organisatie: { naam: 'School', domein: 'onderwijs' },
      },
      {
        signer: { oin: p.oin, privateKey: createPrivateKey(readFileSync(pki.key(p.name))), certificatePem: readFileSync(pki.cert(p.name), 'utf8') },
        recipientCertificatePem: readFileSync(pki.cert(DEV_INDEX_ENCRYPTION.name), 'utf8'),
      },
    );
  }

  const postXml = (tls: TestTls, xml: string) =>
    request(gateway('/v1/berichten'), { method: 'POST', headers: { 'content-type': 'application/xml', accept: 'application/json' }, body: xml, tls });

  it("refuses NHN's certificate with Twente named as the sender of a JSON melding", async () => {
    const m = { ...regionalMelding({ bsn: testBsn(3003), melderId: 'nhn-as-twente' }), afzenderOin: twente.oin };
    refusedIds.push(m.berichtId);
    const res = await postJson(gateway('/v1/meldingen'), m, e2e.as(nhn));
    expect(res).toMatchObject({ status: 403, body: { code: 'OIN_MISMATCH', trackingId: m.berichtId } });
  });

  it("refuses the RvdK's certificate with XML signed by and for NHN", async () => {
    const id = randomUUID();
    refusedIds.push(id);
    const res = await postXml(e2e.as(rvdk), sealedBy(nhn, id));
    expect({ status: res.status, code: (JSON.parse(res.text) as { code: string }).code }).toEqual({ status: 403, code: 'OIN_MISMATCH' });
  });

  it("refuses NHN's certificate with the RvdK's own signed XML", async () => {
    const id = randomUUID();
    refusedIds.push(id);
    const res = await postXml(e2e.as(nhn), sealedBy(rvdk, id));
    expect({ status: res.status, code: (JSON.parse(res.text) as { code: string }).code }).toEqual({ status: 403, code: 'WRONG_CHANNEL' });
  });

  it('forwarded nothing refused in this file: the inbound topic holds exactly the accepted messages (kcat)', async () => {
    // The accepted ones are on the topic (so the read is not vacuous), nothing else is.
    const keys = await waitUntil(
      async () => {
        const k = kcat(`${e2e.namespace}.vir.inbound.v1`, '%k\\n').split('\n').filter(Boolean);
        return accepted.every((id) => k.includes(id)) ? k : undefined;
      },
      15_000,
      'the accepted meldingen on the inbound topic',
    );
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect([...keys].sort()).toEqual([...accepted].sort());
    expect(keys.filter((k) => refusedIds.includes(k))).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('is served on the party port without a client certificate, naming the mutual-TLS scheme', async () => {
    const res = await request(gateway('/openapi.json'), { tls: caOnly() });
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text) as { openapi: string; paths: Record<string, unknown>; components: { securitySchemes: Record<string, { type: string }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/meldingen');
    expect(doc.components.securitySchemes.mutualTLS.type).toBe('mutualTLS');
  });
});
