import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:https';
import { parseArgs } from 'node:util';
import { Client as PgClient } from 'pg';
import { clientTlsOf, startDevEnvironment, type DevEnvironment } from '@vir/devstack';
import { regionalMelding, testBsn } from '@vir/testing';
import { externalInfrastructure, ROOT_DIR } from '../cli-paths';
import { cpuLine, percentile, treeCpuSeconds } from './measure';

// `npm run bench -- gateway`: the gateway driven by concurrent regional clients over mutual TLS
// (the whole stack as `npm start` runs it: Kafka, PostgreSQL, index, monitor, webhooks over mutual
// TLS). Figures: accepted meldingen per second in batches of 100 and as single requests, p99
// latency of single requests at a steady 200/s, and the p99 from acceptance of a melding to the
// delivery of its matchsignaal at 200 meldingen/s (with the time of each hop, from the monitor's
// flow events). The end-to-end and steady-rate phases run with the whole stack; the two closed-loop
// acceptance phases after the index and the monitor are stopped. Last line: one JSON object.

interface Client {
  post(path: string, body: string): Promise<{ status: number; ms: number; text: string }>;
  close(): void;
}

function client(env: DevEnvironment, party: string, sockets: number): Client {
  const tls = clientTlsOf(env.stack.pki, party);
  // Idle sockets closed after 30 s, before the gateway's 65 s keep-alive ends them.
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, ca: tls.ca, key: tls.key, cert: tls.cert, timeout: 30_000 });
  const base = new URL(env.stack.urls.gateway);
  return {
    post: (path, body) =>
      new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const req = request(
          { host: base.hostname, port: base.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6, text: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

let bsnCounter = Math.floor(Math.random() * 400_000);
/** A melding about a young person nobody else reported (no match). */
const lonely = (tag: string) => regionalMelding({ bsn: testBsn(bsnCounter++), melderId: `bench-${tag}` });

/** Closed loop: `concurrency` workers send until `total` requests are done; accepted per second. */
async function closedLoop(c: Client, total: number, concurrency: number, make: () => { path: string; body: string; items: number }): Promise<{ perSec: number; latencies: number[]; refused: number }> {
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  const latencies: number[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent++;
        const { path, body, items } = make();
        const res = await c.post(path, body);
        latencies.push(res.ms);
        if (res.status === 202) accepted += items;
        else if (res.status === 200) accepted += (JSON.parse(res.text) as { accepted: number }).accepted;
        else refused++;
      }
    }),
  );
  return { perSec: accepted / ((Date.now() - started) / 1000), latencies, refused };
}

/** Open loop at `rate` requests per second for `seconds`: latencies of single meldingen. */
async function openLoop(rate: number, seconds: number, send: (i: number) => Promise<void>): Promise<void> {
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(i));
  }
  await Promise.all(pending);
}

/** The path of a matchsignaal, hop by hop, from the flow events the monitor stored. */
const HOPS = ['gateway.received', 'gateway.forwarded', 'index.stored', 'index.signal-queued', 'gateway.signal-received', 'gateway.signal-sent', 'gateway.delivered'] as const;

/**
 * Where the end-to-end time went: p50/p99 of each hop of the delivered matchsignalen (from the
 * later of the two meldingen of the match), read from the monitor's flow events.
 */
async function hopTimes(databaseUrl: string, schema: string, since: Date): Promise<string[]> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    await new Promise((r) => setTimeout(r, 3_000)); // the monitor ingests in batches
    const { rows } = await db.query<{ message_id: string; correlation_ids: string[]; step: string; at: Date }>(
      `SELECT message_id, correlation_ids, step, at FROM "${schema}".flow_event WHERE at >= $1 AND step = ANY($2::text[]) AND outcome = 'ok'`,
      [since, [...HOPS]],
    );
    const at = new Map<string, Map<string, number>>();
    const signals = new Map<string, string[]>();
    for (const r of rows) {
      const steps = at.get(r.message_id) ?? new Map<string, number>();
      if (!steps.has(r.step)) steps.set(r.step, r.at.getTime());
      at.set(r.message_id, steps);
      if (r.step === 'index.signal-queued') signals.set(r.message_id, r.correlation_ids);
    }
    const hopMs: number[][] = HOPS.slice(1).map(() => []);
    for (const [signalId, meldingen] of signals) {
      const later = meldingen.map((m) => at.get(m)).filter((s) => s?.has('gateway.received')).sort((a, b) => b!.get('gateway.received')! - a!.get('gateway.received')!)[0];
      const own = at.get(signalId);
      if (!later || !own?.has('gateway.delivered')) continue;
      const times = HOPS.map((h) => later.get(h) ?? own.get(h));
      for (let i = 1; i < HOPS.length; i++) if (times[i] !== undefined && times[i - 1] !== undefined) hopMs[i - 1].push(times[i]! - times[i - 1]!);
    }
    return HOPS.slice(1).map((h, i) => `  ${HOPS[i]} → ${h}: p50 ${round(percentile(hopMs[i], 50))} ms, p99 ${round(percentile(hopMs[i], 99))} ms (${hopMs[i].length} signals)`);
  } catch (err) {
    return [`  (no hop times: ${(err as Error).message})`];
  } finally {
    await db.end();
  }
}

export async function runGatewayBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      batches: { type: 'string', default: '100' },
      singles: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '10' },
      /** Some of e2e,steady,single,batch (for looking into one figure; the others print null). */
      only: { type: 'string', default: 'e2e,steady,single,batch' },
      /**
       * Signals per push request the two tenants take (their pushBatchSize; 1: one per request).
       * A regional index that receives a hundred signals a second takes them in batches.
       */
      'push-batch': { type: 'string', default: '20' },
      /** Meldingen per second of the end-to-end phase (the target is stated at 200; lower rates show where the knee is). */
      'e2e-rate': { type: 'string', default: '200' },
      /**
       * Seconds of warm-up traffic (100/s) through the whole chain before the end-to-end phase (or
       * the steady phase when run without it). 60: a freshly started broker JVM spends the first
       * minute compiling; after 10 s it still cost twice the CPU per melding (README, Performance).
       */
      warmup: { type: 'string', default: '60' },
      /** A folder for CPU profiles of the services (node --cpu-prof), written when they stop. */
      profile: { type: 'string' },
    },
  });
  const batches = Number(values.batches);
  const singles = Number(values.singles);
  const seconds = Number(values.seconds);
  const only = new Set(values.only.split(','));
  const warmup = Number(values.warmup);
  const e2eRate = Number(values['e2e-rate']);
  const pushBatch = Number(values['push-batch']);
  if (!Number.isInteger(pushBatch) || pushBatch < 1 || pushBatch > 100) throw new Error('--push-batch must be a whole number of 1-100');
  if (!(e2eRate > 0)) throw new Error('--e2e-rate must be a positive number');
  const log = (line: string) => console.log(line);
  const namespace = `bench${randomBytes(3).toString('hex')}`;
  const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
  const env = await startDevEnvironment({ rootDir: ROOT_DIR, log: () => undefined, instance: 'bench', ephemeral: true, namespace, nodeArgs, ...externalInfrastructure(process.env) });
  const nhn = client(env, 'regio-nhn', 64);
  const twente = client(env, 'regio-twente', 64);
  try {
    // The tenants' delivery setting, through the admin API as an operator would set it.
    for (const p of env.stack.parties.filter((x) => x.name === 'regio-nhn' || x.name === 'regio-twente')) {
      const res = await fetch(`${env.stack.gatewayAdminUrl}/v1/admin/parties/${p.oin}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${env.stack.operatorToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ pushBatchSize: pushBatch }),
      });
      if (!res.ok) throw new Error(`setting pushBatchSize of ${p.name}: HTTP ${res.status} ${await res.text()}`);
    }
    // Warm-up: connections, JIT, the key-agreement session.
    await closedLoop(nhn, 200, 8, () => ({ path: '/v1/meldingen', body: JSON.stringify(lonely('warm')), items: 1 }));

    const e2eMs: number[] = [];
    const steady: number[] = [];
    let single: { perSec: number } | undefined;
    let batch: { perSec: number } | undefined;
    /**
     * Pairs of meldingen about one young person from two tenants at `rate`/s for `secs`: from the
     * acceptance of the second melding to the delivery of its matchsignaal to the second tenant.
     */
    const endToEnd = async (rate: number, secs: number, report: boolean): Promise<number[]> => {
      const accepted = new Map<string, number>();
      const started = new Date();
      const cpuBefore = treeCpuSeconds();
      const run = randomBytes(3).toString('hex');
      await openLoop(rate, secs, async (i) => {
        const pair = Math.floor(i / 2);
        const bsn = testBsn(900_000 + (bsnCounter % 50_000) * 2 + pair);
        const m = regionalMelding({ bsn, melderId: `e2e-${i % 2}`, referentie: `E2E-${run}-${pair}-${i % 2}` });
        const res = await (i % 2 === 0 ? nhn : twente).post('/v1/meldingen', JSON.stringify(m));
        if (res.status === 202 && i % 2 === 1) accepted.set(m.referentie, Date.now());
      });
      bsnCounter += rate * secs;
      const deadline = Date.now() + 60_000;
      const delivered = new Map<string, number>();
      const mine = new RegExp(`"referentie":"(E2E-${run}-\\d+-1)"`);
      while (Date.now() < deadline) {
        for (const d of env.webhooks.deliveries) {
          const ref = mine.exec(d.body)?.[1];
          if (ref && !delivered.has(ref) && d.party === 'regio-twente') delivered.set(ref, d.receivedAt.getTime());
        }
        if (delivered.size >= accepted.size) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const ms: number[] = [];
      for (const [ref, at] of accepted) if (delivered.has(ref)) ms.push(delivered.get(ref)! - at);
      if (report) {
        log(cpuLine(cpuBefore, treeCpuSeconds(), (Date.now() - started.getTime()) / 1000));
        log(`end to end at ${rate} meldingen/s (tenants take up to ${pushBatch} signals per push request): ${ms.length} of ${accepted.size} matchsignalen delivered; p50 ${round(percentile(ms, 50))} ms, p99 ${round(percentile(ms, 99))} ms (target ≤ 250)`);
        for (const line of await hopTimes(env.infra.databaseUrl, `${namespace}_monitor`, started)) log(line);
      }
      return ms;
    };
    if (only.has('e2e')) {
      // 1. End to end at 200 meldingen/s (--e2e-rate), after a warm-up of the whole chain (the JIT of every
      //    service and of the broker) at 100/s.
      await endToEnd(100, warmup, false);
      e2eMs.push(...(await endToEnd(e2eRate, seconds, true)));
    }
    if (only.has('steady')) {
      // 2. Single requests at a steady 200/s: acceptance latency. Run alone, the whole chain first
      //    gets the warm-up the end-to-end phase would have given it (the figure should not depend
      //    on which phases ran before).
      if (!only.has('e2e')) await openLoop(100, warmup, async () => void (await nhn.post('/v1/meldingen', JSON.stringify(lonely('warm-steady')))));
      const cpu0 = treeCpuSeconds();
      const t0 = Date.now();
      await openLoop(200, seconds, async () => {
        const res = await nhn.post('/v1/meldingen', JSON.stringify(lonely('steady')));
        if (res.status === 202) steady.push(res.ms);
      });
      log(cpuLine(cpu0, treeCpuSeconds(), (Date.now() - t0) / 1000));
      log(`single requests at 200/s: p50 ${round(percentile(steady, 50))} ms, p99 ${round(percentile(steady, 99))} ms (target ≤ 50)`);
    }
    // The acceptance rates are the gateway's own: the index and the monitor run on other machines in
    // production, here they would take the same two cores (their work is measured by their own benches).
    await env.stack.services.index.stop();
    await env.stack.services.monitor.stop();
    if (only.has('single')) {
      // 3. Single requests, as fast as 32 concurrent clients go.
      const cpu0 = treeCpuSeconds();
      const t0 = Date.now();
      const s = await closedLoop(nhn, singles, 32, () => ({ path: '/v1/meldingen', body: JSON.stringify(lonely('single')), items: 1 }));
      log(`single requests, 32 concurrent: ${round(s.perSec, 0)} accepted/s (target ≥ 500), p50 ${round(percentile(s.latencies, 50))} ms, p99 ${round(percentile(s.latencies, 99))} ms, ${s.refused} refused`);
      log(cpuLine(cpu0, treeCpuSeconds(), (Date.now() - t0) / 1000));
      single = s;
    }
    if (only.has('batch')) {
      // 4. Batches of 100, 8 concurrent clients.
      const cpu0 = treeCpuSeconds();
      const t0 = Date.now();
      const b = await closedLoop(twente, batches, 8, () => ({ path: '/v1/meldingen/batch', body: JSON.stringify({ meldingen: Array.from({ length: 100 }, () => lonely('batch')) }), items: 100 }));
      log(`batches of 100, 8 concurrent: ${round(b.perSec, 0)} accepted meldingen/s (target ≥ 2,000), p50 ${round(percentile(b.latencies, 50))} ms per batch, ${b.refused} refused`);
      log(cpuLine(cpu0, treeCpuSeconds(), (Date.now() - t0) / 1000));
      batch = b;
    }

    const orNull = (x: number) => (Number.isFinite(x) ? x : null);
    console.log(JSON.stringify({ batchPerSec: batch ? round(batch.perSec, 0) : null, singlePerSec: single ? round(single.perSec, 0) : null, singleP99Ms: orNull(round(percentile(steady, 99))), e2eP99Ms: orNull(round(percentile(e2eMs, 99))) }));
  } finally {
    nhn.close();
    twente.close();
    await env.stop();
  }
}
