import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEV_INDEX } from '@vir/devstack';
import { issuePartyCertificate } from '@vir/pki';
import { postJson, regionalMelding, request, startE2eStack, testBsn, waitUntil, type E2eStack, type TestTls } from '@vir/testing';
import { signPing } from '@vir/xml';
import { memoryIo } from '../../cli/src/vir/cli-io';
import { runVir } from '../../cli/src/vir/vir-cli';

// Parties persisted in the gateway's schema: seeded from PARTIES_FILE, managed through the admin
// API (operators' port, bearer token) and `vir party`, every change audited; suspension stops
// ingress and delivery without losing anything. A throw-away PKI of its own (new certificates).

let e2e: E2eStack;
let pkiDir: string;
let db: Client;
let nhnOin: string;
const accepted: string[] = [];
const refused: string[] = [];

beforeAll(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'vir-parties-pki-'));
  e2e = await startE2eStack({ gateway: { DELIVERY_POLL_MS: '100' } }, 1, { pkiDir });
  nhnOin = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!.oin;
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
  if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
});

const schema = () => `"${e2e.namespace}_gateway"`;
const adminUrl = (path = '') => `${e2e.stack.gatewayAdminUrl}/v1/admin/parties${path}`;
const operator = () => ({ authorization: `Bearer ${e2e.stack.operatorToken}` });

async function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = operator()): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(adminUrl(path), {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {} };
}

/** `vir …` in-process against this stack's admin API. */
async function vir(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ env: { VIR_ADMIN_URL: e2e.stack.gatewayAdminUrl, VIR_OPERATOR_TOKEN: e2e.stack.operatorToken }, cwd: pkiDir });
  const code = await runVir(args, io);
  return { code, ...io.output() };
}

async function auditCount(): Promise<number> {
  return (await db.query(`SELECT count(*)::int AS n FROM ${schema()}.party_audit`)).rows[0].n as number;
}

async function melding(tls: TestTls, m: { berichtId: string }): Promise<{ status: number; code?: string }> {
  const res = await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, m, tls);
  (res.status === 202 ? accepted : refused).push(m.berichtId);
  return { status: res.status, code: (res.body as { code?: string }).code };
}

function kcat(topic: string, format: string): string {
  return execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', topic, '-e', '-q', '-f', format], { encoding: 'utf8', timeout: 30_000 });
}

describe('parties from PARTIES_FILE', () => {
  it('are in the party table on first start, each with its certificate, seeded and audited', async () => {
    const list = await admin('GET', '');
    expect(list.status).toBe(200);
    const parties = list.body.parties as { oin: string; status: string; certificates: string[]; kind: string }[];
    expect(parties.map((p) => p.oin).sort()).toEqual(e2e.stack.parties.map((p) => p.oin).sort());
    expect(parties.every((p) => p.status === 'active' && p.certificates.length === 1)).toBe(true);
    const audit = await admin('GET', `/${nhnOin}/audit`);
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: 'seed', actor: 'PARTIES_FILE', before: null, after: expect.objectContaining({ oin: nhnOin }) })]);
    const listed = await vir('party', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(nhnOin);
    expect(listed.out).toContain('Verwijsindex Twente');
  });
});

describe('the OpenAPI document', () => {
  it('is served on both ports without credentials, with every error code', async () => {
    const plain = await request(`${e2e.stack.gatewayAdminUrl}/openapi.json`);
    const tls = await request(`${e2e.stack.urls.gateway}/openapi.json`, { tls: { ca: e2e.as('regio-nhn').ca } });
    expect([plain.status, tls.status]).toEqual([200, 200]);
    const doc = JSON.parse(tls.text) as { openapi: string; components: { schemas: { ErrorBody: { properties: { code: { enum: string[] } } } } } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.ErrorBody.properties.code.enum).toEqual(expect.arrayContaining(['CLIENT_CERT_MISSING', 'PARTY_SUSPENDED', 'OPERATOR_UNAUTHORIZED']));
  });
});

describe('the admin API refuses with a coded error and changes nothing', () => {
  let before: number;
  beforeAll(async () => {
    before = await auditCount();
  });
  afterAll(async () => {
    expect(await auditCount()).toBe(before);
  });

  const direct = (oin: string) => ({ oin, name: 'Test', kind: 'direct', convenant: '66', certificates: [] });
  it.each([
    ['no operator token', () => admin('GET', '', undefined, {}), 401, 'OPERATOR_UNAUTHORIZED'],
    ['an unknown token', () => admin('GET', '', undefined, { authorization: `Bearer ${'x'.repeat(40)}` }), 401, 'OPERATOR_UNAUTHORIZED'],
    ['an unknown party', () => admin('GET', '/00000009999999999999'), 404, 'PARTY_NOT_FOUND'],
    ['not an OIN', () => admin('GET', '/regio-nhn'), 404, 'PARTY_NOT_FOUND'],
    ['suspending an unknown party', () => admin('POST', '/00000009999999999999/suspend', {}), 404, 'PARTY_NOT_FOUND'],
    ['a party that exists', () => admin('POST', '', direct(nhnOin)), 409, 'PARTY_EXISTS'],
    ['malformed JSON', () => admin('POST', '', '{"oin":'), 400, 'MALFORMED_JSON'],
    ['a malformed OIN and fingerprint', () => admin('POST', '', { ...direct('123'), certificates: ['AB:CD'] }), 400, 'VALIDATION_FAILED'],
    ['three certificates', () => admin('POST', '', { ...direct('00000009999999999002'), certificates: ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)] }), 400, 'VALIDATION_FAILED'],
    ['a regional tenant without signing key', () => admin('POST', '', { ...direct('00000009999999999003'), kind: 'regional' }), 400, 'VALIDATION_FAILED'],
    ['an unknown setting', () => admin('PATCH', `/${nhnOin}`, { status: 'suspended' }), 400, 'VALIDATION_FAILED'],
    ['changing the kind', () => admin('PATCH', `/${nhnOin}`, { kind: 'direct' }), 400, 'VALIDATION_FAILED'],
    ['resuming an active party', () => admin('POST', `/${nhnOin}/resume`, {}), 409, 'STATUS_UNCHANGED'],
  ] as const)('%s', async (_name, send, status, code) => {
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(String(res.body.message).length).toBeGreaterThan(5);
  });

  it('does not exist on the parties’ TLS port, even with a valid party certificate and token', async () => {
    const res = await request(`${e2e.stack.urls.gateway}/v1/admin/parties`, { headers: operator(), tls: e2e.as('regio-nhn') });
    expect({ status: res.status, code: (JSON.parse(res.text) as { code: string }).code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('names every problem of a bad party in details', async () => {
    const res = await admin('POST', '', { ...direct('00000009999999999003'), kind: 'regional', signingKeyFile: '/nonexistent/key.pem', signingCertFile: 'relative.pem' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.stringContaining('absolute path')]);
  });
});

describe('managing a party with vir party', () => {
  const GEMEENTE = '00000004001234567000';

  it('adds a direct party that can then connect with its certificate; audited with the operator as actor', async () => {
    const cert = await issuePartyCertificate(pkiDir, { name: 'gemeente-x', oin: GEMEENTE, commonName: 'Gemeente X' });
    const tls = { ...e2e.as('regio-nhn'), key: readFileSync(cert.keyFile, 'utf8'), cert: cert.certificatePem };
    const ping = () => {
      const now = new Date().toISOString();
      const xml = signPing(
        { berichtId: randomUUID(), afzenderOin: GEMEENTE, ontvangerOin: DEV_INDEX.oin, verzonden: now, pingId: randomUUID(), richting: 'heen', hops: [{ component: 'gemeente-x', tijdstip: now }] },
        { oin: GEMEENTE, privateKey: createPrivateKey(readFileSync(cert.keyFile)), certificatePem: cert.certificatePem },
      );
      return request(`${e2e.stack.urls.gateway}/v1/berichten`, { method: 'POST', headers: { 'content-type': 'application/xml', accept: 'application/json' }, body: xml, tls });
    };
    expect((await ping()).status).toBe(401); // UNKNOWN_PARTY
    const added = await vir('party', 'add', '--oin', GEMEENTE, '--name', 'Gemeente X', '--kind', 'direct', '--convenant', '66', '--cert', cert.certFile, '--pull', '--rate-limit', '50');
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toContain('pull (xml)');
    expect((await ping()).status).toBe(202);
    const shown = await vir('party', 'show', GEMEENTE);
    expect(shown.out).toMatch(/create\s+by operator/);
    expect(shown.out).toContain('50/s');
    const again = await vir('party', 'add', '--oin', GEMEENTE, '--name', 'Gemeente X', '--kind', 'direct', '--convenant', '66');
    expect(again.code).toBe(1);
    expect(again.err).toContain('PARTY_EXISTS');
  });

  it('rolls over a certificate: the new one is refused until registered, then both work', async () => {
    const next = await issuePartyCertificate(pkiDir, { name: 'regio-nhn', oin: nhnOin, commonName: 'Verwijsindex Noord-Holland Noord' }, { rollover: true });
    const tls = { ...e2e.as('regio-nhn'), key: readFileSync(next.keyFile, 'utf8'), cert: next.certificatePem };
    expect(await melding(tls, regionalMelding({ bsn: testBsn(6001), melderId: 'roll-1' }))).toEqual({ status: 401, code: 'CLIENT_CERT_NOT_REGISTERED' });
    const updated = await vir('party', 'update', nhnOin, '--add-cert', next.certFile);
    expect(updated.code).toBe(0);
    expect((await admin('GET', `/${nhnOin}`)).body.certificates).toHaveLength(2);
    expect(await melding(tls, regionalMelding({ bsn: testBsn(6002), melderId: 'roll-2' }))).toEqual({ status: 202 });
    expect(await melding(e2e.as('regio-nhn'), regionalMelding({ bsn: testBsn(6003), melderId: 'roll-3' }))).toEqual({ status: 202 });
    const audit = (await admin('GET', `/${nhnOin}/audit`)).body.entries as { action: string; actor: string; before: { certificates: string[] }; after: { certificates: string[] } }[];
    expect(audit[0]).toMatchObject({ action: 'update', actor: 'operator' });
    expect([audit[0].before.certificates.length, audit[0].after.certificates.length]).toEqual([1, 2]);
  });
});

describe('certificate expiry', () => {
  interface CertificateStatus {
    partyOin: string;
    use: 'client' | 'signing';
    fingerprint: string;
    notAfter: string | null;
    daysLeft: number | null;
    status: string;
  }
  const report = async (query = ''): Promise<CertificateStatus[]> => {
    const res = await request(`${e2e.stack.gatewayAdminUrl}/v1/admin/certificates${query}`, { headers: operator() });
    expect(res.status).toBe(200);
    return (JSON.parse(res.text) as { certificates: CertificateStatus[] }).certificates;
  };
  const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

  it('knows the expiry of every certificate of the parties file from the start, and of the tenants\u2019 signing certificates', async () => {
    const list = await report();
    for (const p of e2e.stack.parties) {
      const client = list.find((c) => c.partyOin === p.oin && c.use === 'client');
      expect(client).toMatchObject({ status: 'valid', notAfter: expect.stringMatching(/^\d{4}-/) });
      expect(client!.daysLeft).toBeGreaterThan(60);
    }
    expect(list.filter((c) => c.use === 'signing').map((c) => c.partyOin).sort()).toEqual(e2e.stack.parties.filter((p) => p.kind === 'regional').map((p) => p.oin).sort());
    const refused = await request(`${e2e.stack.gatewayAdminUrl}/v1/admin/certificates?withinDays=soon`, { headers: operator() });
    expect([refused.status, (JSON.parse(refused.text) as { code: string }).code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await request(`${e2e.stack.gatewayAdminUrl}/v1/admin/certificates`)).status).toBe(401);
  });

  it('a certificate registered as PEM is checked (trusted, the party\u2019s own OIN) and its expiry known before the first connection', async () => {
    const OIN = '00000004001234567011';
    const cert = await issuePartyCertificate(pkiDir, { name: 'gemeente-kort', oin: OIN, commonName: 'Gemeente Kort' }, { validityDays: 30 });
    const other = await issuePartyCertificate(pkiDir, { name: 'gemeente-ander', oin: '00000004001234567022', commonName: 'Gemeente Ander' });
    const selfSigned = mkdtempSync(join(tmpdir(), 'vir-self-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(selfSigned, 'k.pem'), '-out', join(selfSigned, 'c.pem'), '-days', '30', '-subj', `/serialNumber=${OIN}/CN=zelf`], { stdio: 'ignore' });
    const rogue = readFileSync(join(selfSigned, 'c.pem'), 'utf8');
    rmSync(selfSigned, { recursive: true, force: true });
    const before = await auditCount();
    const direct = { oin: OIN, name: 'Gemeente Kort', kind: 'direct', convenant: '66', pull: true };
    const bad = await admin('POST', '', { ...direct, certificates: [other.certificatePem, rogue] });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(bad.body.details).toEqual([expect.stringContaining("carries OIN 00000004001234567022, not the party's"), expect.stringContaining('certificates[1]: not trusted (CERT_UNKNOWN_CA')]);
    expect(await auditCount()).toBe(before); // nothing registered
    expect((await admin('POST', '', { ...direct, certificates: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] })).body.details).toEqual(['certificates[0]: not a readable PEM certificate']);

    const added = await vir('party', 'add', '--oin', OIN, '--name', 'Gemeente Kort', '--kind', 'direct', '--convenant', '66', '--cert', cert.certFile, '--pull');
    expect(added.code).toBe(0);
    expect((await admin('GET', `/${OIN}`)).body.certificates).toEqual([fingerprintOf(cert.certificatePem)]);
    const mine = (await report()).find((c) => c.partyOin === OIN)!;
    expect(mine).toMatchObject({ use: 'client', status: 'expiring', notAfter: cert.notAfter.toISOString() });
    expect(mine.daysLeft).toBeGreaterThanOrEqual(29);
    expect((await report('?withinDays=10')).find((c) => c.partyOin === OIN)!.status).toBe('valid');

    const expiring = await vir('party', 'certificates', '--expiring');
    expect(expiring.code).toBe(1);
    expect(expiring.out).toMatch(new RegExp(`${OIN}\\s+client\\s+EXPIRING\\s+${cert.notAfter.toISOString().slice(0, 10)}`));
    expect(expiring.out).not.toContain(nhnOin);
    expect((await vir('party', 'certificates', '--expiring', '--within-days', '10')).code).toBe(0);
  });

  it('a certificate registered by fingerprint only is unknown until the party presents it, then known', async () => {
    const OIN = '00000004001234567033';
    const cert = await issuePartyCertificate(pkiDir, { name: 'gemeente-vinger', oin: OIN, commonName: 'Gemeente Vinger' });
    const fingerprint = fingerprintOf(cert.certificatePem);
    expect((await vir('party', 'add', '--oin', OIN, '--name', 'Gemeente Vinger', '--kind', 'direct', '--convenant', '66', '--fingerprint', fingerprint, '--pull')).code).toBe(0);
    expect((await report()).find((c) => c.fingerprint === fingerprint)).toMatchObject({ partyOin: OIN, status: 'unknown', notAfter: null, daysLeft: null });
    const tls = { ...e2e.as('regio-nhn'), key: readFileSync(cert.keyFile, 'utf8'), cert: cert.certificatePem };
    const res = await request(`${e2e.stack.urls.gateway}/v1/signalen`, { headers: { accept: 'application/json' }, tls });
    expect(res.status).toBe(200);
    await waitUntil(async () => ((await report()).find((c) => c.fingerprint === fingerprint)?.status === 'valid' ? true : undefined), 10_000, 'the expiry learned from the handshake');
    const row = (await db.query(`SELECT oin, learned_from FROM ${schema()}.party_certificate WHERE fingerprint = $1`, [fingerprint])).rows[0];
    expect(row).toEqual({ oin: OIN, learned_from: 'handshake' });
  });
});

describe('suspension', () => {
  it('refuses a suspended party’s messages and holds its signals, then delivers them after resume', async () => {
    const nhn = e2e.as('regio-nhn');
    const twente = e2e.as('regio-twente');
    // NHN reports a child before it is suspended…
    const child = testBsn(6101);
    const a = regionalMelding({ bsn: child, melderId: 'nhn-s', naam: 'Sanne Suspended' });
    expect(await melding(nhn, a)).toEqual({ status: 202 });

    const suspended = await vir('party', 'suspend', nhnOin, '--reason', 'supplier migration');
    expect(suspended.code).toBe(0);
    const blocked = regionalMelding({ bsn: testBsn(6102), melderId: 'nhn-blocked' });
    expect(await melding(nhn, blocked)).toEqual({ status: 403, code: 'PARTY_SUSPENDED' });
    expect((await admin('POST', `/${nhnOin}/suspend`, {})).body.code).toBe('STATUS_UNCHANGED');

    // …then Twente reports the same child: a match, with a signal for each of them.
    const b = regionalMelding({ bsn: child, melderId: 'tw-s', naam: 'Tom Twente' });
    expect(await melding(twente, b)).toEqual({ status: 202 });
    const forRef = (ref: string) => e2e.webhooks.deliveries.filter((d) => d.body.includes(ref));
    await e2e.webhooks.waitFor(() => forRef(b.referentie).length === 1, 30_000);
    // NHN's signal is queued and stays so: no attempt is made while suspended.
    const nhnSignal = await waitUntil(
      async () => {
        const r = await db.query(`SELECT id, status, attempts FROM ${schema()}.signal WHERE recipient_oin = $1 AND content::text LIKE $2`, [nhnOin, `%${a.referentie}%`]);
        return r.rows[0] as { id: string; status: string; attempts: number } | undefined;
      },
      30_000,
      "NHN's signal in the gateway's queue",
    );
    await new Promise((r) => setTimeout(r, 1_500)); // 15 delivery polls
    expect(forRef(a.referentie)).toHaveLength(0);
    expect((await db.query(`SELECT status, attempts FROM ${schema()}.signal WHERE id = $1`, [nhnSignal.id])).rows[0]).toEqual({ status: 'queued', attempts: 0 });

    const resumed = await vir('party', 'resume', nhnOin);
    expect(resumed.code).toBe(0);
    await e2e.webhooks.waitFor(() => forRef(a.referentie).length === 1, 15_000);
    const delivered = forRef(a.referentie)[0];
    expect(delivered.party).toBe('regio-nhn');
    expect(JSON.parse(delivered.body)).toMatchObject({ ontvangerOin: nhnOin, andereMelder: { naam: 'Tom Twente', convenant: '41' } });
    // The row is marked delivered once the webhook has answered (sent while the attempt runs): wait for it, then it took a single attempt.
    const row = await waitUntil(
      async () => {
        const r = (await db.query(`SELECT status, attempts FROM ${schema()}.signal WHERE id = $1`, [nhnSignal.id])).rows[0] as { status: string; attempts: number };
        return r.status === 'queued' || r.status === 'sent' ? undefined : r;
      },
      10_000,
      'the signal marked delivered',
    );
    expect(row).toEqual({ status: 'delivered', attempts: 1 });
    expect(await melding(nhn, regionalMelding({ bsn: testBsn(6103), melderId: 'nhn-back' }))).toEqual({ status: 202 });

    // Audited: who, what, when, before and after.
    const audit = (await admin('GET', `/${nhnOin}/audit`)).body.entries as { action: string; actor: string; at: string; before: { status: string }; after: { status: string; statusReason: string | null } }[];
    expect(audit.slice(0, 2).map((e) => [e.action, e.actor, e.before.status, e.after.status])).toEqual([
      ['resume', 'operator', 'suspended', 'active'],
      ['suspend', 'operator', 'active', 'suspended'],
    ]);
    expect(audit[1].after.statusReason).toBe('supplier migration');
    expect(Number.isNaN(Date.parse(audit[1].at))).toBe(false);
  });

  it('forwarded none of the refused messages (kcat)', async () => {
    const keys = await waitUntil(
      async () => {
        const k = kcat(`${e2e.namespace}.vir.inbound.v1`, '%k\\n').split('\n').filter(Boolean);
        return accepted.every((id) => k.includes(id)) ? k : undefined;
      },
      15_000,
      'the accepted meldingen on the inbound topic',
    );
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(keys.filter((k) => refused.includes(k))).toEqual([]);
  });
});
