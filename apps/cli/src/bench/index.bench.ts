import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Contracts, type MeldingBericht, type OrganisatieDomein } from '@vir/contracts';
import { DEMO_PARTIES, DEV_INDEX_ENCRYPTION, devIndexCryptoFiles, ensureDevPki, startPostgres } from '@vir/devstack';
import { SystemClock } from '@vir/domain';
import { FlowEventPublisher, type KafkaRecord, type MessageBus } from '@vir/messaging';
import { loadCredentials } from '@vir/pki';
import { openDataSource } from '@vir/persistence';
import { testBsn } from '@vir/testing';
import { KeyAgreementSession, sealMelding } from '@vir/xml';
import { IndexCrypto, type IndexCryptoFiles } from '../../../index/src/matching/index-crypto';
import { InThreadXml } from '../../../index/src/matching/index-xml';
import { XmlWorkerPool } from '../../../index/src/matching/xml-worker.pool';
import { MeldingProcessor } from '../../../index/src/matching/melding-processor.service';
import { MeldingStore } from '../../../index/src/matching/melding.store';
import { OutboxRelay } from '../../../index/src/matching/outbox.relay';
import { Pseudonymizer } from '../../../index/src/matching/pseudonymizer';
import { MeldingEndingService } from '../../../index/src/lifecycle/melding-ending.service';
import { INDEX_MIGRATIONS } from '../../../index/src/migrations';
import { INDEX_ENTITIES } from '../../../index/src/persistence/index.entities';
import { DEFAULT_PARTITIONS_CONCURRENTLY } from '../../../index/src/index.config';
import { INBOUND_CHUNK_SIZE } from '../../../index/src/matching/inbound.controller';
import { ROOT_DIR } from '../cli-paths';
import { startProfiler } from './cpu-profiler';
import { threadCpuSeconds, treeCpuSeconds } from './measure';

// `npm run bench -- index [--stored N] [--measure M] [--workers W] [--lanes L] [--warmup K]`: one index instance's processing of
// meldingen (verification, decryption, pseudonyms, matching, signal signing, outbox and relay),
// against a real PostgreSQL (fsync on), at 10 k and at N (default 2 M) stored meldingen. Kafka is
// left out on purpose: its produce is replaced by a no-op, so the figure is the index's own cost.

/** Kafka replaced by nothing: the bench measures the index, not the broker. */
const nullBus = { topicPrefix: '', publish: async () => undefined, publishRawTopics: async () => undefined, connect: async () => undefined, disconnect: async () => undefined } as unknown as MessageBus;

const DOMEINEN: OrganisatieDomein[] = ['onderwijs', 'jeugdhulp', 'jeugdgezondheidszorg', 'gezondheidszorg', 'politie-en-justitie'];

/**
 * A synthetic stream in national proportions (DOMAIN.md, 2020): 1.8 meldingen per young person,
 * families of one to three children sharing their parents (named in 90 % of meldingen). That
 * gives about 0.6 child and 1.0 family matches per melding (nationally 0.84 and 1.13: there,
 * meldingen also match the previous year's, which the bulk-filled rows here never do).
 */
function population(count: number, seed: number): { child: number; parents: number[]; party: number }[] {
  const out: { child: number; parents: number[]; party: number }[] = [];
  let next = seed;
  const families: { children: number[]; parents: number[] }[] = [];
  while (out.length < count) {
    const f = { children: Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => next++), parents: [next++, next++] };
    families.push(f);
    for (const child of f.children) {
      // 1, 2, 3 or 4 meldingen with p = .45/.35/.15/.05: 1.8 per young person, as nationally (DOMAIN.md).
      const r = Math.random();
      const meldingen = r < 0.45 ? 1 : r < 0.8 ? 2 : r < 0.95 ? 3 : 4;
      for (let i = 0; i < meldingen && out.length < count; i++) out.push({ child, parents: Math.random() < 0.9 ? f.parents : [], party: Math.floor(Math.random() * 2) });
    }
  }
  // Shuffle so matches arrive spread over the stream, as in reality.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export async function runIndexBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { stored: { type: 'string', default: '2000000' }, measure: { type: 'string', default: '6000' }, workers: { type: 'string', default: '1' }, warmup: { type: 'string', default: '3000' }, lanes: { type: 'string', default: String(DEFAULT_PARTITIONS_CONCURRENTLY) }, profile: { type: 'string' } },
  });
  const stored = Number(values.stored);
  const measure = Number(values.measure);
  const workers = Number(values.workers);
  const warmup = Number(values.warmup);
  const lanes = Number(values.lanes);
  const log = (l: string) => console.log(l);
  Logger.overrideLogger(['error', 'warn']);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  const pg = await startPostgres({
    dataDir: join(ROOT_DIR, '.cache', 'bench', `pg-${process.pid}`),
    log,
    removeDataDirOnStop: true,
    settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', shared_buffers: '512MB' },
  });
  try {
    const ds = await openDataSource({ url: pg.url, schema: 'vir_index', entities: INDEX_ENTITIES, migrations: INDEX_MIGRATIONS, applicationName: 'bench-index', poolSize: 10 });
    const pki = await ensureDevPki(ROOT_DIR);
    const files: IndexCryptoFiles = devIndexCryptoFiles(pki);
    const crypto = new IndexCrypto(files);
    // As the index runs it (INDEX_XML_WORKERS, default 1): verification and signing on worker threads.
    const xml = workers > 0 ? new XmlWorkerPool(crypto.signer.oin, { files, crlRefreshMs: 600_000 }, workers) : new InThreadXml(crypto);
    const clock = new SystemClock();
    const flow = new FlowEventPublisher(nullBus, clock, 'index');
    const relay = new OutboxRelay(ds, nullBus, xml, flow, { pollMs: 250 });
    const processor = new MeldingProcessor(
      crypto,
      new Pseudonymizer({ version: 'v1', keyBase64: randomBytes(32).toString('base64') }),
      // Both tenants take JSON from the gateway, as the dev stack's regional parties do: their signals go out in bundles.
      new MeldingStore(ds, xml.signerOin, { bundledSignalOins: new Set(DEMO_PARTIES.filter((p) => p.deliveryFormat === 'json').map((p) => p.oin)), onOutboxCommitted: (row) => relay.handOver(row) }),
      relay,
      flow,
      clock,
      nullBus,
      new MeldingEndingService(ds, clock),
      new Set(),
      xml,
    );
    relay.start();

    const tenants = DEMO_PARTIES.filter((p) => p.kind === 'regional').map((p) => ({ party: p, signer: loadCredentials(pki.dir, p.name) }));
    const recipient = readFileSync(pki.cert(DEV_INDEX_ENCRYPTION.name), 'utf8');
    const today = new Date().toISOString().slice(0, 10);
    // Sealed as the gateway seals: one ECDH-ES key-agreement session (see KeyAgreementSession).
    const keyAgreement = new KeyAgreementSession();
    const seal = (stream: ReturnType<typeof population>): KafkaRecord[] =>
      stream.map((m, i) => {
        const t = tenants[m.party];
        const melding: MeldingBericht = {
          berichtId: randomUUID(),
          afzenderOin: t.party.oin,
          verzonden: new Date().toISOString(),
          convenant: t.party.convenant,
          referentie: `B-${m.child}-${i}`,
          jeugdige: { bsn: testBsn(m.child), geboortedatum: '2011-05-05' },
          ouders: m.parents.map((p) => ({ bsn: testBsn(p) })),
          meldingsdatum: today,
          melder: { id: `prof-${i}`, naam: `Professional ${i}`, telefoon: '072-5550101', email: `prof${i}@example.nl` },
          organisatie: { naam: 'Organisatie', domein: DOMEINEN[i % DOMEINEN.length] },
        };
        const xml = sealMelding(melding, { signer: t.signer, recipientCertificatePem: recipient, keyAgreement });
        const value = Contracts.inbound.serialize({ messageId: melding.berichtId, type: 'melding', senderOin: t.party.oin, channel: 'regional-json', receivedAt: new Date().toISOString(), xml });
        return { topic: 'vir.inbound.v1', partition: 0, offset: String(i), key: melding.berichtId, value, headers: {}, timestamp: '0' };
      });

    /** Other young people's meldingen, straight into the tables (random pseudonyms, 60 % with parents). */
    const fill = async (upTo: number) => {
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM melding');
      for (let from = n; from < upTo; from += 50_000) {
        const to = Math.min(upTo, from + 50_000) - 1;
        await ds.query(
          `WITH ins AS (
             INSERT INTO melding (id, message_id, party_oin, convenant, referentie, professional_key, melder_id, melder_naam, organisatie_naam, organisatie_domein,
                                  jeugdige_pseudonym, geboortedatum, meldingsdatum, ends_on, status, created_at, updated_at)
             SELECT gen_random_uuid(), gen_random_uuid(), '00000003273416560001', '7', 'BULK-' || g, 'bulk/' || g, 'b' || g, 'Bulk', 'Organisatie', 'onderwijs',
                    'v1:' || md5('child' || g), DATE '2012-01-01', CURRENT_DATE, CURRENT_DATE + 700, 'active', now(), now()
             FROM generate_series($1::int, $2::int) g
             RETURNING id, referentie)
           INSERT INTO melding_ouder (melding_id, ouder_pseudonym)
           SELECT id, 'v1:' || md5('parent' || (abs(hashtext(referentie)) % 1000000)) FROM ins WHERE random() < 0.6`,
          [from, to],
        );
      }
      // A steady-state table is vacuumed; without this, autovacuum of the fresh bulk rows runs during the measurement.
      await ds.query('VACUUM ANALYZE');
    };

    interface Window {
      meldingen: number;
      ms: number;
      /** CPU of this process (ms) and its threads', and of PostgreSQL's processes, in the window. */
      cpuMs: number;
      threadsMs?: { main: number; others: number };
      pgMs: number;
      /** From the window's end until the relay had signed and handed over every signal of the run. */
      drainMs: number;
    }
    /** The clock and the CPU counters, after `done` meldingen of a run. */
    const snapshot = (done: number) => ({ done, at: process.hrtime.bigint(), cpu: process.cpuUsage(), threads: threadCpuSeconds(), pg: treeCpuSeconds().get('postgres') ?? 0 });

    /**
     * One stream: `lead`, then `records`, in chunks as the inbound handler takes them from a Kafka
     * batch, taken in turn by as many lanes as PARTITIONS_CONCURRENTLY's default (--lanes), as an
     * instance's partitions would. Measured with the pipeline full, as in an instance that keeps
     * up with a stream: from the moment the lead is processed until the last chunk is taken (after
     * it, lanes fall idle one by one). The lead (--warmup, not measured) warms the JIT, the pools,
     * caches and heap sizes, and fills the pipeline. Measured over the whole run instead, with 1,000
     * before it, the pipeline's filling and draining took a tenth of a 6,000-melding run, and the
     * first phase cost 0.50–0.57 ms of index CPU per melding against 0.38–0.48 for the second.
     */
    const run = async (lead: KafkaRecord[], records: KafkaRecord[]): Promise<Window> => {
      const stream = [...lead, ...records];
      const chunks = Array.from({ length: Math.ceil(stream.length / INBOUND_CHUNK_SIZE) }, (_, c) => stream.slice(c * INBOUND_CHUNK_SIZE, (c + 1) * INBOUND_CHUNK_SIZE));
      let next = 0;
      let done = 0;
      let start: ReturnType<typeof snapshot> | undefined;
      let end: ReturnType<typeof snapshot> | undefined;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < chunks.length) {
            const chunk = chunks[next++];
            const dead = await processor.processBatch(chunk);
            if (dead.length > 0) throw new Error(`bench records dead-lettered: ${dead[0].code} ${dead[0].reason}`);
            done += chunk.length;
            if (!start && done >= lead.length) start = snapshot(done);
            else if (start && !end && next >= chunks.length) end = snapshot(done);
          }
        }),
      );
      if (!start || !end) throw new Error('bench run too short to measure: raise --measure');
      // Every signal of the run signed and handed to Kafka (the relay signs after the commit).
      await relay.flush();
      const drainMs = Number(process.hrtime.bigint() - end.at) / 1e6;
      return {
        meldingen: end.done - start.done,
        ms: Number(end.at - start.at) / 1e6,
        cpuMs: (end.cpu.user - start.cpu.user + end.cpu.system - start.cpu.system) / 1000,
        ...(start.threads && end.threads ? { threadsMs: { main: (end.threads.main - start.threads.main) * 1000, others: (end.threads.others - start.threads.others) * 1000 } } : {}),
        pgMs: (end.pg - start.pg) * 1000,
        drainMs,
      };
    };

    /**
     * A phase: its input sealed first (not measured; held only for the phase, so the process never
     * holds both phases' input), then run. `profile`: a CPU profile of the run (Chrome DevTools).
     */
    const phase = async (seed: number, profile?: string): Promise<Window> => {
      log(`Sealing ${warmup + measure} meldingen (not measured)…`);
      const [lead, records] = [seal(population(warmup, seed + 400_000)), seal(population(measure, seed))];
      const profiler = profile ? await startProfiler() : undefined;
      const window = await run(lead, records);
      if (profiler && profile) await profiler.stop(profile);
      return window;
    };
    // The lead is stored too: the window starts at about 10 k stored.
    await fill(Math.max(0, 10_000 - warmup));
    const matches = async () => (await ds.query(`SELECT soort, count(*)::int AS n FROM match GROUP BY soort`)) as { soort: string; n: number }[];
    const before = await matches();
    // --profile FILE: of the 10 k run.
    const atSmall = await phase(1, values.profile);
    const made = (soort: string, list: { soort: string; n: number }[]) => list.find((m) => m.soort === soort)?.n ?? 0;
    const after = await matches();
    const perMelding = (soort: string) => ((made(soort, after) - made(soort, before)) / (warmup + measure)).toFixed(2);
    // CPU time per melding: what the index itself spends, whatever else the machine runs.
    const summary = (w: Window) => {
      const per = (ms: number) => (ms / w.meldingen).toFixed(3);
      return (
        `${w.meldingen} meldingen in ${(w.ms / 1000).toFixed(2)} s (${Math.round(w.meldingen / (w.ms / 1000))}/s); index CPU ${per(w.cpuMs)} ms per melding` +
        `${w.threadsMs ? ` (main thread ${per(w.threadsMs.main)}, other threads ${per(w.threadsMs.others)})` : ''}, PostgreSQL ${per(w.pgMs)} ms` +
        ` (${((w.cpuMs + w.pgMs) / w.ms).toFixed(2)} of the machine's cores); relay drained ${Math.round(w.drainMs)} ms after the window`
      );
    };
    log(`at ~10k stored: ${summary(atSmall)}`);
    log(`  matches per melding: ${perMelding('kind')} child, ${perMelding('gezin')} family (nationally in 2020: 0.84 child, 1.13 family)`);

    log(`Filling to ${stored} stored meldingen…`);
    const fillStart = Date.now();
    await fill(stored);
    log(`  filled in ${((Date.now() - fillStart) / 1000).toFixed(0)} s`);
    // Led again by a warm-up, as the first phase: while the fill ran, this process sat idle and V8's
    // memory reducer shrank its heaps, and the phase after it paid for their regrowth in garbage
    // collection. Measured with an 80 s pause instead of a fill (20 k stored): the second phase cost
    // 0.80 and 0.89 ms of CPU per melding against 0.63 and 0.75 for the first; with
    // --no-memory-reducer, 0.66 and 0.63 against 0.74 and 0.73.
    const atLarge = await phase(500_000);
    log(`at ~${stored} stored: ${summary(atLarge)}`);
    await relay.stop();
    await xml.close();
    await ds.destroy();
    clearInterval(sampler);

    const msPerMelding10k = atSmall.ms / atSmall.meldingen;
    const msPerMelding2M = atLarge.ms / atLarge.meldingen;
    console.log(
      JSON.stringify({
        meldingenPerSec: Math.round(1000 / msPerMelding10k),
        msPerMelding10k: Number(msPerMelding10k.toFixed(3)),
        msPerMelding2M: Number(msPerMelding2M.toFixed(3)),
        costRatio: Number((msPerMelding2M / msPerMelding10k).toFixed(2)),
        peakRssMB: Math.round(peakRss / 1024 / 1024),
      }),
    );
  } finally {
    clearInterval(sampler);
    await pg.stop();
  }
}
