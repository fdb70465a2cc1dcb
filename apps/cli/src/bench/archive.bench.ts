import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { startPostgres } from '@vir/devstack';
import { SystemClock } from '@vir/domain';
import { openDataSource } from '@vir/persistence';
import { testBsn } from '@vir/testing';
import { InzageService } from '../../../index/src/inzage/inzage.service';
import { LifecycleJob } from '../../../index/src/lifecycle/lifecycle.job';
import { MeldingEndingService } from '../../../index/src/lifecycle/melding-ending.service';
import { Pseudonymizer } from '../../../index/src/matching/pseudonymizer';
import { INDEX_MIGRATIONS } from '../../../index/src/migrations';
import { INDEX_ENTITIES } from '../../../index/src/persistence/index.entities';
import { ROOT_DIR } from '../cli-paths';
import { percentile } from './measure';

// `npm run bench -- archive [--stored N] [--inzage M]`: the index's lifecycle job and inzage against
// a table of N (default 2 M) stored meldingen with their matches, as at national scale: one run of
// the job that ends a day's meldingen and purges a day's archived ones (with their matches and
// parents), and M inzage requests about young people with matches.

export async function runArchiveBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { stored: { type: 'string', default: '2000000' }, inzage: { type: 'string', default: '200' } } });
  const stored = Number(values.stored);
  const requests = Number(values.inzage);
  const log = (l: string) => console.log(l);
  Logger.overrideLogger(['error', 'warn']);
  const pg = await startPostgres({
    dataDir: join(ROOT_DIR, '.cache', 'bench', `pg-${process.pid}`),
    log,
    removeDataDirOnStop: true,
    settings: { fsync: 'on', synchronous_commit: 'on', shared_buffers: '512MB' },
  });
  try {
    const ds = await openDataSource({ url: pg.url, schema: 'vir_index', entities: INDEX_ENTITIES, migrations: INDEX_MIGRATIONS, applicationName: 'bench-archive', poolSize: 4 });
    const pseudonymizer = new Pseudonymizer({ version: 'v1', keyBase64: randomBytes(32).toString('base64') });
    // A day's share of the 2-year active period ends and a day's share of the 5-year archive is purged
    // (DOMAIN.md): 1 in 730 and 1 in 1,825 of the rows.
    // Young person k (0 ≤ k < N/2) has two meldingen; the inzage subjects are real pseudonyms of test BSNs.
    const fillStart = Date.now();
    log(`Filling ${stored} meldingen with their matches and parents (not measured)…`);
    const subjects = Math.min(requests, Math.floor(stored / 2));
    const subjectPseudonyms = Array.from({ length: subjects }, (_v, k) => pseudonymizer.pseudonyms(testBsn(k)).current);
    for (let from = 0; from < stored; from += 100_000) {
      const to = Math.min(stored, from + 100_000) - 1;
      await ds.query(
        `WITH ins AS (
           INSERT INTO melding (id, message_id, party_oin, convenant, referentie, professional_key, melder_id, melder_naam, organisatie_naam, organisatie_domein,
                                jeugdige_pseudonym, geboortedatum, meldingsdatum, ends_on, status, ended_on, purge_on, created_at, updated_at)
           SELECT gen_random_uuid(), gen_random_uuid(), '00000003273416560001', '7', 'BULK-' || g, 'bulk/' || g, 'b' || g, 'Bulk', 'Organisatie', 'onderwijs',
                  COALESCE(($3::text[])[g / 2 + 1], 'v1:' || md5('child' || (g / 2))), DATE '2012-01-01', CURRENT_DATE - 300,
                  CASE WHEN g % 730 = 7 THEN CURRENT_DATE ELSE CURRENT_DATE + 400 END,
                  CASE WHEN g % 1825 = 3 THEN 'expired' ELSE 'active' END,
                  CASE WHEN g % 1825 = 3 THEN CURRENT_DATE - 1826 END, CASE WHEN g % 1825 = 3 THEN CURRENT_DATE END, now(), now()
           FROM generate_series($1::int, $2::int) g
           RETURNING id, referentie)
         INSERT INTO melding_ouder (melding_id, ouder_pseudonym)
         SELECT id, 'v1:' || md5('parent' || (abs(hashtext(referentie)) % 1000000)) FROM ins WHERE random() < 0.6`,
        [from, to, subjectPseudonyms],
      );
    }
    // About 2 matches per stored melding (nationally 0.84 child and 1.13 family matches per new
    // melding): a young person's two meldingen match (child), and each melding has family matches
    // with the third and (for every other one) the fifth melding after it.
    await ds.query(`
      WITH m AS (SELECT id, substr(referentie, 6)::int AS g FROM melding)
      INSERT INTO match (id, soort, reikwijdte, melding_a, melding_b, created_at)
      SELECT gen_random_uuid(), CASE WHEN d = 1 THEN 'kind' ELSE 'gezin' END, 'binnen-convenant', a.id, b.id, now()
      FROM (VALUES (1), (3), (5)) AS step(d) JOIN m a ON d = 3 OR a.g % 2 = 0 JOIN m b ON b.g = a.g + d`);
    await ds.query('VACUUM ANALYZE');
    const [{ meldingen, matches }] = await ds.query('SELECT (SELECT count(*) FROM melding)::int AS meldingen, (SELECT count(*) FROM match)::int AS matches');
    log(`  ${meldingen} meldingen, ${matches} matches in ${((Date.now() - fillStart) / 1000).toFixed(0)} s`);

    const clock = new SystemClock();
    const job = new LifecycleJob(ds, clock);
    const jobStart = process.hrtime.bigint();
    const { expired, purged } = await job.run();
    const lifecycleMs = Number(process.hrtime.bigint() - jobStart) / 1e6;
    log(`lifecycle job: ${expired} ended, ${purged} purged (with their matches and parents) in ${lifecycleMs.toFixed(0)} ms`);

    const inzage = new InzageService(ds, pseudonymizer, clock);
    const times: number[] = [];
    let found = 0;
    for (let k = 0; k < subjects; k++) {
      const t = process.hrtime.bigint();
      const report = await inzage.report(testBsn(k), 'bench', 'benchmark');
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      found += report.meldingen.reduce((n, m) => n + m.matches.length, 0);
    }
    const p = (q: number) => Number(percentile(times, q).toFixed(1));
    log(`inzage: ${subjects} requests (${(found / Math.max(1, subjects)).toFixed(1)} matches each), p50 ${p(50)} ms, p95 ${p(95)} ms`);

    // Withdrawals (intrekkingen) that name the melding by the reporter's own reference only, as the
    // XSD allows: found by party and reference.
    const endings = new MeldingEndingService(ds, clock);
    const withdrawTimes: number[] = [];
    for (let k = 0; k < subjects; k++) {
      const t = process.hrtime.bigint();
      await endings.end({
        messageId: randomUUID(),
        actorOin: '00000003273416560001',
        ownerOin: '00000003273416560001',
        melding: { referentie: `BULK-${2 * k}` },
        status: 'withdrawn',
        endedOn: clock.today(),
        reason: 'benchmark',
        flow: (step) => ({ ...step, eventId: randomUUID(), at: clock.now().toISOString(), component: 'index' }),
      });
      withdrawTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const w = (q: number) => Number(percentile(withdrawTimes, q).toFixed(1));
    log(`withdrawals by reference: ${subjects}, p50 ${w(50)} ms, p95 ${w(95)} ms`);
    await ds.destroy();
    console.log(JSON.stringify({ stored: meldingen, matches, lifecycleMs: Math.round(lifecycleMs), ended: expired, purged, inzageP50Ms: p(50), inzageP95Ms: p(95), withdrawalP50Ms: w(50), withdrawalP95Ms: w(95) }));
  } finally {
    await pg.stop();
  }
}
