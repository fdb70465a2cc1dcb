import type { DataSource } from 'typeorm';
import { FixedClock } from '@vir/domain';
import { LifecycleJob } from '../src/lifecycle/lifecycle.job';
import type { MeldingStore } from '../src/matching/melding.store';
import { openTestStore, recordAs } from './index-store.fixture';

// The lifecycle against the real PostgreSQL with a moved clock: end after 2 years or at 23,
// archived meldingen never match, purge 5 years after the end, every transition audited.

let ds: DataSource;
let store: MeldingStore;
let drop: () => Promise<void>;
const clock = new FixedClock(new Date('2026-11-22T09:00:00Z'));
const PARTY = '00000003273416560001';

beforeAll(async () => {
  ({ ds, store, drop } = await openTestStore(clock));
});

afterAll(async () => {
  await drop?.();
});

const record = (child: string, geboortedatum: string, melderId: string) => recordAs(store, clock, { party: PARTY, convenant: '7', child, geboortedatum, melderId });

const statusOf = async (referentie: string) => (await ds.query('SELECT status, to_char(ended_on, $2) AS ended_on, to_char(purge_on, $2) AS purge_on FROM melding WHERE referentie = $1', [referentie, 'YYYY-MM-DD']))[0];

it('ends meldingen on time, keeps them out of matching, purges them after 5 years, and audits each step', async () => {
  const job = new LifecycleJob(ds, clock);
  // X turns 23 on 2028-01-10 (before the two years are up); Y is 11.
  expect(await record('X', '2005-01-10', 'a')).toMatchObject({ outcome: 'new', matches: 0 });
  expect(await record('X', '2005-01-10', 'b')).toMatchObject({ outcome: 'new', matches: 1 });
  expect(await record('Y', '2015-06-01', 'd')).toMatchObject({ outcome: 'new', matches: 0 });
  expect(await job.run()).toEqual({ expired: 0, purged: 0 });

  clock.set(new Date('2028-01-09T23:00:00Z'));
  expect(await job.run()).toEqual({ expired: 0, purged: 0 });
  clock.set(new Date('2028-01-10T06:00:00Z'));
  expect(await job.run()).toEqual({ expired: 2, purged: 0 });
  expect(await statusOf('REF-a')).toEqual({ status: 'expired', ended_on: '2028-01-10', purge_on: '2033-01-10' });
  expect(await statusOf('REF-d')).toMatchObject({ status: 'active' });

  // Y's melding ends two years after its melding date; a new melding about Y then matches nothing.
  clock.set(new Date('2028-11-22T06:00:00Z'));
  expect(await job.run()).toEqual({ expired: 1, purged: 0 });
  expect(await record('Y', '2015-06-01', 'e')).toMatchObject({ outcome: 'new', matches: 0 });
  expect(await job.run()).toEqual({ expired: 0, purged: 0 });

  // By 2033 the second melding about Y (2028) has ended too; A and B leave the archive.
  clock.set(new Date('2033-01-10T06:00:00Z'));
  expect(await job.run()).toEqual({ expired: 1, purged: 2 });
  expect(await statusOf('REF-a')).toBeUndefined();
  expect((await ds.query('SELECT count(*)::int AS n FROM match'))[0].n).toBe(0);
  expect(await statusOf('REF-d')).toMatchObject({ status: 'expired', purge_on: '2033-11-22' });

  const audit: { action: string; actor: string; n: number }[] = await ds.query('SELECT action, actor, count(*)::int AS n FROM audit_log GROUP BY action, actor ORDER BY action');
  expect(audit).toEqual([
    { action: 'expired', actor: 'system', n: 4 },
    { action: 'purged', actor: 'system', n: 2 },
  ]);
});

it('ends each melding once when two instances run the job at the same moment', async () => {
  for (const who of ['p', 'q', 'r']) await record(`Z-${who}`, '2016-03-03', who);
  clock.set(new Date('2035-11-22T06:00:00Z'));
  const before = (await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'expired'`))[0].n;
  const [a, b] = await Promise.all([new LifecycleJob(ds, clock).run(), new LifecycleJob(ds, clock).run()]);
  expect(a.expired + b.expired).toBe(3);
  expect((await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'expired'`))[0].n).toBe(before + 3);
});
