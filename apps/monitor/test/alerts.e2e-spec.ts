import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseExposition, sampleSum } from '@vir/metrics';
import { issuePartyCertificate, normalizeSerial } from '@vir/pki';
import { postJson, regionalMelding, request, ROOT_DIR, startE2eStack, testBsn, waitUntil, type E2eStack } from '@vir/testing';
import { monitorVir } from './monitor-vir.fixture';

// An alert in the real console (Debian's Chromium, playwright-core) against the real stack: a
// party that sent goes silent and its alert OPENS, an operator acknowledges it, the party sends
// again and the alert CLOSES; every transition reaches the alert webhook. Short thresholds via
// the monitor's configuration. Screenshots go to .tmp/screenshots/. A throw-away PKI of its own
// (a short-lived party certificate is issued in it).

const SHOTS = join(ROOT_DIR, '.tmp', 'screenshots');
const PASSWORD = 'alerts-admin-password-1';
const SILENCE_SECONDS = 6;

let e2e: E2eStack;
let browser: Browser;
let hooks: Server;
let pkiDir: string;
const received: { event: string; actor?: string; alert: { id: string; rule: string; subject: string; state: string } }[] = [];

const vir = monitorVir(() => e2e);

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The alert webhook: a plain HTTP receiver that fails its first request (the monitor retries).
  let first = true;
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (first) {
        first = false;
        res.writeHead(503).end();
        return;
      }
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  pkiDir = mkdtempSync(join(tmpdir(), 'vir-alerts-pki-'));
  e2e = await startE2eStack({
    monitor: {
      ALERT_INTERVAL_MS: '1000',
      ALERT_SILENCE_MIN_SECONDS: String(SILENCE_SECONDS),
      ALERT_SILENCE_FACTOR: '0',
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/alerts`,
    },
  }, 1, { pkiDir });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  expect(await vir(['account', 'add', 'alerts-admin', '--role', 'beheerder', '--password-stdin'], `${PASSWORD}\n`)).toBe(0);
});

afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
  if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
  await new Promise((r) => hooks?.close(r));
});

describe('alerts in the console (Chromium, real stack)', () => {
  it('a silent party opens an alert, an operator acknowledges it, and it closes when the party sends again', async () => {
    const nhn = e2e.stack.parties.find((p) => p.name === 'regio-nhn')!;
    const monitor = e2e.stack.urls.monitor;
    const send = async (n: number) => {
      const melding = regionalMelding({ bsn: testBsn(9200 + n), melderId: `alerts-prof-${n}` });
      expect((await postJson(`${e2e.stack.urls.gateway}/v1/meldingen`, melding, e2e.as(nhn))).status).toBe(202);
      return melding.berichtId;
    };
    const sentAt = Date.now();
    await send(1);

    const page = await browser.newPage();
    await page.goto(`${monitor}/console/login`);
    await page.fill('input[name=username]', 'alerts-admin');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);

    // Opens once NHN has been silent for the threshold; the parties that never sent are not alerted but named.
    const row = page.locator(`#open-alerts tr[data-rule="party-silent"][data-subject="${nhn.oin}"]`);
    await waitUntil(
      async () => {
        await page.goto(`${monitor}/console/alerts`);
        return (await row.count()) === 1 ? true : undefined;
      },
      60_000,
      'the party-silent alert to open',
    );
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(SILENCE_SECONDS * 1000);
    const alertId = (await row.getAttribute('data-id'))!;
    expect(await row.getAttribute('data-state')).toBe('open');
    expect(await row.locator('td').nth(3).textContent()).toMatch(/^nothing received for \d+ s .*threshold 6 s$/);
    expect(await page.locator('#open-alerts tbody tr').count()).toBe(1);
    expect(await page.locator('#not-watched').textContent()).toContain('Twente');
    await shot(page, 'alerts-01-open');

    await page.goto(`${monitor}/console/overview`);
    expect(await page.locator(`#open-alerts tr[data-id="${alertId}"]`).count()).toBe(1);
    await shot(page, 'alerts-02-overview-open');

    // The Prometheus gauge of the alert.
    const metrics = parseExposition(await (await fetch(`${monitor}/metrics`)).text());
    expect(sampleSum(metrics, 'vir_alert_open', { rule: 'party-silent', subject: nhn.oin, state: 'open' })).toBe(1);

    // A forged acknowledgement (no CSRF token) changes nothing.
    const forged = await page.context().request.post(`${monitor}/console/alerts/${alertId}/acknowledge`, { form: { _csrf: 'forged' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('data-code="CSRF_INVALID"');

    await page.goto(`${monitor}/console/alerts`);
    await Promise.all([page.waitForNavigation(), page.click(`button[data-alert="${alertId}"]`)]);
    expect(page.url()).toBe(`${monitor}/console/alerts`);
    const acked = page.locator(`#open-alerts tr[data-id="${alertId}"]`);
    expect(await acked.getAttribute('data-state')).toBe('acknowledged');
    expect(await acked.locator('td').nth(5).textContent()).toMatch(/^alerts-admin \d{4}-\d{2}-\d{2} /);
    await shot(page, 'alerts-03-acknowledged');
    // Acknowledging twice is refused with a code.
    const again = await page.context().request.post(`${monitor}/console/alerts/${alertId}/acknowledge`, { form: { _csrf: (await page.locator('input[name=_csrf]').first().getAttribute('value'))! }, maxRedirects: 0 });
    expect(again.status()).toBe(409);
    expect(await again.text()).toContain('data-code="ALERT_NOT_OPEN"');

    // NHN sends again: the alert closes (a later silence would open a new one).
    await send(2);
    await waitUntil(
      async () => {
        await page.goto(`${monitor}/console/alerts?state=closed&rule=party-silent`);
        return (await page.locator(`#alert-history tr[data-id="${alertId}"][data-state="closed"]`).count()) === 1 ? true : undefined;
      },
      30_000,
      'the alert to close',
    );
    await shot(page, 'alerts-04-closed-history');
    const closedRow = page.locator(`#alert-history tr[data-id="${alertId}"]`);
    expect(await closedRow.locator('td').nth(5).textContent()).toContain('alerts-admin');
    expect(await closedRow.locator('td').nth(6).textContent()).toMatch(/^\d{4}-\d{2}-\d{2} /);

    // The webhook heard all three transitions of this alert (the first POST failed and was retried).
    const ofAlert = await waitUntil(
      async () => {
        const events = received.filter((r) => r.alert.id === alertId).map((r) => r.event);
        return events.includes('closed') ? events : undefined;
      },
      15_000,
      'the closed event at the webhook',
    );
    expect(ofAlert).toEqual(['opened', 'acknowledged', 'closed']);
    expect(received.find((r) => r.event === 'acknowledged')).toMatchObject({ actor: 'alerts-admin', alert: { rule: 'party-silent', subject: nhn.oin, state: 'acknowledged' } });

    // The acknowledgement and the forged attempt are in the audit log.
    await page.goto(`${monitor}/console/audit?action=acknowledge-alert`);
    const outcomes = await page.locator('#audit tbody tr td:nth-child(5)').allTextContents();
    expect(outcomes.sort()).toEqual(['ok', 'refused', 'refused']);
    await page.close();
  });

  it('a party certificate registered through the gateway admin API that expires within 60 days opens certificate-expiring', async () => {
    const oin = '00000004001234567044';
    const cert = await issuePartyCertificate(pkiDir, { name: 'gemeente-kort', oin, commonName: 'Gemeente Kort' }, { validityDays: 30 });
    const res = await request(`${e2e.stack.gatewayAdminUrl}/v1/admin/parties`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e2e.stack.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ oin, name: 'Gemeente Kort', kind: 'direct', convenant: '66', certificates: [cert.certificatePem], pull: true }),
    });
    expect(res.status).toBe(201);
    const serial = normalizeSerial(new X509Certificate(cert.certificatePem).serialNumber);
    const opened = await waitUntil(
      async () => received.find((r) => r.event === 'opened' && r.alert.rule === 'certificate-expiring' && r.alert.subject === serial),
      30_000,
      'the certificate-expiring alert at the webhook',
    );
    expect(opened.alert.state).toBe('open');
    // Only this one: the stack's own certificates are valid for years.
    expect(received.filter((r) => r.event === 'opened' && r.alert.rule === 'certificate-expiring').map((r) => r.alert.subject)).toEqual([serial]);
  });
});
