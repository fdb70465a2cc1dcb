import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client } from 'pg';
import type { DevParty } from '@vir/devstack';
import { postJson, regionalMelding, ROOT_DIR, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';
import { monitorVir } from './monitor-vir.fixture';

// The console's Delivery and Parties pages and the signed-XML view, in Chromium against the real
// stack (gateway, index, monitor as processes; real Kafka and PostgreSQL): a signal that failed
// for good is resent from the console and then delivered; a party is suspended and resumed; a
// dead letter goes back to its topic; the signed XML shows no BSN. Screenshots: .tmp/screenshots/.

const SHOTS = join(ROOT_DIR, '.tmp', 'screenshots');
const PASSWORD = { admin: 'ops-admin-password-1', area: 'ops-area-password-12', ro: 'ops-read-only-pass-1' };
const BSN = testBsn(7101);

let e2e: E2eStack;
let browser: Browser;
let nhn: DevParty;
let twente: DevParty;
let nhnTrackingId: string;
let failedSignalId: string;

const vir = monitorVir(() => e2e);

/** The gateway's admin API, as the test's own independent view of what the console did. */
async function admin<T>(path: string): Promise<T> {
  const res = await fetch(`${e2e.stack.gatewayAdminUrl}${path}`, { headers: { authorization: `Bearer ${e2e.stack.operatorToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function audit(action: string): Promise<{ actor: string; target: string | null; outcome: string; detail: Record<string, unknown> | null }[]> {
  const db = new Client({ connectionString: process.env.VIR_TEST_DATABASE_URL });
  await db.connect();
  try {
    return (await db.query(`SELECT actor, target, outcome, detail FROM ${e2e.namespace}_monitor.console_audit WHERE action = $1 ORDER BY id`, [action])).rows;
  } finally {
    await db.end();
  }
}

async function signIn(username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${e2e.stack.urls.monitor}/console/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  expect(page.url()).toMatch(/\/console\/overview$/);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Quick retries and a short give-up, so a signal to a webhook that keeps failing is failed within seconds.
  e2e = await startE2eStack({ gateway: { DELIVERY_POLL_MS: '50', DELIVERY_RETRY_BASE_MS: '100', DELIVERY_GIVE_UP_MS: '1500' } });
  [nhn, twente] = ['regio-nhn', 'regio-twente'].map((n) => e2e.stack.parties.find((p) => p.name === n)!);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  expect(await vir(['account', 'add', 'ops', '--role', 'beheerder', '--password-stdin'], PASSWORD.admin)).toBe(0);
  expect(await vir(['account', 'add', 'ops-area', '--role', 'convenantbeheerder', '--convenant', nhn.convenant, '--password-stdin'], PASSWORD.area)).toBe(0);
  expect(await vir(['account', 'add', 'ops-ro', '--role', 'read-only', '--password-stdin'], PASSWORD.ro)).toBe(0);

  // A cross-area match: NHN's signal is delivered, Twente's webhook keeps failing until its signal is failed.
  e2e.webhooks.failNext('regio-twente', 1_000_000);
  const first = regionalMelding({ bsn: BSN, melderId: 'nhn-ops' });
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, first, e2e.as(nhn))).status).toBe(202);
  expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn: BSN, melderId: 'twente-ops' }), e2e.as(twente))).status).toBe(202);
  nhnTrackingId = first.berichtId;
  failedSignalId = await waitUntil(
    async () => (await admin<{ signalen: { id: string }[] }>(`/v1/admin/signalen?party=${twente.oin}&status=failed`)).signalen[0]?.id,
    30_000,
    "Twente's signal failed",
  );
});

afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
});

describe('Delivery, Parties and the signed XML in Chromium (real stack)', () => {
  it('shows the failed signal on the Delivery page; a beheerder resends it and it is delivered (audited)', async () => {
    const page = await signIn('ops', PASSWORD.admin);
    await page.click('nav a[href="/console/delivery"]');
    const row = page.locator(`#delivery-signals tr[data-signal="${failedSignalId}"]`);
    expect(await row.getAttribute('data-status')).toBe('failed');
    expect(await row.locator('td').nth(6).textContent()).not.toBe('');
    expect(await page.locator(`#delivery-parties tr[data-party="${twente.oin}"] td`).nth(2).textContent()).toBe('1');
    await shot(page, 'ops-01-delivery-failed');

    e2e.webhooks.failNext('regio-twente', 0);
    await row.locator('input[name=reason]').fill('webhook fixed');
    await Promise.all([page.waitForNavigation(), row.locator('button').click()]);
    expect(page.url()).toContain('done=signal-resent');
    expect(await page.locator('p.notice').textContent()).toContain(failedSignalId);
    await e2e.webhooks.waitFor((ds) => ds.some((d) => d.signalId === failedSignalId), 20_000);
    const view = await admin<{ status: string; history: { status: string; actor: string | null; detail: string | null }[] }>(`/v1/admin/signalen/${failedSignalId}`);
    expect(view.status).toBe('delivered');
    expect(view.history).toContainEqual(expect.objectContaining({ status: 'queued', actor: 'operator', detail: 'resent by an operator: console ops: webhook fixed' }));
    expect(await audit('resend-signal')).toEqual([{ actor: 'ops', target: failedSignalId, outcome: 'ok', detail: { reason: 'webhook fixed' } }]);
    await page.reload();
    expect(await page.locator(`#delivery-signals tr[data-signal="${failedSignalId}"]`).count()).toBe(0);
    await shot(page, 'ops-02-delivery-after-resend');
    await page.context().close();
  });

  it('suspends and resumes a party from the Parties page: the gateway refuses it meanwhile (audited)', async () => {
    const page = await signIn('ops', PASSWORD.admin);
    await page.goto(`${e2e.stack.urls.monitor}/console/parties`);
    const row = page.locator(`#parties tr[data-party="${nhn.oin}"]`);
    expect(await row.getAttribute('data-status')).toBe('active');
    // Activity from the read model, certificate expiry from the gateway (it read the parties file's certificate files).
    expect(await row.locator('td').nth(4).textContent()).toMatch(/^\d{4}-\d{2}-\d{2} /);
    expect(await row.locator('.cert').first().textContent()).toMatch(/until \d{4}-\d{2}-\d{2} \(\d+ days\)/);
    await shot(page, 'ops-03-parties');

    await row.locator('input[name=reason]').fill('maintenance <b>window</b>');
    await Promise.all([page.waitForNavigation(), row.locator('button').click()]);
    expect(page.url()).toContain('done=suspended');
    expect(await row.getAttribute('data-status')).toBe('suspended');
    expect(await row.locator('td').nth(3).textContent()).toContain('maintenance <b>window</b>');
    await shot(page, 'ops-04-party-suspended');
    expect((await admin<{ status: string }>(`/v1/admin/parties/${nhn.oin}`)).status).toBe('suspended');
    const refused = await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn: testBsn(7102), melderId: 'nhn-ops' }), e2e.as(nhn));
    expect([refused.status, (refused.body as { code: string }).code]).toEqual([403, 'PARTY_SUSPENDED']);

    await Promise.all([page.waitForNavigation(), row.locator('button', { hasText: 'Resume' }).click()]);
    expect(await row.getAttribute('data-status')).toBe('active');
    expect((await admin<{ status: string }>(`/v1/admin/parties/${nhn.oin}`)).status).toBe('active');
    expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, regionalMelding({ bsn: testBsn(7102), melderId: 'nhn-ops' }), e2e.as(nhn))).status).toBe(202);
    expect((await audit('suspend-party')).map((a) => [a.actor, a.target, a.outcome])).toEqual([['ops', nhn.oin, 'ok']]);
    expect((await audit('resume-party')).map((a) => [a.actor, a.target, a.outcome])).toEqual([['ops', nhn.oin, 'ok']]);
    await page.context().close();
  });

  it("a convenantbeheerder sees only their area's parties, no buttons, and cannot act by URL (refused, audited)", async () => {
    const page = await signIn('ops-area', PASSWORD.area);
    await page.goto(`${e2e.stack.urls.monitor}/console/parties`);
    const areas = await page.locator('#parties tbody tr td:nth-child(2)').allTextContents();
    expect(areas.length).toBeGreaterThan(0);
    expect(new Set(areas)).toEqual(new Set([nhn.convenant]));
    expect(await page.locator('#parties form').count()).toBe(0);
    await page.goto(`${e2e.stack.urls.monitor}/console/delivery`);
    expect(await page.locator('#dead-letters').count()).toBe(0);
    expect(await page.locator(`#delivery-parties tr[data-party="${twente.oin}"]`).count()).toBe(0);
    await shot(page, 'ops-05-parties-convenantbeheerder');

    const csrf = (await page.locator('input[name=_csrf]').first().getAttribute('value'))!;
    const forged = await page.context().request.post(`${e2e.stack.urls.monitor}/console/parties/${twente.oin}/suspend`, { form: { _csrf: csrf, reason: 'x' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('data-code="FORBIDDEN"');
    const own = await page.context().request.post(`${e2e.stack.urls.monitor}/console/parties/${nhn.oin}/suspend`, { form: { _csrf: csrf }, maxRedirects: 0 });
    expect(own.status()).toBe(403);
    const noToken = await page.context().request.post(`${e2e.stack.urls.monitor}/console/delivery/signals/${failedSignalId}/resend`, { form: {}, maxRedirects: 0 });
    expect(await noToken.text()).toContain('data-code="CSRF_INVALID"');
    expect((await admin<{ status: string }>(`/v1/admin/parties/${twente.oin}`)).status).toBe('active');
    expect((await audit('suspend-party')).filter((a) => a.outcome === 'forbidden').map((a) => [a.actor, a.target])).toEqual([
      ['ops-area', twente.oin],
      ['ops-area', nhn.oin],
    ]);
    await page.context().close();
  });

  it('shows a beheerder the signed XML on request, with no BSN and no encrypted value (audited); others are refused', async () => {
    const page = await signIn('ops', PASSWORD.admin);
    await page.goto(`${e2e.stack.urls.monitor}/console/messages/${nhnTrackingId}`);
    await Promise.all([page.waitForNavigation(), page.click('#raw-xml-link')]);
    const xml = (await page.locator('#raw-xml').textContent())!;
    expect(xml).toContain('urn:nl:vir:berichten:v1');
    expect(xml).toMatch(/EncryptedData/);
    expect(xml).toMatch(/CipherValue>\[encrypted, \d+ characters, not shown\]</);
    expect(xml).not.toContain(BSN);
    expect(xml).not.toMatch(/(?<!\d)\d{9}(?!\d)/);
    expect(xml).toContain('SignatureValue');
    await shot(page, 'ops-06-signed-xml');
    // Nothing kept for an id the gateway never forwarded; the gateway's endpoint wants an operator token.
    expect((await page.goto(`${e2e.stack.urls.monitor}/console/messages/${randomUUID()}/xml`))?.status()).toBe(404);
    expect((await fetch(`${e2e.stack.gatewayAdminUrl}/v1/admin/berichten/${nhnTrackingId}`)).status).toBe(401);
    const viewed = await audit('view-raw-xml');
    expect(viewed.map((a) => [a.actor, a.outcome])).toEqual([
      ['ops', 'ok'],
      ['ops', 'refused'],
    ]);
    expect(viewed[0].target).toBe(nhnTrackingId);
    expect((viewed[0].detail as { encryptedValues: number }).encryptedValues).toBeGreaterThan(0);
    await page.context().close();

    const ro = await signIn('ops-ro', PASSWORD.ro);
    await ro.goto(`${e2e.stack.urls.monitor}/console/messages/${nhnTrackingId}`);
    expect(await ro.locator('#raw-xml-link').count()).toBe(0);
    const refused = await ro.goto(`${e2e.stack.urls.monitor}/console/messages/${nhnTrackingId}/xml`);
    expect(refused?.status()).toBe(403);
    await ro.goto(`${e2e.stack.urls.monitor}/console/delivery`);
    expect(await ro.locator('#delivery-parties').count()).toBe(1);
    expect(await ro.locator('form[action*="/resend"]').count()).toBe(0);
    // Read-only sees the parties but cannot act, not even with its own CSRF token.
    const roCsrf = (await ro.locator('input[name=_csrf]').first().getAttribute('value'))!;
    const roPost = await ro.context().request.post(`${e2e.stack.urls.monitor}/console/parties/${nhn.oin}/suspend`, { form: { _csrf: roCsrf }, maxRedirects: 0 });
    expect(roPost.status()).toBe(403);
    expect((await admin<{ status: string }>(`/v1/admin/parties/${nhn.oin}`)).status).toBe('active');
    await ro.context().close();
    expect((await audit('view-raw-xml')).map((a) => [a.actor, a.outcome])).toEqual([
      ['ops', 'ok'],
      ['ops', 'refused'],
      ['ops-ro', 'forbidden'],
    ]);
  });

  it('lists a dead letter and sends it back to its source topic (audited, with a flow event)', async () => {
    const messageId = randomUUID();
    const producer = new Kafka({ brokers: [process.env.VIR_TEST_KAFKA_BROKERS!], clientId: 'e2e-ops-poison', logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: `${e2e.namespace}.vir.inbound.v1`, messages: [{ key: messageId, value: JSON.stringify({ messageId, type: 'melding' }) }] });
    await producer.disconnect();

    const page = await signIn('ops', PASSWORD.admin);
    const rows = () => page.locator('#dead-letters tbody tr').filter({ hasText: messageId.slice(0, 8) });
    await waitUntil(async () => (await page.goto(`${e2e.stack.urls.monitor}/console/delivery`), (await rows().count()) === 1 ? true : undefined), 20_000, 'the dead letter on the Delivery page');
    expect(await rows().first().locator('td.code').textContent()).toBe('CONTRACT_VIOLATION');
    await shot(page, 'ops-07-dead-letter');
    await Promise.all([page.waitForNavigation(), rows().first().locator('button').click()]);
    expect(page.url()).toContain('done=dead-letter-resent');
    // Back on the inbound topic, the index refuses it again: a second dead letter with the same message.
    await waitUntil(async () => (await page.reload(), (await rows().count()) === 2 ? true : undefined), 20_000, 'the resent record dead-lettered again');
    expect(await rows().allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/1× \(last .* by ops\)/)]));
    await shot(page, 'ops-08-dead-letter-resent');
    const resent = await audit('resend-dead-letter');
    expect(resent).toHaveLength(1);
    expect(resent[0]).toMatchObject({ actor: 'ops', outcome: 'ok', detail: { topic: 'vir.inbound.v1', key: messageId, messageId } });
    await waitUntil(
      async () => {
        const res = await fetch(`${e2e.stack.urls.monitor}/v1/traces/${messageId}`);
        const steps = res.ok ? ((await res.json()) as { steps: { step: string }[] }).steps : [];
        return steps.some((s) => s.step === 'monitor.dead-letter-resent') ? true : undefined;
      },
      20_000,
      'the resend flow event',
    );
    await page.context().close();
  });
});
