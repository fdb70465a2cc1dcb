import { PartyDirectory } from '../access/party-directory';
import type { Viewer } from '../access/roles';
import { errorsPage, loginPage, messagesPage, overviewPage, tracePage } from './console.pages';
import { buildOverview } from './overview-model';

// The page templates: attacker-controlled text (party names, details, search fields) comes out
// as text, and what a role may not use is not offered.

const EVIL = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`;
const OIN = '1'.repeat(20);
const directory = new PartyDirectory([{ oin: OIN, name: EVIL, convenant: '7' }]);
const viewer = (role: Viewer['role']): Viewer => ({ accountId: 1, username: 'u', role, convenant: role === 'convenantbeheerder' ? '7' : null });
const noMarkup = (page: string) => {
  const body = page.slice(page.indexOf('<body>'));
  expect(body).not.toMatch(/<script|<img|onerror=alert\(2\)>/i);
};

describe('console pages', () => {
  it('escape party names, details, codes and search fields', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const id = '0b7e2a3c-1f4e-4c55-9a6b-2f0c6f0f9a11';
    const pages = [
      overviewPage({ viewer: viewer('beheerder') }, buildOverview('hour', now, [{ bucket: now, partyOin: OIN, step: 'gateway.received', outcome: 'ok', count: 1 }]), directory),
      messagesPage({ viewer: viewer('beheerder') }, { step: EVIL, trackingId: EVIL }, [
        { messageId: id, partyOin: OIN, kind: 'melding', firstAt: now, lastAt: now, lastStep: 'gateway.received', lastOutcome: 'ok', lastCode: null, events: 1 },
      ], directory, undefined, 'tracking id: a UUID'),
      tracePage({ viewer: viewer('beheerder') }, id, [{ messageId: id, component: 'gateway', step: 'gateway.received', outcome: 'ok', partyOin: OIN, at: now.toISOString(), detail: EVIL, sincePreviousMs: 0 }], [], 0, directory),
      errorsPage({ viewer: viewer('beheerder') }, [{ partyOin: OIN, step: 'gateway.validated', code: 'BSN_INVALID', outcome: 'rejected', count: 2, examples: [{ messageId: id, at: now, detail: EVIL }] }], directory, 30),
      loginPage('token', { code: 'SIGN_IN_FAILED', message: 'no' }, EVIL),
    ];
    for (const page of pages) {
      noMarkup(page);
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).not.toMatch(/ style=/); // the CSP allows no inline style
    }
  });

  it('offer the Audit page to a beheerder only, and a sign-out form with the CSRF token', () => {
    const model = buildOverview('day', new Date(), []);
    const admin = overviewPage({ viewer: viewer('beheerder'), csrfToken: 'tok' }, model, directory);
    expect(admin).toContain('href="/console/audit"');
    expect(admin).toContain('<input type="hidden" name="_csrf" value="tok">');
    for (const role of ['read-only', 'convenantbeheerder'] as const) expect(overviewPage({ viewer: viewer(role) }, model, directory)).not.toContain('href="/console/audit"');
  });
});
