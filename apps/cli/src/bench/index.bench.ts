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
    options: { stored: { type: 'string', default: '2000000' }, measure: { type: 'string', default: '3000' }, workers: { type: 'string', default: '1' }, warmup: { type: 'string', default: '3000' }, lanes: { type: 'string', default: String(DEFAULT_PARTITIONS_CONCURRENTLY) }, profile: { type: 'string' } },
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

    let cpuMs = 0;
    let pgMs = 0;
    let threadsMs: { main: number; others: number } | undefined;
    const run = async (records: KafkaRecord[]) => {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const tree = treeCpuSeconds();
      const threads = threadCpuSeconds();
      // As many partitions at once as PARTITIONS_CONCURRENTLY's default (--lanes), each in chunks
      // as the inbound handler takes them from a Kafka batch.
      await Promise.all(
        Array.from({ length: lanes }, async (_, p) => {
          const partition = records.filter((_r, i) => i % lanes === p);
          for (let i = 0; i < partition.length; i += INBOUND_CHUNK_SIZE) {
            const dead = await processor.processBatch(partition.slice(i, i + INBOUND_CHUNK_SIZE));
            if (dead.length > 0) throw new Error(`bench records dead-lettered: ${dead[0].code} ${dead[0].reason}`);
          }
        }),
      );
      // Until every signal of the run is signed and handed to Kafka: the relay signs after the commit.
      await relay.flush();
      const used = process.cpuUsage(cpu);
      cpuMs = (used.user + used.system) / 1000;
      const threadsAfter = threadCpuSeconds();
      threadsMs = threads && threadsAfter ? { main: (threadsAfter.main - threads.main) * 1000, others: (threadsAfter.others - threads.others) * 1000 } : undefined;
      // PostgreSQL's processes (children of this one, when the bench started it): the other half of the cost.
      pgMs = ((treeCpuSeconds().get('postgres') ?? 0) - (tree.get('postgres') ?? 0)) * 1000;
      return Number(process.hrtime.bigint() - started) / 1e6;
    };

    log(`Sealing ${2 * measure} meldingen (not measured)…`);
    const [small, large] = [seal(population(measure, 1)), seal(population(measure, 500_000))];
    // Warm-up (--warmup, not measured): JIT, pools, caches, heap sizes, as in an instance that has been
    // running. After 1,000, the first phase still cost 0.50–0.57 ms of index CPU per melding against
    // 0.38–0.48 for the second (four runs); after 3,000, 0.40–0.47 against 0.38–0.45.
    await run(seal(population(warmup, 900_000)));

    await fill(10_000);
    const matches = async () => (await ds.query(`SELECT soort, count(*)::int AS n FROM match GROUP BY soort`)) as { soort: string; n: number }[];
    const before = await matches();
    // --profile FILE: a CPU profile of the measured 10 k run only (open it in Chrome DevTools).
    const profiler = values.profile ? await startProfiler() : undefined;
    const msSmall = await run(small);
    if (profiler && values.profile) await profiler.stop(values.profile);
    const made = (soort: string, list: { soort: string; n: number }[]) => list.find((m) => m.soort === soort)?.n ?? 0;
    const after = await matches();
    const perMelding = (soort: string) => ((made(soort, after) - made(soort, before)) / measure).toFixed(2);
    // CPU time of this process per melding: what the index itself spends, whatever else the machine runs.
    const cpuOf = (ms: number) =>
      `index CPU ${(cpuMs / measure).toFixed(3)} ms per melding${threadsMs ? ` (main thread ${(threadsMs.main / measure).toFixed(3)}, other threads ${(threadsMs.others / measure).toFixed(3)})` : ''}, PostgreSQL ${(pgMs / measure).toFixed(3)} ms (${((cpuMs + pgMs) / ms).toFixed(2)} of the machine's cores)`;
    log(`at ~10k stored: ${measure} meldingen in ${(msSmall / 1000).toFixed(1)} s; ${cpuOf(msSmall)}`);
    log(`  matches per melding: ${perMelding('kind')} child, ${perMelding('gezin')} family (nationally in 2020: 0.84 child, 1.13 family)`);

    log(`Filling to ${stored} stored meldingen…`);
    const fillStart = Date.now();
    await fill(stored);
    log(`  filled in ${((Date.now() - fillStart) / 1000).toFixed(0)} s`);
    // Warmed up again, as before the first phase: while the fill ran, this process sat idle and V8's
    // memory reducer shrank its heaps, and the phase after it paid for their regrowth in garbage
    // collection. Measured with an 80 s pause instead of a fill (20 k stored): the second phase cost
    // 0.80 and 0.89 ms of CPU per melding against 0.63 and 0.75 for the first; with
    // --no-memory-reducer, 0.66 and 0.63 against 0.74 and 0.73.
    await run(seal(population(warmup, 950_000)));
    const msLarge = await run(large);
    log(`at ~${stored} stored: ${measure} meldingen in ${(msLarge / 1000).toFixed(1)} s; ${cpuOf(msLarge)}`);
    await relay.stop();
    await xml.close();
    await ds.destroy();
    clearInterval(sampler);

    const msPerMelding10k = msSmall / measure;
    const msPerMelding2M = msLarge / measure;
    console.log(
      JSON.stringify({
        meldingenPerSec: Math.round(measure / (msSmall / 1000)),
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
