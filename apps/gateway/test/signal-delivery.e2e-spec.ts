import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEV_INDEX, DEV_OPERATOR, type DevParty } from '@vir/devstack';
import { postJson, regionalMelding, request, startE2eStack, testBsn, waitUntil, type E2eStack, type HttpAnswer } from '@vir/testing';
import { signPing } from '@vir/xml';
import { memoryIo } from '../../cli/src/vir/cli-io';
import { runVir } from '../../cli/src/vir/vir-cli';

// Delivery of signals end to end (real HTTPS with client certificates, Kafka, PostgreSQL): the
// status lifecycle and its history, retries with one idempotency key, order per party, give-up
// raised and an operator's resend, pull with acknowledgement, follow-up reports, and isolation
// between parties.

let e2e: E2eStack;
let db: Client;
let nhn: DevParty;
let twente: DevParty;
let rvdk: DevParty;

const GIVE_UP_MS = 4_000;
const VISIBILITY_MS = 1_500;

beforeAll(async () => {
  e2e = await startE2eStack({
    gateway: { DELIVERY_POLL_MS: '100', DELIVERY_RETRY_BASE_MS: '200', DELIVERY_GIVE_UP_MS: String(GIVE_UP_MS), PULL_VISIBILITY_TIMEOUT_MS: String(VISIBILITY_MS) },
  });
  [nhn, twente, rvdk] = ['regio-nhn', 'regio-twente', 'rvdk'].map((n) => e2e.stack.parties.find((p) => p.name === n)!);
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await e2e?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gw = (path: string) => `${e2e.stack.urls.gateway}${path}`;
const schema = () => `"${e2e.namespace}_gateway"`;
const today = () => new Date().toISOString().slice(0, 10);

function json(res: HttpAnswer): Record<string, unknown> {
  return res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
}

/** A party-port request as `p` (mutual TLS). */
async function asParty(p: DevParty, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(gw(path), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    tls: e2e.as(p),
  });
  return { status: res.status, body: json(res) };
}

async function admin(method: string, path: string, body?: unknown, token = e2e.stack.operatorToken): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${e2e.stack.gatewayAdminUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: json(res) };
}

async function vir(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ env: { VIR_ADMIN_URL: e2e.stack.gatewayAdminUrl, VIR_OPERATOR_TOKEN: e2e.stack.operatorToken }, cwd: process.cwd() });
  const code = await runVir(args, io);
  return { code, ...io.output() };
}

function kcat(topic: string, format: string): string {
  return execFileSync('kcat', ['-b', process.env.VIR_TEST_KAFKA_BROKERS!, '-C', '-t', topic, '-e', '-q', '-f', format], { encoding: 'utf8', timeout: 30_000 });
}

interface Flow {
  messageId: string;
  step: string;
  outcome: string;
  code?: string;
  detail?: string;
  partyOin?: string;
}
function flowEvents(): Flow[] {
  return kcat(`${e2e.namespace}.vir.flow-events.v1`, '%s\\n')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Flow);
}

/** The gateway's signal (id) whose correlation ids include `correlationId`, once queued. */
async function signalAbout(correlationId: string): Promise<string> {
  return waitUntil(
    async () => (await db.query(`SELECT id FROM ${schema()}.signal WHERE $1 = ANY(correlation_ids)`, [correlationId])).rows[0]?.id as string | undefined,
    30_000,
    `the signal about ${correlationId}`,
  );
}

async function signalRow(id: string): Promise<{ status: string; seq: string; acknowledged_at: Date | null; attempts: number }> {
  return (await db.query(`SELECT status, seq, acknowledged_at, attempts FROM ${schema()}.signal WHERE id = $1`, [id])).rows[0];
}

/** A tenant's ping: its answer comes back as a signal to that tenant. */
async function tenantPing(p: DevParty): Promise<string> {
  const berichtId = randomUUID();
  expect((await postJson(gw('/v1/ping'), { berichtId }, e2e.as(p))).status).toBe(202);
  return signalAbout(berichtId);
}

async function rvdkPing(): Promise<string> {
  const { pki } = e2e.stack;
  const now = new Date().toISOString();
  const berichtId = randomUUID();
  const xml = signPing(
    { berichtId, afzenderOin: rvdk.oin, ontvangerOin: DEV_INDEX.oin, verzonden: now, pingId: berichtId, richting: 'heen', hops: [{ component: 'rvdk', tijdstip: now }] },
    { oin: rvdk.oin, privateKey: createPrivateKey(readFileSync(pki.key('rvdk'))), certificatePem: readFileSync(pki.cert('rvdk'), 'utf8') },
  );
  const res = await request(gw('/v1/berichten'), { method: 'POST', headers: { 'content-type': 'application/xml', accept: 'application/json' }, body: xml, tls: e2e.as(rvdk) });
  expect(res.status).toBe(202);
  return signalAbout(berichtId);
}

async function statusOf(id: string): Promise<string> {
  return (await admin('GET', `/v1/admin/signalen/${id}`)).body.status as string;
}

const statuses = (view: Record<string, unknown>) => (view.history as { status: string }[]).map((h) => h.status);

describe('push delivery', () => {
  it('retries a failing webhook with one idempotency key, delivers once, and shows every transition (API, flow events)', async () => {
    e2e.webhooks.failNext('regio-nhn', 2);
    const id = await tenantPing(nhn);
    await e2e.webhooks.waitFor((ds) => ds.some((d) => d.signalId === id), 20_000);
    await waitUntil(async () => ((await statusOf(id)) === 'delivered' ? true : undefined), 10_000, 'delivered');
    await sleep(500);
    expect(e2e.webhooks.deliveries.filter((d) => d.signalId === id)).toHaveLength(1);
    const attempts = e2e.webhooks.attempts.filter((a) => a.signalId === id);
    expect(attempts.map((a) => a.status)).toEqual([503, 503, 204]);
    expect(new Set(attempts.map((a) => a.idempotencyKey))).toEqual(new Set([id]));

    const mine = await asParty(nhn, 'GET', `/v1/signalen/${id}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id, type: 'ping', status: 'delivered', attempts: 3, recipientOin: nhn.oin });
    expect(statuses(mine.body)).toEqual(['queued', 'sent', 'retrying', 'sent', 'retrying', 'sent', 'delivered']);
    expect((mine.body.history as { attempt: number; channel: string }[]).filter((h) => h.channel === 'push').map((h) => h.attempt)).toEqual([1, 1, 2, 2, 3, 3]);

    const ops = await admin('GET', `/v1/admin/signalen/${id}`);
    expect(statuses(ops.body)).toEqual(statuses(mine.body));
    const shown = await vir('signal', 'show', id);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('status          delivered');
    expect(shown.out).toMatch(/retrying\s+attempt 1\s+push\s+HTTP 503/);

    await waitUntil(async () => (flowEvents().some((e) => e.messageId === id && e.step === 'gateway.delivered') ? true : undefined), 10_000, 'flow events');
    const steps = flowEvents().filter((e) => e.messageId === id);
    expect(steps.map((e) => e.step)).toEqual([
      'gateway.signal-received',
      'gateway.signal-sent',
      'gateway.delivery-attempt',
      'gateway.signal-sent',
      'gateway.delivery-attempt',
      'gateway.signal-sent',
      'gateway.delivered',
    ]);
    expect(steps.filter((e) => e.step === 'gateway.delivery-attempt').every((e) => e.outcome === 'failed' && e.code === 'DELIVERY_RETRYING')).toBe(true);
  });

  it("keeps a party's order: a signal being retried holds back the later ones", async () => {
    e2e.webhooks.failNext('regio-nhn', 3);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await tenantPing(nhn));
    await e2e.webhooks.waitFor((ds) => ids.every((id) => ds.some((d) => d.signalId === id)), 30_000);
    const seen = e2e.webhooks.attempts.filter((a) => ids.includes(a.signalId)).map((a) => [ids.indexOf(a.signalId), a.status]);
    expect(seen).toEqual([
      [0, 503],
      [0, 503],
      [0, 503],
      [0, 204],
      [1, 204],
      [2, 204],
    ]);
  });
});

describe('give-up and resend', () => {
  it('fails a signal after the give-up time, raises it, and an operator resends it in its place in the order', async () => {
    e2e.webhooks.failNext('rvdk', 1_000_000);
    const r1 = await rvdkPing();
    await waitUntil(async () => ((await statusOf(r1)) === 'failed' ? true : undefined), GIVE_UP_MS + 15_000, 'give-up');
    const failed = await admin('GET', `/v1/admin/signalen/${r1}`);
    expect(failed.body).toMatchObject({ status: 'failed', lastError: 'HTTP 503', failedAt: expect.any(String), nextAttemptAt: null });
    // Raised: a log line an operator sees, and a failed flow event.
    await waitUntil(async () => (readFileSync(join(e2e.stack.logDir, 'gateway.log'), 'utf8').includes(`SIGNAL DELIVERY FAILED: ping ${r1}`) ? true : undefined), 5_000, 'the log line');
    await waitUntil(async () => (flowEvents().some((e) => e.messageId === r1 && e.step === 'gateway.delivery-failed') ? true : undefined), 10_000, 'the failed flow event');
    expect(flowEvents().find((e) => e.messageId === r1 && e.step === 'gateway.delivery-failed')).toMatchObject({ outcome: 'failed', code: 'DELIVERY_GAVE_UP', partyOin: rvdk.oin });
    const listed = await vir('signal', 'list', '--status', 'failed', '--party', rvdk.oin);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(r1);

    // A later signal, retrying; then the operator resends the failed one: it goes first.
    const r2 = await rvdkPing();
    await waitUntil(async () => ((await statusOf(r2)) === 'retrying' ? true : undefined), 10_000, 'r2 retrying');
    const resent = await vir('signal', 'resend', r1, '--reason', 'webhook repaired');
    expect(resent).toMatchObject({ code: 0 });
    e2e.webhooks.failNext('rvdk', 0);
    await e2e.webhooks.waitFor((ds) => [r1, r2].every((id) => ds.some((d) => d.signalId === id)), 20_000);
    expect(e2e.webhooks.deliveries.filter((d) => d.party === 'rvdk' && [r1, r2].includes(d.signalId)).map((d) => d.signalId)).toEqual([r1, r2]);
    await waitUntil(async () => ((await statusOf(r1)) === 'delivered' ? true : undefined), 5_000, 'r1 delivered');
    const history = (await admin('GET', `/v1/admin/signalen/${r1}`)).body.history as { status: string; actor: string | null; detail: string | null }[];
    expect(history.map((h) => h.status)).toEqual(expect.arrayContaining(['failed', 'queued', 'delivered']));
    expect(history.find((h) => h.actor !== null)).toMatchObject({ status: 'queued', actor: DEV_OPERATOR, detail: 'resent by an operator: webhook repaired' });
    // The party sees the history, not who the operator was.
    const theirs = await asParty(rvdk, 'GET', `/v1/signalen/${r1}`);
    expect((theirs.body.history as object[]).every((h) => !('actor' in h))).toBe(true);
    await waitUntil(async () => (flowEvents().some((e) => e.messageId === r1 && e.step === 'gateway.signal-resent') ? true : undefined), 10_000, 'the resent flow event');
  });

  it('refuses to resend what is not failed, or unknown, or without a token, changing nothing', async () => {
    const delivered = (await db.query(`SELECT id FROM ${schema()}.signal WHERE status = 'delivered' LIMIT 1`)).rows[0].id as string;
    const events = async () => (await db.query(`SELECT count(*)::int AS n FROM ${schema()}.signal_event`)).rows[0].n as number;
    const before = await events();
    expect(await admin('POST', `/v1/admin/signalen/${delivered}/resend`, {})).toMatchObject({ status: 409, body: { code: 'SIGNAL_NOT_FAILED' } });
    expect(await admin('POST', `/v1/admin/signalen/${randomUUID()}/resend`, {})).toMatchObject({ status: 404, body: { code: 'SIGNAL_NOT_FOUND' } });
    expect(await admin('POST', `/v1/admin/signalen/not-a-uuid/resend`, {})).toMatchObject({ status: 404, body: { code: 'SIGNAL_NOT_FOUND' } });
    expect(await admin('POST', `/v1/admin/signalen/${delivered}/resend`, {}, 'x'.repeat(40))).toMatchObject({ status: 401, body: { code: 'OPERATOR_UNAUTHORIZED' } });
    expect(await admin('GET', `/v1/admin/signalen?status=lost`)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const cli = await vir('signal', 'resend', delivered);
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('SIGNAL_NOT_FAILED');
    expect(await events()).toBe(before);
    // The admin API does not exist on the party port.
    expect((await asParty(nhn, 'GET', '/v1/admin/signalen')).body.code).toBe('NOT_FOUND');
  });
});

// Shared by the follow-up and isolation scenarios: two meldingen of NHN about one young person.
const nhnA = regionalMelding({ bsn: testBsn(7001), melderId: 'nhn-fa', naam: 'Fenna Opvolging' });
const nhnB = regionalMelding({ bsn: testBsn(7001), melderId: 'nhn-fb', naam: 'Floor Opvolging' });
let signalToA = '';
let signalToB = '';

describe('follow-up reporting', () => {
  beforeAll(async () => {
    for (const m of [nhnA, nhnB]) expect((await postJson(gw('/v1/meldingen'), m, e2e.as(nhn))).status).toBe(202);
    const forRef = (ref: string) => e2e.webhooks.deliveries.find((d) => d.body.includes(ref));
    await e2e.webhooks.waitFor(() => forRef(nhnA.referentie) !== undefined && forRef(nhnB.referentie) !== undefined, 30_000);
    signalToA = forRef(nhnA.referentie)!.signalId;
    signalToB = forRef(nhnB.referentie)!.signalId;
    await waitUntil(async () => ((await statusOf(signalToB)) === 'delivered' ? true : undefined), 5_000, 'delivered');
  });

  it('stores a report once: an identical repeat gets the first answer, a different one is a conflict', async () => {
    const report = { contact: false, redenCode: 'GEEN_REACTIE', datum: today() };
    const first = await asParty(nhn, 'POST', `/v1/signalen/${signalToA}/opvolging`, report);
    expect(first).toMatchObject({ status: 201, body: { signalId: signalToA, ...report, reportedAt: expect.any(String) } });
    expect(await asParty(nhn, 'POST', `/v1/signalen/${signalToA}/opvolging`, report)).toMatchObject({ status: 200, body: { ...report, replayed: true, reportedAt: first.body.reportedAt } });
    expect(await asParty(nhn, 'POST', `/v1/signalen/${signalToA}/opvolging`, { contact: true, datum: today() })).toMatchObject({ status: 409, body: { code: 'FOLLOW_UP_EXISTS' } });
    const rows = await db.query(`SELECT party_oin, contact, reden_code, to_char(datum, 'YYYY-MM-DD') AS datum FROM ${schema()}.signal_follow_up WHERE signal_id = $1`, [signalToA]);
    expect(rows.rows).toEqual([{ party_oin: nhn.oin, contact: false, reden_code: 'GEEN_REACTIE', datum: today() }]);
    expect((await asParty(nhn, 'GET', `/v1/signalen/${signalToA}`)).body.followUp).toMatchObject(report);
  });

  it("shows a party its own melding with its signals about it", async () => {
    const own = await asParty(nhn, 'GET', `/v1/berichten/${nhnA.berichtId.toUpperCase()}`);
    expect(own).toMatchObject({ status: 200, body: { trackingId: nhnA.berichtId, receivedAt: expect.any(String) } });
    // The match is about both of NHN's meldingen: both its signals concern this one.
    const signalen = own.body.signalen as { id: string; type: string }[];
    expect(signalen.map((s) => s.id).sort()).toEqual([signalToA, signalToB].sort());
    expect(signalen.every((s) => s.type === 'matchsignaal')).toBe(true);
  });

  it('refuses a malformed report with every problem, and a ping answer as an unknown signal', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const bad = await asParty(nhn, 'POST', `/v1/signalen/${signalToB}/opvolging`, { contact: false, datum: tomorrow, naam: 'x' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(bad.body.details).toHaveLength(3);
    expect(await asParty(nhn, 'POST', `/v1/signalen/${signalToB}/opvolging`, '{"contact":')).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
    const ping = (await db.query(`SELECT id FROM ${schema()}.signal WHERE recipient_oin = $1 AND type = 'ping' LIMIT 1`, [nhn.oin])).rows[0].id as string;
    expect(await asParty(nhn, 'POST', `/v1/signalen/${ping}/opvolging`, { contact: true, datum: today() })).toMatchObject({ status: 404, body: { code: 'SIGNAL_NOT_FOUND' } });
    expect((await db.query(`SELECT count(*)::int AS n FROM ${schema()}.signal_follow_up WHERE signal_id = $1`, [signalToB])).rows[0].n).toBe(0);
    expect(await asParty(nhn, 'POST', `/v1/signalen/${signalToB}/opvolging`, { contact: true, datum: today() })).toMatchObject({ status: 201 });
  });

  it('emits gateway.follow-up-reported with the answer and no personal data', async () => {
    await waitUntil(async () => (flowEvents().filter((e) => e.step === 'gateway.follow-up-reported').length >= 2 ? true : undefined), 10_000, 'follow-up events');
    const events = flowEvents().filter((e) => e.step === 'gateway.follow-up-reported');
    expect(events.find((e) => e.messageId === signalToA)).toMatchObject({ outcome: 'ok', code: 'GEEN_REACTIE', partyOin: nhn.oin, detail: expect.stringContaining('contact=false') });
    expect(events.find((e) => e.messageId === signalToB)).toMatchObject({ outcome: 'ok', detail: expect.stringContaining('contact=true') });
    const text = JSON.stringify(events);
    for (const secret of [testBsn(7001), 'Fenna', 'Floor', nhnA.referentie]) expect(text).not.toContain(secret);
  });
});

describe('tenant isolation: as the wrong party, every endpoint refuses with a code and nothing changes', () => {
  it("cannot read, acknowledge or report on another party's signal, nor withdraw its melding or send in its name", async () => {
    const snapshot = async () => ({
      signal: (await db.query(`SELECT status, acknowledged_at, attempts FROM ${schema()}.signal WHERE id = ANY($1::uuid[]) ORDER BY id`, [[signalToA, signalToB]])).rows,
      events: (await db.query(`SELECT count(*)::int AS n FROM ${schema()}.signal_event WHERE signal_id = ANY($1::uuid[])`, [[signalToA, signalToB]])).rows[0].n,
      followUps: (await db.query(`SELECT signal_id, contact, reden_code FROM ${schema()}.signal_follow_up ORDER BY signal_id`)).rows,
    });
    const before = await snapshot();
    const [ghostA, ghostB, ghostMelding] = [randomUUID(), randomUUID(), randomUUID()];
    const refusals: [string, string, string, unknown?][] = [
      ['GET', `/v1/signalen/${signalToA}`, 'SIGNAL_NOT_FOUND'],
      ['POST', `/v1/signalen/${signalToA}/ack`, 'SIGNAL_NOT_FOUND'],
      ['POST', `/v1/signalen/ack`, 'SIGNAL_NOT_FOUND', { ids: [signalToA, signalToB] }],
      ['POST', `/v1/signalen/${signalToB}/opvolging`, 'SIGNAL_NOT_FOUND', { contact: true, datum: today() }],
      ['POST', `/v1/signalen/${signalToA}/opvolging`, 'SIGNAL_NOT_FOUND', { contact: true, datum: today() }],
      ['GET', `/v1/berichten/${nhnA.berichtId}`, 'MESSAGE_NOT_FOUND'],
    ];
    for (const [method, path, code, body] of refusals) {
      const res = await asParty(twente, method, path, body);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code });
      // No existence leak: another party's signal is answered exactly as an id that does not exist.
      const ghostly = (text: string) => text.replaceAll(signalToA, ghostA).replaceAll(signalToB, ghostB).replaceAll(nhnA.berichtId, ghostMelding);
      const ghost = await asParty(twente, method, ghostly(path), body && JSON.parse(ghostly(JSON.stringify(body))));
      expect(ghost.status).toBe(res.status);
      expect(ghost.body.message).toBe(res.body.message);
    }

    // A melding of NHN withdrawn by Twente: accepted for the index, refused there (MELDING_NOT_FOUND, as for a melding that does not exist).
    const intrekking = { berichtId: randomUUID(), melding: { berichtId: nhnA.berichtId } };
    expect((await postJson(gw('/v1/intrekkingen'), intrekking, e2e.as(twente))).status).toBe(202);
    await e2e.webhooks.waitFor((ds) => ds.some((d) => d.party === 'regio-twente' && d.body.includes(intrekking.berichtId)), 30_000);
    const fout = JSON.parse(e2e.webhooks.deliveries.find((d) => d.party === 'regio-twente' && d.body.includes(intrekking.berichtId))!.body);
    expect(fout).toMatchObject({ berichtType: 'foutbericht', betreft: intrekking.berichtId, code: 'MELDING_NOT_FOUND' });
    // … and in NHN's name: refused at the gateway.
    const forged = { berichtId: randomUUID(), afzenderOin: nhn.oin, melding: { berichtId: nhnA.berichtId } };
    expect(await postJson(gw('/v1/intrekkingen'), forged, e2e.as(twente))).toMatchObject({ status: 403, body: { code: 'OIN_MISMATCH' } });
    // A batch item in NHN's name: that item refused, the other accepted.
    const own = regionalMelding({ bsn: testBsn(7002), melderId: 'tw-iso' });
    const foreign = { ...regionalMelding({ bsn: testBsn(7003), melderId: 'tw-iso2' }), afzenderOin: nhn.oin };
    const batch = await postJson(gw('/v1/meldingen/batch'), { meldingen: [own, foreign] }, e2e.as(twente));
    expect(batch).toMatchObject({ status: 200, body: { accepted: 1, rejected: 1, results: [{ result: 'accepted' }, { index: 1, result: 'rejected', code: 'OIN_MISMATCH' }] } });

    const melding = await db.query(`SELECT status FROM "${e2e.namespace}_index".melding WHERE message_id = $1`, [nhnA.berichtId]);
    expect(melding.rows).toEqual([{ status: 'active' }]);
    expect(await snapshot()).toEqual(before);
    const inbound = kcat(`${e2e.namespace}.vir.inbound.v1`, '%k\\n').split('\n');
    expect(inbound).toContain(own.berichtId);
    expect(inbound).not.toContain(foreign.berichtId);
    expect(inbound).not.toContain(forged.berichtId);
    const flows = flowEvents();
    expect(flows.filter((e) => [signalToA, signalToB].includes(e.messageId) && ['gateway.acknowledged', 'gateway.follow-up-reported'].includes(e.step) && e.partyOin !== nhn.oin)).toEqual([]);
    expect(flows.filter((e) => [signalToA, signalToB].includes(e.messageId) && e.step === 'gateway.acknowledged')).toEqual([]);
  });
});

describe('push delivery in batches (a party with pushBatchSize above 1)', () => {
  it('carries up to pushBatchSize signals per request, in order, all or none, each delivered once', async () => {
    const set = (body: object) => admin('PATCH', `/v1/admin/parties/${twente.oin}`, body);
    expect((await set({ pushBatchSize: 3 })).body).toMatchObject({ pushBatchSize: 3, deliveryFormat: 'json' });
    try {
      // The first requests fail, so the signals behind them gather; the retry takes them in groups of at most 3.
      e2e.webhooks.failNext('regio-twente', 2);
      const sent = await Promise.all(Array.from({ length: 6 }, () => tenantPing(twente)));
      const seq = new Map(await Promise.all(sent.map(async (id) => [id, Number((await signalRow(id)).seq)] as const)));
      const ids = [...sent].sort((x, y) => seq.get(x)! - seq.get(y)!); // production order
      await e2e.webhooks.waitFor((ds) => ids.every((id) => ds.some((d) => d.signalId === id)), 30_000);
      await sleep(500);
      const mine = e2e.webhooks.deliveries.filter((d) => ids.includes(d.signalId));
      expect(mine.map((d) => d.signalId)).toEqual(ids); // each once, in production order
      expect(mine.some((d) => (d.batch?.size ?? 1) > 1)).toBe(true);
      expect(Math.max(...mine.map((d) => d.batch?.size ?? 1))).toBeLessThanOrEqual(3);
      for (const d of mine.filter((x) => x.batch)) {
        expect(d.idempotencyKey).toMatch(/^signalen-[0-9a-f]{32}$/);
        expect(JSON.parse(d.body)).toMatchObject({ berichtType: 'ping' });
      }
      // All or none: the refused request's signals were all refused, and each went again.
      const refused = e2e.webhooks.attempts.filter((a) => ids.includes(a.signalId) && a.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) expect(e2e.webhooks.attempts.filter((a) => a.signalId === r.signalId).map((a) => a.status).at(-1)).toBe(204);
      for (const id of ids) expect(await statusOf(id)).toBe('delivered');
      const shown = await vir('party', 'show', twente.oin);
      expect(shown.out).toContain('up to 3 signals per request');
    } finally {
      expect((await set({ pushBatchSize: 1 })).status).toBe(200);
    }
  });

  it('refuses batches for a party that takes signed XML, changing nothing (VALIDATION_FAILED)', async () => {
    const before = (await admin('GET', `/v1/admin/parties/${rvdk.oin}`)).body;
    const res = await admin('PATCH', `/v1/admin/parties/${rvdk.oin}`, { pushBatchSize: 5 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: ['pushBatchSize above 1 needs deliveryFormat json'] });
    expect((await admin('GET', `/v1/admin/parties/${rvdk.oin}`)).body).toEqual(before);
    expect((await admin('PATCH', `/v1/admin/parties/${rvdk.oin}`, { pushBatchSize: 101 })).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('pull delivery', () => {
  beforeAll(async () => {
    expect((await admin('PATCH', `/v1/admin/parties/${twente.oin}`, { pull: true, webhookUrl: null })).status).toBe(200);
  });

  it('lists undelivered signals in production order with a cursor, hides them for the visibility timeout, and lists the unacknowledged again', async () => {
    expect(await asParty(nhn, 'GET', '/v1/signalen')).toMatchObject({ status: 403, body: { code: 'PULL_NOT_ENABLED' } });
    const a = regionalMelding({ bsn: testBsn(7101), melderId: 'tw-pa' });
    const b = regionalMelding({ bsn: testBsn(7101), melderId: 'tw-pb' });
    for (const m of [a, b]) expect((await postJson(gw('/v1/meldingen'), m, e2e.as(twente))).status).toBe(202);
    const p = await tenantPing(twente);
    const queued = await waitUntil(
      async () => {
        const rows = (await db.query(`SELECT id FROM ${schema()}.signal WHERE recipient_oin = $1 AND status = 'queued' ORDER BY seq`, [twente.oin])).rows as { id: string }[];
        return rows.length === 3 ? rows.map((r) => r.id) : undefined;
      },
      30_000,
      'three queued signals for Twente',
    );
    expect(queued).toContain(p);

    const page1 = await asParty(twente, 'GET', '/v1/signalen?limit=2');
    expect(page1.status).toBe(200);
    const items1 = page1.body.signalen as { id: string; attempt: number; contentType: string; bericht: { berichtType: string } }[];
    expect(items1.map((s) => s.id)).toEqual(queued.slice(0, 2));
    expect(items1.every((s) => s.contentType === 'application/json' && s.attempt === 1)).toBe(true);
    // The ping answer may overtake the matchsignalen at the index: the gateway's order is the index's.
    expect(items1.every((s) => ['matchsignaal', 'ping'].includes(s.bericht.berichtType))).toBe(true);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await asParty(twente, 'GET', `/v1/signalen?limit=2&cursor=${page1.body.nextCursor as string}`);
    expect((page2.body.signalen as { id: string }[]).map((s) => s.id)).toEqual([queued[2]]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await asParty(twente, 'GET', '/v1/signalen')).body.signalen).toEqual([]);

    const match = (await db.query(`SELECT id FROM ${schema()}.signal WHERE id = ANY($1::uuid[]) AND type = 'matchsignaal' ORDER BY seq LIMIT 1`, [queued])).rows[0].id as string;
    // Follow-up only once the party has it for sure (acknowledged).
    expect(await asParty(twente, 'POST', `/v1/signalen/${match}/opvolging`, { contact: true, datum: today() })).toMatchObject({ status: 409, body: { code: 'SIGNAL_NOT_DELIVERED' } });
    expect(await asParty(twente, 'POST', `/v1/signalen/${queued[0]}/ack`)).toMatchObject({ status: 200, body: { id: queued[0], status: 'acknowledged' } });
    expect(await asParty(twente, 'POST', `/v1/signalen/${queued[0]}/ack`)).toMatchObject({ status: 200, body: { replayed: true } });
    // An unknown id in a bulk acknowledgement: nothing acknowledged.
    expect(await asParty(twente, 'POST', '/v1/signalen/ack', { ids: [queued[1], randomUUID()] })).toMatchObject({ status: 404, body: { code: 'SIGNAL_NOT_FOUND' } });
    expect((await signalRow(queued[1])).status).toBe('sent');
    expect(await asParty(twente, 'GET', '/v1/signalen?cursor=bogus')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await asParty(twente, 'GET', '/v1/signalen?limit=0')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

    await sleep(VISIBILITY_MS + 300);
    const again = await asParty(twente, 'GET', '/v1/signalen');
    expect((again.body.signalen as { id: string; attempt: number }[]).map((s) => [s.id, s.attempt])).toEqual([
      [queued[1], 2],
      [queued[2], 2],
    ]);
    expect(await asParty(twente, 'POST', '/v1/signalen/ack', { ids: [queued[1], queued[2], queued[0]] })).toMatchObject({
      status: 200,
      body: { acknowledged: [queued[1], queued[2]], alreadyAcknowledged: [queued[0]] },
    });
    expect(await asParty(twente, 'POST', `/v1/signalen/${match}/opvolging`, { contact: true, datum: today() })).toMatchObject({ status: 201 });
    await sleep(VISIBILITY_MS + 300);
    expect((await asParty(twente, 'GET', '/v1/signalen')).body.signalen).toEqual([]);
    const view = await asParty(twente, 'GET', `/v1/signalen/${queued[1]}`);
    expect(view.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
    expect(statuses(view.body)).toEqual(['queued', 'sent', 'sent', 'acknowledged']);
    expect(e2e.webhooks.attempts.filter((x) => queued.includes(x.signalId))).toEqual([]);
    await waitUntil(async () => (flowEvents().filter((e) => queued.includes(e.messageId) && e.step === 'gateway.acknowledged').length === 3 ? true : undefined), 10_000, 'ack flow events');
  });
});

describe('a party that switches from JSON to XML while signals from bundles wait', () => {
  it('gets those signals as JSON (their XML has no signature of its own), by pull and by push, and signed XML for signals made after the switch', async () => {
    const set = async (body: object) => expect((await admin('PATCH', `/v1/admin/parties/${twente.oin}`, body)).status).toBe(200);
    const twenteWebhook = ((await admin('GET', `/v1/admin/parties/${nhn.oin}`)).body.webhookUrl as string).replace('regio-nhn', 'regio-twente');
    // A match of a young person: NHN's melding and Twente's; Twente's signal comes to the gateway in a bundle.
    const matchFor = async (n: number) => {
      const a = regionalMelding({ bsn: testBsn(7200 + n), melderId: `nhn-f${n}` });
      const b = regionalMelding({ bsn: testBsn(7200 + n), melderId: `tw-f${n}` });
      expect((await postJson(gw('/v1/meldingen'), a, e2e.as(nhn))).status).toBe(202);
      expect((await postJson(gw('/v1/meldingen'), b, e2e.as(twente))).status).toBe(202);
      const id = await waitUntil(
        async () => (await db.query(`SELECT id FROM ${schema()}.signal WHERE recipient_oin = $1 AND $2 = ANY(correlation_ids)`, [twente.oin, b.berichtId])).rows[0]?.id as string | undefined,
        30_000,
        `Twente's signal about ${b.referentie}`,
      );
      return { id, referentie: b.referentie, bundled: (await db.query(`SELECT bundled FROM ${schema()}.signal WHERE id = $1`, [id])).rows[0].bundled as boolean };
    };
    try {
      // Twente takes JSON (so the index bundles its signals) and pulls, so they wait at the gateway.
      await set({ deliveryFormat: 'json', pull: true, webhookUrl: null });
      const first = await matchFor(1);
      const second = await matchFor(2);
      expect([first.bundled, second.bundled]).toEqual([true, true]);
      await set({ deliveryFormat: 'xml' });

      // Pull: the waiting signal as JSON, with its content.
      const pulled = await asParty(twente, 'GET', '/v1/signalen?limit=1');
      const [item] = pulled.body.signalen as { id: string; contentType: string; bericht: { berichtType: string; eigenMelding: { referentie: string } } }[];
      expect(item).toMatchObject({ id: first.id, contentType: 'application/json', bericht: { berichtType: 'matchsignaal', eigenMelding: { referentie: first.referentie } } });
      expect((await asParty(twente, 'POST', `/v1/signalen/${first.id}/ack`)).status).toBe(200);

      // Push: the other waiting signal, as JSON too.
      await set({ pull: false, webhookUrl: twenteWebhook });
      await e2e.webhooks.waitFor((ds) => ds.some((d) => d.signalId === second.id), 30_000);
      const pushed = e2e.webhooks.deliveries.find((d) => d.signalId === second.id)!;
      expect(pushed.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(pushed.body)).toMatchObject({ berichtType: 'matchsignaal', eigenMelding: { referentie: second.referentie } });

      // Once the index has the new setting (it re-reads the parties' settings every 5 s), Twente's
      // signals come signed on their own, and go out as the index signed them.
      await waitUntil(
        async () => ((await db.query(`SELECT bundled_signals FROM "${e2e.namespace}_index".party_setting WHERE party_oin = $1`, [twente.oin])).rows[0]?.bundled_signals === false ? true : undefined),
        30_000,
        "the index's copy of Twente's setting",
      );
      await sleep(5_500);
      const third = await matchFor(3);
      expect(third.bundled).toBe(false);
      await e2e.webhooks.waitFor((ds) => ds.some((d) => d.signalId === third.id), 30_000);
      const signed = e2e.webhooks.deliveries.find((d) => d.signalId === third.id)!;
      expect(signed.contentType).toMatch(/^application\/xml/);
      expect(signed.body).toContain('http://www.w3.org/2000/09/xmldsig#');
      expect(signed.body).toContain(third.referentie);
    } finally {
      await set({ deliveryFormat: 'json', pull: false, webhookUrl: twenteWebhook });
    }
  });
});
