import { createHash, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { Contracts, type FlowEvent } from '@vir/contracts';
import { startPostgres } from '@vir/devstack';
import { SystemClock } from '@vir/domain';
import type { KafkaRecord } from '@vir/messaging';
import { openDataSource } from '@vir/persistence';
import { AccountStore } from '../../../monitor/src/access/account.store';
import { AuditLog } from '../../../monitor/src/access/audit.log';
import { PartyDirectory } from '../../../monitor/src/access/party-directory';
import { visibleParties, type Viewer } from '../../../monitor/src/access/roles';
import { SessionStore } from '../../../monitor/src/access/session.store';
import { messagesPage, overviewPage } from '../../../monitor/src/console/console.pages';
import { ConsoleQueries, type MessageFilter } from '../../../monitor/src/console/console.queries';
import { buildOverview, type Period } from '../../../monitor/src/console/overview-model';
import { FiguresQueries } from '../../../monitor/src/figures/figures.queries';
import { figuresPage } from '../../../monitor/src/figures/figures.page';
import { FiguresService } from '../../../monitor/src/figures/figures.service';
import { FlowEventRow } from '../../../monitor/src/flow/flow-event.entity';
import { MONITOR_MIGRATIONS } from '../../../monitor/src/migrations';
import { FlowIngestion } from '../../../monitor/src/read-model/flow-ingestion';
import { ReadModelStore } from '../../../monitor/src/read-model/read-model.store';
import { ROOT_DIR } from '../cli-paths';
import { startProfiler } from './cpu-profiler';
import { percentile, processCpuSeconds } from './measure';

// `npm run bench -- monitor [--events N] [--samples S]`: the monitor's read model. N flow events
// (default 1,000,000) in realistic flows of 40 parties over the last 30 days go through the real
// ingestion path (contract parse, one transaction per chunk of 1,000 with idempotent insert,
// message summaries and minute/day aggregates) into a real PostgreSQL (fsync on), three
// partitions concurrently as the consumer runs them. Then the console's page work (session
// lookup, queries, model, HTML rendering, audit insert) is timed S times per page. The index's and
// gateway's events carry the figure fields (area, municipality, domain, statistics key, matches,
// follow-up reports), so the Figures page is timed over the same data.

const PARTITIONS = 3;
const CHUNK = 1000;

interface Party {
  oin: string;
  name: string;
  convenant: string;
}

function parties(n: number): Party[] {
  return Array.from({ length: n }, (_, i) => ({ oin: `000000099${String(i).padStart(11, '0')}`, name: `Regio ${i} <b>&</b>`, convenant: String(1 + (i % 20)) }));
}

const DOMEINEN = ['jeugdhulp', 'jeugdgezondheidszorg', 'gezondheidszorg', 'onderwijs', 'maatschappelijke-ondersteuning', 'werk-en-inkomen', 'politie-en-justitie'];

/** A stored melding's figure dimensions, kept to be the other side of later matches. */
interface Stored {
  id: string;
  convenant: string;
  gemeente?: string;
  domein: string;
}

/** Figure data as the index puts it on its events: ~1.8 meldingen per young person, 10 % without a municipality. */
function figureOf(party: Party, id: string, rand: () => number): Stored & { subject: string } {
  // 17 municipalities per area.
  const gemeente = rand() < 0.9 ? String(Number(party.convenant) * 17 + Math.floor(rand() * 17)).padStart(4, '0') : undefined;
  const subject = createHash('sha256').update(`young-${Math.floor(rand() * 1_000_000)}`).digest('base64url').slice(0, 22);
  return { id, convenant: party.convenant, ...(gemeente ? { gemeente } : {}), domein: DOMEINEN[Math.floor(rand() * DOMEINEN.length)], subject };
}

/** One message's flow as the gateway and index report it: a melding, sometimes rejected, sometimes matched with signals. */
function flow(party: Party, others: Party[], t: number, rand: () => number, recent: Stored[]): FlowEvent[] {
  const id = randomUUID();
  const ev = (over: Partial<FlowEvent> & Pick<FlowEvent, 'step' | 'component'>, dt: number): FlowEvent => ({
    eventId: randomUUID(),
    messageId: id,
    partyOin: party.oin,
    outcome: 'ok',
    at: new Date(t + dt).toISOString(),
    ...over,
  });
  const out = [ev({ component: 'gateway', step: 'gateway.received', detail: 'regional-json' }, 0)];
  if (rand() < 0.04) {
    out.push(ev({ component: 'gateway', step: 'gateway.validated', outcome: 'rejected', code: rand() < 0.5 ? 'BSN_INVALID' : 'VALIDATION_FAILED', detail: 'rejected by the rules' }, 2));
    return out;
  }
  out.push(ev({ component: 'gateway', step: 'gateway.forwarded', detail: 'melding' }, 4));
  out.push(ev({ component: 'index', step: 'index.verified' }, 20));
  out.push(ev({ component: 'index', step: 'index.stored' }, 24));
  const self = figureOf(party, id, rand);
  const other = recent.length > 0 && rand() < 0.45 ? recent[Math.floor(rand() * recent.length)] : undefined;
  const reikwijdte = other?.convenant === self.convenant ? 'binnen-convenant' : 'convenant-overstijgend';
  out.push(
    ev(
      {
        component: 'index',
        step: 'index.matched',
        detail: other ? '1 match(es), 2 signal(s)' : '0 match(es), 0 signal(s)',
        convenant: self.convenant,
        ...(self.gemeente ? { gemeente: self.gemeente } : {}),
        domein: self.domein,
        subject: self.subject,
        ...(other ? { matches: [`${rand() < 0.4 ? 'kind' : 'gezin'}|${reikwijdte}|${other.id}|${other.convenant}|${other.gemeente ?? ''}|${other.domein}`] } : {}),
      },
      25,
    ),
  );
  recent[Math.floor(rand() * 1000)] = self;
  if (other) {
    for (const [recipient, about] of [
      [party, self],
      [others.find((p) => p.convenant === other.convenant) ?? party, other],
    ] as const) {
      const signal = randomUUID();
      const s = (step: string, component: FlowEvent['component'], dt: number, outcome: FlowEvent['outcome'] = 'ok'): FlowEvent => ({
        eventId: randomUUID(),
        messageId: signal,
        correlationIds: [id],
        partyOin: recipient.oin,
        component,
        step,
        outcome,
        at: new Date(t + dt).toISOString(),
      });
      out.push(
        { ...s('index.signal-queued', 'index', 26), convenant: about.convenant, ...(about.gemeente ? { gemeente: about.gemeente } : {}), domein: about.domein },
        s('gateway.signal-received', 'gateway', 40),
      );
      if (rand() < 0.03) out.push(s('gateway.delivery-attempt', 'gateway', 60, 'failed'));
      out.push(s('gateway.delivered', 'gateway', 90));
      // A third of the professionals report their follow-up.
      if (rand() < 0.33) out.push({ ...s('gateway.follow-up-reported', 'gateway', 120), detail: `contact=${rand() < 0.7} datum=2026-01-01 received=2026-01-01` });
    }
  }
  return out;
}

async function time(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await f(i);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export async function runMonitorBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { events: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '200' }, profile: { type: 'string' } } });
  const total = Number(values.events);
  const samples = Number(values.samples);
  const log = (l: string) => console.log(l);
  Logger.overrideLogger(['error', 'warn']);

  const pg = await startPostgres({
    dataDir: join(ROOT_DIR, '.cache', 'bench', `pg-monitor-${process.pid}`),
    log,
    removeDataDirOnStop: true,
    settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', shared_buffers: '512MB' },
  });
  try {
    const ds = await openDataSource({ url: pg.url, schema: 'vir_monitor', entities: [FlowEventRow], migrations: MONITOR_MIGRATIONS, applicationName: 'bench-monitor', poolSize: 10 });
    const clock = new SystemClock();
    const store = new ReadModelStore(ds, clock, { rawDays: 90, aggregateDays: 730 });
    const ingestion = new FlowIngestion(store);

    // The stream, in time order over the last 30 days, split by message id into partitions as
    // Kafka keys them; serialised up front (not measured) as the transport hands over raw values.
    const all = parties(40);
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const now = Date.now();
    const span = 30 * 86_400_000 - 120_000;
    const partitions: KafkaRecord[][] = Array.from({ length: PARTITIONS }, () => []);
    log(`Generating ${total} flow events (not measured)…`);
    let produced = 0;
    const recent: Stored[] = [];
    while (produced < total) {
      // Spread by events produced (not flows started), so the stream ends now whatever a flow holds.
      const t = now - span + Math.floor((produced / total) * span);
      const party = all[Math.floor(rand() * all.length)];
      for (const e of flow(party, all, Math.min(t, now - 120_000), rand, recent)) {
        if (produced >= total) break;
        const p = createHash('md5').update(e.messageId).digest()[0] % PARTITIONS;
        partitions[p].push({ topic: 'vir.flow-events.v1', partition: p, offset: String(partitions[p].length), key: e.messageId, value: Contracts.flowEvent.serialize(e), headers: {}, timestamp: '0' });
        produced++;
      }
    }

    log(`Ingesting ${produced} events, ${PARTITIONS} partitions concurrently, chunks of ${CHUNK}…`);
    // --profile FILE: a CPU profile of the measured ingestion only (open it in Chrome DevTools).
    const profiler = values.profile ? await startProfiler() : undefined;
    const started = process.hrtime.bigint();
    const cpuBefore = { node: process.cpuUsage(), pg: processCpuSeconds(pg.pid) };
    let inserted = 0;
    await Promise.all(
      partitions.map(async (records) => {
        for (let i = 0; i < records.length; i += CHUNK) {
          const { result, dead } = await ingestion.handle(records.slice(i, i + CHUNK));
          if (dead.length > 0) throw new Error(`bench events dead-lettered: ${dead[0].reason}`);
          inserted += result.inserted;
          // As the consumer does before committing offsets: a Kafka fetch brings ≈ 1 MB per
          // partition, ≈ 3 chunks of these events.
          if ((i / CHUNK) % 3 === 2 || i + CHUNK >= records.length) await store.durable();
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (profiler && values.profile) await profiler.stop(values.profile);
    const eventsPerSec = Math.round(produced / seconds);
    const nodeCpu = process.cpuUsage(cpuBefore.node);
    const cpu = { node: (nodeCpu.user + nodeCpu.system) / 1e6, pg: processCpuSeconds(pg.pid) - cpuBefore.pg };
    log(`  ${inserted} events in ${seconds.toFixed(1)} s: ${eventsPerSec} events/s (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
    log(
      `  CPU: monitor ${cpu.node.toFixed(1)} s, PostgreSQL ${cpu.pg.toFixed(1)} s = ${(((cpu.node + cpu.pg) / produced) * 1e6).toFixed(0)} µs per event` +
        ` (all ${cpus().length} cores to itself: ≈ ${Math.round((cpus().length * produced) / (cpu.node + cpu.pg))} events/s)`,
    );

    // Redelivery of one chunk changes nothing (idempotent by event id).
    const again = await ingestion.handle(partitions[0].slice(0, CHUNK));
    if (again.result.inserted !== 0) throw new Error('redelivered chunk was counted again');
    await ds.query('ANALYZE');

    // The page work of the console, as the controller does it.
    const directory = new PartyDirectory(all);
    const audit = new AuditLog(ds);
    const accounts = new AccountStore(ds, clock, audit, { maxFailures: 5, lockoutMinutes: 15 });
    const sessions = new SessionStore(ds, clock, 60);
    const admin = await accounts.add('bench', 'bench-admin', 'beheerder', null, 'bench-password-123');
    const area = await accounts.add('bench', 'bench-area', 'convenantbeheerder', '3', 'bench-password-123');
    const viewers: Viewer[] = [admin, area].map((a) => ({ accountId: a.id, username: a.username, role: a.role, convenant: a.convenant }));
    const ids = await Promise.all(viewers.map(async (v) => (await sessions.create(v)).id));
    const queries = new ConsoleQueries(ds);
    const periods: Period[] = ['hour', 'day', 'month'];
    const someIds: string[] = (await ds.query('SELECT message_id FROM message_summary TABLESAMPLE SYSTEM (1) LIMIT 50')).map((r: { message_id: string }) => r.message_id);

    const overview = await time(samples, async (i) => {
      const s = (await sessions.find(ids[i % 2]))!;
      const p = periods[i % 3];
      const rows = await queries.aggregates(p, new Date(), visibleParties(s.viewer, directory.parties));
      return overviewPage({ viewer: s.viewer }, buildOverview(p, new Date(), rows), directory);
    });
    const searches: ((i: number) => Omit<MessageFilter, 'scope' | 'limit'>)[] = [
      () => ({}),
      (i) => ({ partyOin: all[i % all.length].oin }),
      () => ({ outcome: 'rejected' }),
      (i) => ({ trackingId: someIds[i % someIds.length] }),
      () => ({ kind: 'signaal', from: new Date(Date.now() - 86_400_000) }),
      (i) => ({ partyOin: all[i % all.length].oin, outcome: 'failed', from: new Date(Date.now() - 7 * 86_400_000) }),
    ];
    const search = await time(samples, async (i) => {
      const s = (await sessions.find(ids[i % 2]))!;
      const scope = visibleParties(s.viewer, directory.parties);
      const filter = searches[i % searches.length](i);
      const rows = await queries.searchMessages({ ...filter, scope, limit: 100 });
      await audit.record({ at: new Date(), actor: s.viewer.username, action: 'search-messages', outcome: 'ok' });
      return messagesPage({ viewer: s.viewer }, {}, rows, directory, scope);
    });
    // The Figures page as the controller serves it: the service (form, access, queries, audit) and the HTML.
    const figuresService = new FiguresService(new FiguresQueries(ds), audit, directory, clock);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const figureForms: Record<string, string>[] = [
      {},
      { from: day(-30), to: day(0), grouping: 'day' },
      { from: day(-30), to: day(0), grouping: 'week', dimension: 'convenant' },
      { grouping: 'month', dimension: 'gemeente' },
      { grouping: 'quarter', dimension: 'domein' },
      { from: day(-7), to: day(0), grouping: 'day', dimension: 'gemeente', convenant: '3' },
    ];
    const figures = await time(samples, async (i) => {
      const s = (await sessions.find(ids[i % 2]))!;
      const a = await figuresService.figures(s.viewer, { ...figureForms[i % figureForms.length], ...(s.viewer.convenant ? { convenant: s.viewer.convenant } : {}) }, 'view-figures');
      if (a.kind !== 'figures') throw new Error(`figures bench: ${a.kind}`);
      return figuresPage({ viewer: s.viewer }, a.form, a.rows, a.total, a.areas);
    });
    const figuresP95Ms = Number(percentile(figures, 95).toFixed(1));
    const overviewP95Ms = Number(percentile(overview, 95).toFixed(1));
    const searchP95Ms = Number(percentile(search, 95).toFixed(1));
    const [{ raw, summaries, minutes, days }] = await ds.query(
      'SELECT (SELECT count(*) FROM flow_event)::int AS raw, (SELECT count(*) FROM message_summary)::int AS summaries, (SELECT count(*) FROM flow_minute)::int AS minutes, (SELECT count(*) FROM flow_day)::int AS days',
    );
    log(`  stored: ${raw} events, ${summaries} message summaries, ${minutes} minute and ${days} day aggregate rows`);
    log(`Overview (hour/day/30 days, beheerder and convenantbeheerder): p50 ${percentile(overview, 50).toFixed(1)} ms, p95 ${overviewP95Ms} ms over ${samples}`);
    log(`Messages search (6 kinds of filter):                          p50 ${percentile(search, 50).toFixed(1)} ms, p95 ${searchP95Ms} ms over ${samples}`);
    const [{ fm, fs, fd }] = await ds.query(
      'SELECT (SELECT count(*) FROM figure_melding)::int AS fm, (SELECT count(*) FROM figure_signal)::int AS fs, (SELECT count(*) FROM figure_match_day)::int AS fd',
    );
    log(`Figures (6 forms: 30 days to 12 months, per day to quarter, by area/municipality/domain): p50 ${percentile(figures, 50).toFixed(1)} ms, p95 ${figuresP95Ms} ms over ${samples}`);
    log(`  figure rows: ${fm} meldingen, ${fs} signals, ${fd} match counters`);
    await ds.destroy();
    console.log(JSON.stringify({ eventsPerSec, overviewP95Ms, searchP95Ms, figuresP95Ms }));
  } finally {
    await pg.stop();
  }
}
