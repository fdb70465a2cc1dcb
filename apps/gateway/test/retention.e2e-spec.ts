import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { FixedClock } from '@vir/domain';
import { openDataSource } from '@vir/persistence';
import { GATEWAY_MIGRATIONS } from '../src/migrations';
import { GATEWAY_ENTITIES } from '../src/persistence/gateway.entities';
import { RetentionJob } from '../src/retention/retention.job';

// Retention at the gateway, on real PostgreSQL with a moved clock: the forwarded XML goes after its
// days (the ledger entry stays, so a resend is still recognised); a delivered or acknowledged
// signal loses its content after its days; pending and failed signals keep theirs.

const clock = new FixedClock(new Date('2026-11-22T12:00:00Z'));
const DAY = 86_400_000;
const PARTY = '00000003273416560001';
let ds: DataSource;
let schema: string;

beforeAll(async () => {
  schema = `t${randomUUID().slice(0, 8)}_gateway`;
  ds = await openDataSource({ url: process.env.VIR_TEST_DATABASE_URL!, schema, entities: GATEWAY_ENTITIES, migrations: GATEWAY_MIGRATIONS, applicationName: 'gateway-retention-test' });
});

afterAll(async () => {
  await ds?.query(`DROP SCHEMA "${schema}" CASCADE`);
  await ds?.destroy();
});

const ago = (days: number) => new Date(clock.now().getTime() - days * DAY);

async function ledger(days: number): Promise<string> {
  const id = randomUUID();
  await ds.query(`INSERT INTO ingress_message (message_id, party_oin, content_hash, received_at, xml) VALUES ($1, $2, 'h', $3, '<Melding/>')`, [id, PARTY, ago(days)]);
  return id;
}

async function signal(status: string, days: number): Promise<string> {
  const id = randomUUID();
  const at = ago(days);
  await ds.query(
    `INSERT INTO signal (id, type, recipient_oin, correlation_ids, xml, content, status, attempts, next_attempt_at, received_at, retry_since, delivered_at, acknowledged_at, failed_at)
     VALUES ($1, 'matchsignaal', $2, '{}', '<Matchsignaal/>', '{"andereMelder":{"naam":"Anna"}}', $3, 1, $4, $4, $4,
             CASE WHEN $3 IN ('delivered','acknowledged') THEN $4::timestamptz END, CASE WHEN $3 = 'acknowledged' THEN $4::timestamptz END, CASE WHEN $3 = 'failed' THEN $4::timestamptz END)`,
    [id, PARTY, status, at],
  );
  return id;
}

it('drops old forwarded XML and old delivered content, and keeps everything else', async () => {
  const [oldXml, newXml] = [await ledger(31), await ledger(29)];
  const oldDelivered = await signal('delivered', 40);
  const oldAcknowledged = await signal('acknowledged', 40);
  const newDelivered = await signal('delivered', 10);
  const oldFailed = await signal('failed', 40);
  const oldRetrying = await signal('retrying', 40);

  const job = new RetentionJob(ds, clock, { ingressXmlDays: 30, signalContentDays: 30 });
  expect(await job.runOnce()).toEqual({ ingressXml: 1, signalContent: 2 });

  const xml = await ds.query(`SELECT message_id, xml IS NOT NULL AS kept FROM ingress_message WHERE message_id = ANY($1::uuid[])`, [[oldXml, newXml]]);
  expect(Object.fromEntries(xml.map((r: { message_id: string; kept: boolean }) => [r.message_id, r.kept]))).toEqual({ [oldXml]: false, [newXml]: true });

  const rows: { id: string; xml: string; content: object | null; purged: boolean; status: string }[] = await ds.query(
    `SELECT id, xml, content, content_purged_at IS NOT NULL AS purged, status FROM signal WHERE id = ANY($1::uuid[])`,
    [[oldDelivered, oldAcknowledged, newDelivered, oldFailed, oldRetrying]],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const gone of [oldDelivered, oldAcknowledged]) expect(byId.get(gone)).toMatchObject({ xml: '', content: null, purged: true });
  for (const kept of [newDelivered, oldFailed, oldRetrying]) expect(byId.get(kept)).toMatchObject({ xml: '<Matchsignaal/>', purged: false, content: { andereMelder: { naam: 'Anna' } } });
  // Statuses are untouched: the history of what happened stays.
  expect([...byId.values()].map((r) => r.status).sort()).toEqual(['acknowledged', 'delivered', 'delivered', 'failed', 'retrying']);

  // A second pass finds nothing more.
  expect(await job.runOnce()).toEqual({ ingressXml: 0, signalContent: 0 });
});
