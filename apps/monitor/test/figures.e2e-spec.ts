import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@vir/persistence';
import { DemoRun, ROOT_DIR, startE2eStack, waitUntil, type E2eStack } from '@vir/testing';
import { figuresCsv } from '../src/figures/figures-csv';
import { EMPTY_COUNTS, groupLabel, periodLabel, shownCells, type Dimension, type FigureRow, type FiguresForm } from '../src/figures/figures-model';
import { FiguresQueries } from '../src/figures/figures.queries';
import { monitorVir } from './monitor-vir.fixture';

// The Figures page against the real stack: the demo scenario, five times over (so that most
// figures reach 5 and are shown), with follow-up reports, through gateway, index, Kafka and
// monitor; then the page, the CSV and the monitor's own numbers must EQUAL what SQL computes
// directly from the index's tables (and the gateway's, for signals and their follow-up).

const SHOTS = join(ROOT_DIR, '.tmp', 'screenshots');
const RUNS = 5;
const PASSWORD = { admin: 'admin-password-123', area: 'area-password-1234' };

let e2e: E2eStack;
let browser: Browser;
let db: Client;
let monitorDs: DataSource;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
// Yesterday to tomorrow: the test may run across midnight (UTC).
const FROM = day(-1);
const TO = day(1);

const vir = monitorVir(() => e2e);

async function signIn(username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(`${e2e.stack.urls.monitor}/console/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return page;
}

/** The figures straight from the index's tables (and the gateway's signals), by SQL. */
async function oracle(dimension: Dimension, o: { total?: boolean; convenant?: string } = {}): Promise<FigureRow[]> {
  const idx = `${e2e.namespace}_index`;
  const gw = `${e2e.namespace}_gateway`;
  const group = { none: "''", convenant: 'm.convenant', gemeente: "coalesce(m.woongemeente, '')", domein: 'm.organisatie_domein' }[dimension];
  const period = (at: string) => (o.total ? `'${FROM}'` : `to_char((${at} AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`);
  const area = o.convenant ? 'AND m.convenant = $1' : '';
  const params = o.convenant ? [o.convenant] : [];
  const q = async <T>(sql: string) => (await db.query(sql, params)).rows as T[];
  const meldingen = await q<{ period: string; grp: string; n: number; young: number; matched: number }>(`
    SELECT ${period('m.created_at')} AS period, ${group} AS grp, count(*)::int AS n, count(DISTINCT m.jeugdige_pseudonym)::int AS young,
           count(DISTINCT m.jeugdige_pseudonym) FILTER (WHERE EXISTS (SELECT 1 FROM ${idx}.match x WHERE m.id IN (x.melding_a, x.melding_b)))::int AS matched
    FROM ${idx}.melding m WHERE true ${area} GROUP BY 1, 2`);
  const kinds = (soort: string, reikwijdte: string) => `count(DISTINCT x.id) FILTER (WHERE x.soort = '${soort}' AND x.reikwijdte = '${reikwijdte}')::int`;
  const matches = await q<{ period: string; grp: string; kb: number; ko: number; gb: number; go: number }>(`
    SELECT ${period('x.created_at')} AS period, ${group} AS grp, ${kinds('kind', 'binnen-convenant')} AS kb, ${kinds('kind', 'convenant-overstijgend')} AS ko,
           ${kinds('gezin', 'binnen-convenant')} AS gb, ${kinds('gezin', 'convenant-overstijgend')} AS go
    FROM ${idx}.match x JOIN ${idx}.melding m ON m.id IN (x.melding_a, x.melding_b) WHERE true ${area} GROUP BY 1, 2`);
  // A matchsignaal counts under the melding it is about (its first correlation id), on the day its match was made.
  const signals = await q<{ period: string; grp: string; n: number; reported: number; contact: number }>(`
    SELECT ${period('x.created_at')} AS period, ${group} AS grp, count(*)::int AS n, count(f.signal_id)::int AS reported, count(*) FILTER (WHERE f.contact)::int AS contact
    FROM ${gw}.signal s JOIN ${idx}.melding m ON m.message_id = s.correlation_ids[1]
      JOIN ${idx}.melding o ON o.message_id = s.correlation_ids[2]
      JOIN ${idx}.match x ON (x.melding_a, x.melding_b) IN ((m.id, o.id), (o.id, m.id))
      LEFT JOIN ${gw}.signal_follow_up f ON f.signal_id = s.id
    WHERE s.type = 'matchsignaal' ${area} GROUP BY 1, 2`);
  const rows = new Map<string, FigureRow>();
  const row = (p: string, g: string) => {
    const key = `${p}/${g}`;
    if (!rows.has(key)) rows.set(key, { period: p, group: g, counts: { ...EMPTY_COUNTS } });
    return rows.get(key)!.counts;
  };
  for (const r of meldingen) Object.assign(row(r.period, r.grp), { meldingen: r.n, youngPeople: r.young, youngPeopleMatched: r.matched });
  for (const r of matches) Object.assign(row(r.period, r.grp), { kindBinnen: r.kb, kindOver: r.ko, gezinBinnen: r.gb, gezinOver: r.go });
  for (const r of signals) Object.assign(row(r.period, r.grp), { signals: r.n, followedUp: r.reported, contact: r.contact });
  return [...rows.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

const total = async (convenant?: string): Promise<FigureRow> => (await oracle('none', { total: true, convenant }))[0];

/** The page's table as text: one array per row (period, group, then the cells). */
async function pageTable(page: Page): Promise<{ rows: string[][]; total: string[] }> {
  const rows = await page.$$eval('#figures tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
  const total = await page.$$eval('#figures-total th, #figures-total td', (cells) => cells.map((c) => c.textContent ?? ''));
  return { rows, total };
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  e2e = await startE2eStack();
  db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
  monitorDs = new DataSource({ ...dataSourceOptions({ url: process.env.VIR_TEST_DATABASE_URL!, schema: `${e2e.namespace}_monitor`, entities: [], migrations: [], applicationName: 'figures-test' }) });
  await monitorDs.initialize();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  expect(await vir(['account', 'add', 'admin', '--role', 'beheerder', '--password-stdin'], PASSWORD.admin)).toBe(0);
  expect(await vir(['account', 'add', 'area7', '--role', 'convenantbeheerder', '--convenant', '7', '--password-stdin'], PASSWORD.area)).toBe(0);

  const runs: DemoRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = new DemoRun(e2e.stack, randomBytes(3).toString('hex'));
    await run.sendAll();
    runs.push(run);
  }
  await e2e.webhooks.waitFor(() => runs.every((r) => r.allDelivered(e2e.webhooks)), 60_000);
  // Follow-up: contact made after the signals about A and B, none after the one about C.
  for (const run of runs) {
    expect((await run.reportFollowUp(e2e.webhooks, 'A', { contact: true })).status).toBe(201);
    expect((await run.reportFollowUp(e2e.webhooks, 'B', { contact: true })).status).toBe(201);
    expect((await run.reportFollowUp(e2e.webhooks, 'C', { contact: false, redenCode: 'GEEN_REACTIE' })).status).toBe(201);
  }
  // Everything in the monitor's read model.
  await waitUntil(
    async () => {
      const [r] = (
        await monitorDs.query(`SELECT (SELECT count(*) FROM figure_melding WHERE day IS NOT NULL)::int AS m,
                                      (SELECT count(*) FROM figure_signal WHERE day IS NOT NULL)::int AS s,
                                      (SELECT count(*) FROM figure_signal WHERE followed_up)::int AS f`)
      ) as { m: number; s: number; f: number }[];
      return r.m === 6 * RUNS && r.s === 6 * RUNS && r.f === 3 * RUNS ? r : undefined;
    },
    30_000,
    'figures in the read model',
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await monitorDs?.destroy();
  await db?.end();
  await e2e?.stop();
});

describe('Figures (real stack, demo scenario)', () => {
  it('the oracle itself sees the scenario: most figures at or above 5', async () => {
    const t = await total();
    expect(t.counts).toEqual({ meldingen: 30, youngPeople: 15, youngPeopleMatched: 15, kindBinnen: 5, kindOver: 10, gezinBinnen: 0, gezinOver: 0, signals: 30, followedUp: 15, contact: 10 });
  });

  it("the monitor's numbers equal SQL on the index's tables, for every grouping and with an area filter", async () => {
    const queries = new FiguresQueries(monitorDs);
    for (const dimension of ['none', 'convenant', 'gemeente', 'domein'] as Dimension[]) {
      for (const convenant of [undefined, '7', '41']) {
        expect([dimension, convenant, await queries.figures({ from: FROM, to: TO, grouping: 'day', dimension, convenant })]).toEqual([dimension, convenant, await oracle(dimension, { convenant })]);
      }
    }
    expect(await queries.total({ from: FROM, to: TO })).toEqual(await total());
    expect(await queries.total({ from: FROM, to: TO, convenant: '41' })).toEqual(await total('41'));
  });

  it('the page and the CSV show exactly those figures, suppressed the same way', async () => {
    const page = await signIn('admin', PASSWORD.admin);
    for (const dimension of ['none', 'convenant', 'gemeente', 'domein'] as Dimension[]) {
      const form: FiguresForm = { from: FROM, to: TO, grouping: 'day', dimension, convenant: '' };
      const qs = `from=${FROM}&to=${TO}&grouping=day&dimension=${dimension}`;
      await page.goto(`${e2e.stack.urls.monitor}/console/figures?${qs}`);
      const expected = await oracle(dimension);
      const t = await total();
      const shown = await pageTable(page);
      expect(shown.rows).toEqual(expected.map((r) => [periodLabel(r.period, 'day'), groupLabel(dimension, r.group), ...shownCells(r.counts)]));
      expect(shown.total).toEqual([`${FROM} – ${TO}`, 'total', ...shownCells(t.counts)]);
      if (dimension === 'convenant') await page.screenshot({ path: join(SHOTS, 'figures.png'), fullPage: true });

      const csv = await page.context().request.get(`${e2e.stack.urls.monitor}/console/figures.csv?${qs}`);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers()['content-disposition']).toBe(`attachment; filename="vir-figures_${FROM}_${TO}_day_${dimension}.csv"`);
      expect(await csv.text()).toBe(figuresCsv(form, expected, t));
    }
    // Spot checks that suppression really happens on this data: area 66 (the RvdK) has 5 meldingen, 1 kind of match.
    await page.goto(`${e2e.stack.urls.monitor}/console/figures?from=${FROM}&to=${TO}&grouping=year&dimension=convenant`);
    const rvdk = await page.$$eval('#figures tbody tr[data-group="66"] td', (tds) => tds.map((td) => td.textContent));
    expect(rvdk.slice(0, 5)).toEqual(['5', '5', '5', '100 %', '< 5']);
    // The download link carries the same form.
    expect(await page.getAttribute('#figures-csv', 'href')).toBe(`/console/figures.csv?from=${FROM}&to=${TO}&grouping=year&dimension=convenant`);
    await page.context().close();
  });

  it("a convenantbeheerder sees only their own area's figures; another area by URL is refused and audited", async () => {
    const page = await signIn('area7', PASSWORD.area);
    await page.goto(`${e2e.stack.urls.monitor}/console/figures?from=${FROM}&to=${TO}&grouping=day&dimension=convenant`);
    const shown = await pageTable(page);
    const expected = await oracle('convenant', { convenant: '7' });
    expect(shown.rows).toEqual(expected.map((r) => [periodLabel(r.period, 'day'), r.group, ...shownCells(r.counts)]));
    expect(shown.rows.every((r) => r[1] === '7')).toBe(true);
    expect(shown.total).toEqual([`${FROM} – ${TO}`, 'total', ...shownCells((await total('7')).counts)]);
    expect(await page.locator('select[name=convenant]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'figures-convenantbeheerder.png'), fullPage: true });

    for (const path of ['figures', 'figures.csv']) {
      const res = await page.goto(`${e2e.stack.urls.monitor}/console/${path}?convenant=41`);
      expect(res?.status()).toBe(403);
      expect(await page.getAttribute('[data-code]', 'data-code')).toBe('FORBIDDEN');
    }
    const audit = (await monitorDs.query(`SELECT action, target, outcome FROM console_audit WHERE actor = 'area7' AND outcome = 'forbidden' ORDER BY id`)) as unknown[];
    expect(audit).toEqual([
      { action: 'view-figures', target: 'convenant:41', outcome: 'forbidden' },
      { action: 'export-figures', target: 'convenant:41', outcome: 'forbidden' },
    ]);
    await page.context().close();
  });

  it('refuses a malformed form with a coded error, querying nothing', async () => {
    const page = await signIn('admin', PASSWORD.admin);
    const res = await page.goto(`${e2e.stack.urls.monitor}/console/figures?from=2026-02-30&grouping=decade&dimension=%3Cscript%3E`);
    expect(res?.status()).toBe(400);
    expect(await page.textContent('[data-code=VALIDATION_FAILED]')).toContain('from: a date YYYY-MM-DD; grouping: one of day, week, month, quarter, year; by: one of none, convenant, gemeente, domein');
    expect(await page.locator('#figures').count()).toBe(0);
    expect((await page.context().request.get(`${e2e.stack.urls.monitor}/console/figures.csv?to=yesterday`)).status()).toBe(400);
    await page.context().close();
  });

  it('holds no BSN and no index pseudonym: the young person only as the statistics key', async () => {
    const subjects = ((await monitorDs.query('SELECT DISTINCT subject FROM figure_melding')) as { subject: string }[]).map((r) => r.subject);
    const pseudonyms = ((await db.query(`SELECT DISTINCT jeugdige_pseudonym AS p FROM ${e2e.namespace}_index.melding`)).rows as { p: string }[]).map((r) => r.p);
    expect(subjects).toHaveLength(15);
    expect(subjects.every((s) => /^[A-Za-z0-9_-]{22}$/.test(s))).toBe(true);
    for (const s of subjects) expect(pseudonyms.some((p) => p.includes(s))).toBe(false);
  });
});
