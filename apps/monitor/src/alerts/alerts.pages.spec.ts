import { PartyDirectory } from '../access/party-directory';
import { parseHealthUrls } from './alert.sources';
import type { AlertRow } from './alert.store';
import { alertsPage, openAlertsSection } from './alerts.pages';

const OIN = '00000001000000000001';
const directory = PartyDirectory.fromJson([{ oin: OIN, name: '<script>alert(1)</script>NHN', convenant: '7' }]);
const row = (over: Partial<AlertRow>): AlertRow => ({
  id: '1',
  rule: 'party-silent',
  subject: OIN,
  partyOin: OIN,
  state: 'open',
  summary: 'nothing received <b>',
  openedAt: new Date('2026-03-01T12:00:00Z'),
  acknowledgedAt: null,
  acknowledgedBy: null,
  closedAt: null,
  ...over,
});
const viewer = (role: 'beheerder' | 'read-only') => ({ viewer: { accountId: 1, username: 'op', role, convenant: null }, csrfToken: 'tok' });

describe('alerts pages', () => {
  it('escapes party names and summaries, and offers acknowledge only on open alerts to those who may', () => {
    const page = alertsPage(viewer('beheerder'), { subject: '"><script>' }, [row({}), row({ id: '2', state: 'acknowledged', acknowledgedBy: 'ann', acknowledgedAt: new Date() })], [], directory, []);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;NHN');
    expect(page).toContain('nothing received &lt;b&gt;');
    expect(page.match(/data-alert="/g)).toHaveLength(1);
    expect(page).toContain('action="/console/alerts/1/acknowledge"');
    expect(page).toContain('value="tok"');
    expect(alertsPage(viewer('read-only'), {}, [row({})], [], directory, [])).not.toContain('data-alert=');
  });

  it('the Overview block says when nothing is open', () => {
    expect(openAlertsSection([], viewer('beheerder'), directory).value).toContain('No open alerts.');
  });
});

describe('parseHealthUrls', () => {
  it('reads name=url pairs and refuses anything else', () => {
    expect(parseHealthUrls('gateway=http://127.0.0.1:3001/health/ready, index=https://i.example/health/ready')).toEqual([
      { name: 'gateway', url: 'http://127.0.0.1:3001/health/ready' },
      { name: 'index', url: 'https://i.example/health/ready' },
    ]);
    expect(parseHealthUrls(undefined)).toEqual([]);
    expect(() => parseHealthUrls('gateway')).toThrow(/name=http/);
    expect(() => parseHealthUrls('gateway=ftp://x')).toThrow(/name=http/);
  });
});
