import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PARTIES, type DevParty } from '@vir/devstack';
import { postJson, regionalMelding, ROOT_DIR, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';
import { Client } from 'pg';
import { resetDemoAdministrator } from '../../cli/src/vir/account-commands';
import { monitorVirRun } from './monitor-vir.fixture';

// The operators' console in a real browser (Debian's Chromium, driven by playwright-core)
// against the real stack: gateway, index and monitor as processes, real Kafka and PostgreSQL.
// Screenshots of every page go to .tmp/screenshots/ (git-ignored).

const SHOTS = join(ROOT_DIR, '.tmp', 'screenshots');
const XSS_NAME = `<img src=x onerror="window.__pwned=1">NHN<script>window.__pwned=2</script>`;
const PASSWORD = { admin: 'admin-password-123', area: 'area-password-1234', locky: 'locky-password-123' };

let e2e: E2eStack;
let browser: Browser;
let nhn: DevParty;
let twente: DevParty;
let matchedTrackingId: string;
let nhnTrackingId: string;
let rejectedTrackingId: string;
const dialogs: string[] = [];

/** The `vir` tool in-process, against the stack's monitor schema. */
const vir = monitorVirRun(() => e2e);

async function newPage(context?: BrowserContext): Promise<Page> {
  const page = await (context ?? (await browser.newContext())).newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return page;
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${e2e.stack.urls.monitor}/console/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The monitor's view of the parties, with an attacker-chosen name for NHN (the console must show it as text).
  const partiesFile = join(ROOT_DIR, '.tmp', `monitor-parties-${process.pid}.json`);
  writeFileSync(partiesFile, JSON.stringify({ parties: DEMO_PARTIES.map((p) => ({ oin: p.oin, name: p.name === 'regio-nhn' ? XSS_NAME : p.commonName, convenant: p.convenant })) }));
  e2e = await startE2eStack({ monitor: { PARTIES_FILE: partiesFile, LOGIN_MAX_FAILURES: '3' } });
  [nhn, twente] = ['regio-nhn', 'regio-twente'].map((n) => e2e.stack.parties.find((p) => p.name === n)!);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

  expect((await vir(['account', 'add', 'admin', '--role', 'beheerder', '--password-stdin'], `${PASSWORD.admin}\n`)).code).toBe(0);
  expect((await vir(['account', 'add', 'area7', '--role', 'convenantbeheerder', '--convenant', nhn.convenant, '--password-stdin'], PASSWORD.area)).code).toBe(0);
  expect((await vir(['account', 'add', 'locky', '--role', 'read-only', '--password-stdin'], PASSWORD.locky)).code).toBe(0);

  // A cross-area match (NHN, then Twente, about one young person) and a rejected melding.
  const bsn = testBsn(7001);
  const first = regionalMelding({ bsn, melderId: 'nhn-prof' });
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, first, e2e.as(nhn))).status).toBe(202);
  const second = regionalMelding({ bsn, melderId: 'twente-prof' });
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, second, e2e.as(twente))).status).toBe(202);
  const rejected = regionalMelding({ bsn: '123456789', melderId: 'nhn-prof' });
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, rejected, e2e.as(nhn))).status).toBe(422);
  [nhnTrackingId, matchedTrackingId, rejectedTrackingId] = [first.berichtId, second.berichtId, rejected.berichtId];
  // Both signals delivered, as the monitor sees it.
  await waitUntil(
    async () => {
      const res = await fetch(`${e2e.stack.urls.monitor}/v1/traces/${matchedTrackingId}`);
      if (!res.ok) return undefined;
      const t = (await res.json()) as { steps: { step: string }[] };
      return t.steps.filter((s) => s.step === 'gateway.delivered').length >= 2 ? t : undefined;
    },
    30_000,
    'both signals delivered',
  );
});

afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
});

describe('operators\' console in Chromium (real stack)', () => {
  it('a beheerder signs in and sees the overview, the messages and a trace through every hop', async () => {
    const page = await newPage();
    await signIn(page, 'admin', PASSWORD.admin);
    expect(page.url()).toMatch(/\/console\/overview$/);
    await shot(page, '01-overview');
    const perStep = await page.locator('#per-step tbody td').allTextContents();
    expect(perStep.map(Number)).toEqual([3, 1, 2, 1, 2, 2, 0]); // received, rejected, forwarded, matched, signalled, delivered, failed
    expect(await page.locator('figure.chart svg polyline').count()).toBe(7);
    expect(await page.locator('#lag tbody th').allTextContents()).toEqual(['vir-index', 'vir-gateway-delivery', 'vir-monitor']);
    expect((await page.locator('#lag tbody td:last-child').allTextContents()).every((n) => /^\d+$/.test(n))).toBe(true);

    await page.goto(`${e2e.stack.urls.monitor}/console/messages`);
    await shot(page, '02-messages');
    const listed = await page.locator('#messages tbody tr a').allTextContents();
    expect(listed).toEqual(expect.arrayContaining([nhnTrackingId, matchedTrackingId, rejectedTrackingId]));

    await page.goto(`${e2e.stack.urls.monitor}/console/messages?trackingId=${matchedTrackingId}`);
    expect(await page.locator('#messages tbody tr').count()).toBe(1);
    await page.click(`a[href="/console/messages/${matchedTrackingId}"]`);
    await shot(page, '03-trace');
    const steps = await page.locator('#trace li .step').allTextContents();
    expect(steps).toEqual(
      expect.arrayContaining(['gateway.received', 'gateway.forwarded', 'index.verified', 'index.stored', 'index.matched', 'index.signal-queued', 'gateway.signal-received', 'gateway.delivered']),
    );
    expect(steps.filter((s) => s === 'gateway.delivered')).toHaveLength(2);
    expect(await page.locator('#trace li .duration').first().textContent()).toMatch(/^\+\d+ ms$/);

    await page.goto(`${e2e.stack.urls.monitor}/console/messages?outcome=rejected`);
    expect(await page.locator('#messages tbody tr a').allTextContents()).toEqual([rejectedTrackingId]);

    await page.goto(`${e2e.stack.urls.monitor}/console/errors`);
    await shot(page, '04-errors');
    const row = page.locator('#errors tbody tr', { hasText: 'BSN_INVALID' });
    expect(await row.count()).toBe(1);
    expect(await row.locator('a').first().getAttribute('href')).toBe(`/console/messages/${rejectedTrackingId}`);

    await page.goto(`${e2e.stack.urls.monitor}/console/audit?action=view-trace`);
    await shot(page, '05-audit');
    expect(await page.locator('#audit tbody tr', { hasText: matchedTrackingId }).count()).toBeGreaterThanOrEqual(1);
    // The JSON operations API's views (the set-up polled a trace) are audited by caller address.
    await page.goto(`${e2e.stack.urls.monitor}/console/audit?action=api-trace`);
    expect(await page.locator('#audit tbody tr', { hasText: 'operations-api:' }).count()).toBeGreaterThanOrEqual(1);
    await page.context().close();
  });

  it("a convenantbeheerder sees only their area, and gets 403 (audited) for another area's message by URL", async () => {
    const page = await newPage();
    await signIn(page, 'area7', PASSWORD.area);
    await shot(page, '06-overview-area');
    const parties = await page.locator('#per-party tbody th .party').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(parties).toEqual([nhn.oin]);
    expect(await page.locator('#lag').count()).toBe(0);

    await page.goto(`${e2e.stack.urls.monitor}/console/messages`);
    const listed = await page.locator('#messages tbody tr a').allTextContents();
    expect(listed).toEqual(expect.arrayContaining([nhnTrackingId, rejectedTrackingId]));
    expect(listed).not.toContain(matchedTrackingId);

    const res = await page.goto(`${e2e.stack.urls.monitor}/console/messages/${matchedTrackingId}`);
    expect(res?.status()).toBe(403);
    expect(await page.locator('[data-code]').getAttribute('data-code')).toBe('FORBIDDEN');
    await shot(page, '07-forbidden');
    expect((await page.goto(`${e2e.stack.urls.monitor}/console/messages?party=${twente.oin}`))?.status()).toBe(403);
    expect((await page.goto(`${e2e.stack.urls.monitor}/console/audit`))?.status()).toBe(403);

    // Their own melding's trace shows, without the hops of the other area's party.
    expect((await page.goto(`${e2e.stack.urls.monitor}/console/messages/${nhnTrackingId}`))?.status()).toBe(200);
    const oins = await page.locator('#trace .party').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(oins.length).toBeGreaterThan(0);
    expect(new Set(oins)).toEqual(new Set([nhn.oin]));
    await page.context().close();

    const admin = await newPage();
    await signIn(admin, 'admin', PASSWORD.admin);
    await admin.goto(`${e2e.stack.urls.monitor}/console/audit?actor=area7&outcome=forbidden`);
    const targets = await admin.locator('#audit tbody tr').allTextContents();
    expect(targets.some((t) => t.includes('view-trace') && t.includes(matchedTrackingId))).toBe(true);
    await admin.context().close();
  });

  it('refuses a wrong password, and locks the account after repeated failures (even for the right password)', async () => {
    const page = await newPage();
    await signIn(page, 'locky', 'wrong-password-1');
    expect(await page.locator('[data-code]').getAttribute('data-code')).toBe('SIGN_IN_FAILED');
    await shot(page, '08-sign-in-refused');
    await signIn(page, 'locky', 'wrong-password-2');
    await signIn(page, 'locky', 'wrong-password-3');
    await signIn(page, 'locky', PASSWORD.locky);
    expect(await page.locator('[data-code]').getAttribute('data-code')).toBe('ACCOUNT_LOCKED');
    expect(page.url()).toMatch(/\/console\/login$/);
    const list = await vir(['account', 'list']);
    expect(list.out).toMatch(/^locky\s+read-only\s+locked until /m);
    // An operator resets the password: the lock is cleared.
    expect((await vir(['account', 'reset-password', 'locky', '--password-stdin'], 'a-brand-new-password')).code).toBe(0);
    await signIn(page, 'locky', 'a-brand-new-password');
    expect(page.url()).toMatch(/\/console\/overview$/);
    await page.context().close();
  });

  it('refuses a forged form post without (or with a wrong) CSRF token', async () => {
    const page = await newPage();
    await signIn(page, 'admin', PASSWORD.admin);
    const request = page.context().request;
    const forged = await request.post(`${e2e.stack.urls.monitor}/console/logout`, { form: { foo: 'bar' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('data-code="CSRF_INVALID"');
    const wrong = await request.post(`${e2e.stack.urls.monitor}/console/logout`, { form: { _csrf: 'x'.repeat(43) }, maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
    const otherOrigin = await request.post(`${e2e.stack.urls.monitor}/console/logout`, {
      form: { _csrf: (await page.locator('input[name=_csrf]').first().getAttribute('value'))! },
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(otherOrigin.status()).toBe(403);
    // Still signed in; the real form (with its token) signs out.
    expect((await page.goto(`${e2e.stack.urls.monitor}/console/overview`))?.url()).toMatch(/\/console\/overview$/);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/logout"] button')]);
    expect(page.url()).toMatch(/\/console\/login$/);
    // A sign-in post without the sign-in form's token is refused too.
    const anonymous = await browser.newContext();
    const login = await anonymous.request.post(`${e2e.stack.urls.monitor}/console/login`, { form: { username: 'admin', password: PASSWORD.admin }, maxRedirects: 0 });
    expect(login.status()).toBe(403);
    await anonymous.close();
    await page.context().close();
  });

  it('keeps script in a party name and in a search field inert, under a strict CSP', async () => {
    const page = await newPage();
    await signIn(page, 'admin', PASSWORD.admin);
    const res = await page.goto(`${e2e.stack.urls.monitor}/console/overview`);
    expect(res?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res?.headers()['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect(await page.locator('#per-party .party', { hasText: 'NHN' }).textContent()).toBe(XSS_NAME);
    const attack = `"><img src=x onerror="window.__pwned=4"><script>x=1</script>`;
    await page.goto(`${e2e.stack.urls.monitor}/console/messages?step=${encodeURIComponent(attack)}`);
    expect(await page.inputValue('input[name=step]')).toBe(attack);
    await shot(page, '09-xss-inert');
    await page.goto(`${e2e.stack.urls.monitor}/console/messages/${nhnTrackingId}`);
    expect(await page.locator('#trace .party').first().textContent()).toBe(XSS_NAME);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.context().close();
  });

  it('npm start\'s demo administrator: a fresh password each start that signs in', async () => {
    const first = await resetDemoAdministrator(process.env.VIR_TEST_DATABASE_URL!, `${e2e.namespace}_monitor`);
    const second = await resetDemoAdministrator(process.env.VIR_TEST_DATABASE_URL!, `${e2e.namespace}_monitor`);
    expect(second.password).not.toBe(first.password);
    const page = await newPage();
    await signIn(page, second.username, second.password);
    expect(page.url()).toMatch(/\/console\/overview$/);
    await page.context().close();
  });

  it('rebuilds the read model from the topic: the same events, summaries and counts', async () => {
    const db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
    await db.connect();
    const schema = `${e2e.namespace}_monitor`;
    const snapshot = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM ${schema}.flow_event)::int AS events, (SELECT count(*) FROM ${schema}.message_summary)::int AS messages,
                  (SELECT coalesce(sum(count), 0) FROM ${schema}.flow_minute)::int AS minute, (SELECT coalesce(sum(count), 0) FROM ${schema}.flow_day)::int AS day`,
        )
      ).rows[0] as Record<string, number>;
    try {
      const before = await snapshot();
      expect(before.events).toBeGreaterThan(10);
      expect((await vir(['monitor', 'rebuild'])).code).toBe(1); // refused while the monitor consumes
      await e2e.stack.services.monitor.stop();
      const rebuilt = await vir(['monitor', 'rebuild']);
      expect(rebuilt).toMatchObject({ code: 0 });
      expect((await snapshot()).events).toBe(0);
      await e2e.stack.services.monitor.start();
      await waitUntil(async () => ((await snapshot()).events === before.events ? true : undefined), 30_000, 'the read model rebuilt');
      expect(await snapshot()).toEqual(before);
    } finally {
      await db.end();
    }
  });
});
