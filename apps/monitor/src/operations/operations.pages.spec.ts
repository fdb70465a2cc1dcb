import { PartyDirectory } from '../access/party-directory';
import type { Viewer } from '../access/roles';
import { tracePage } from '../console/console.pages';
import { deliveryPage, notice, partiesPage, rawXmlPage } from './operations.pages';
import { maskXml } from './xml-mask';

// Attacker-controlled text (party names, reasons, errors) comes out as text; the buttons that
// change something are offered to a beheerder only, each with the CSRF token.

const EVIL = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`;
const OIN = '1'.repeat(20);
const ID = '0b7e2a3c-1f4e-4c55-9a6b-2f0c6f0f9a11';
const directory = new PartyDirectory([{ oin: OIN, name: EVIL, convenant: '7' }]);
const viewer = (role: Viewer['role']): Viewer => ({ accountId: 1, username: 'u', role, convenant: role === 'convenantbeheerder' ? '7' : null });
const now = new Date('2026-11-22T12:00:00Z');
const noMarkup = (page: string) => expect(page.slice(page.indexOf('<body>'))).not.toMatch(/<script|<img|onerror=alert\(2\)>/i);

const delivery = (role: Viewer['role']) =>
  deliveryPage(
    { viewer: viewer(role), csrfToken: 'tok' },
    {
      model: {
        parties: [{ partyOin: OIN, queued: 1, retrying: 0, failed: 1, oldestPendingAt: now }],
        totals: { queued: 1, retrying: 0, failed: 1 },
        signals: [{ id: ID, type: 'matchsignaal', recipientOin: OIN, correlationIds: [], status: 'failed', attempts: 4, receivedAt: now.toISOString(), failedAt: null, nextAttemptAt: null, lastError: EVIL, ageMs: 1000 }],
      },
      deadLetters:
        role === 'convenantbeheerder'
          ? null
          : [{ id: '5', position: '0:1', sourceTopic: EVIL, consumerGroup: 'g', code: 'CONTRACT_VIOLATION', reason: EVIL, at: now, bytes: 10, messageId: ID, partyOin: OIN, resends: 1, lastResentAt: now, lastResentBy: EVIL }],
      canAct: role === 'beheerder',
      now,
      flash: notice('signal-resent', EVIL),
    },
    directory,
  );

const parties = (role: Viewer['role']) =>
  partiesPage(
    { viewer: viewer(role), csrfToken: 'tok' },
    {
      rows: [
        { oin: OIN, name: EVIL, convenant: '7', kind: 'regional', status: 'active', statusReason: null, lastReceived: { at: now, dayOnly: false }, lastDelivered: { at: now, dayOnly: true }, perDay: 2, certificates: [{ fingerprint: 'AB:CD', notAfter: now, daysLeft: 10, expiringSoon: true }] },
        { oin: '2'.repeat(20), name: 'b', convenant: '7', kind: 'direct', status: 'suspended', statusReason: EVIL, lastReceived: null, lastDelivered: null, perDay: 0, certificates: [] },
      ],
      canAct: role === 'beheerder',
    },
  );

describe('delivery and parties pages', () => {
  it('escape every value from outside', () => {
    for (const page of [delivery('beheerder'), parties('beheerder'), rawXmlPage({ viewer: viewer('beheerder') }, ID, { partyOin: OIN, receivedAt: now.toISOString() }, maskXml(`<a>${EVIL}</a>`), directory)]) noMarkup(page);
  });

  it('offer resend, suspend and resume to a beheerder only, with the CSRF token', () => {
    const d = delivery('beheerder');
    expect(d).toContain(`action="/console/delivery/signals/${ID}/resend"`);
    expect(d).toContain('action="/console/delivery/dead-letters/5/resend"');
    expect(d.match(/name="_csrf" value="tok"/g)!.length).toBe(3); // sign-out and two resends
    const p = parties('beheerder');
    expect(p).toContain(`action="/console/parties/${OIN}/suspend"`);
    expect(p).toContain(`action="/console/parties/${'2'.repeat(20)}/resume"`);
    expect(p).toContain('data-expiring="yes"');
    for (const role of ['read-only', 'convenantbeheerder'] as const) {
      expect(delivery(role)).not.toMatch(/resend"/);
      expect(parties(role)).not.toMatch(/suspend"|resume"/);
    }
    expect(delivery('convenantbeheerder')).not.toContain('id="dead-letters"');
  });

  it('say when the gateway admin API is not there', () => {
    const page = partiesPage({ viewer: viewer('beheerder') }, { rows: null, gatewayProblem: 'not configured', canAct: true });
    expect(page).toContain('data-code="GATEWAY_UNAVAILABLE"');
    expect(page).toContain('not configured');
  });

  it('show only fixed notices', () => {
    expect(notice('<b>x</b>', ID)).toBe('');
  });
});

describe('the trace page', () => {
  it('links the signed XML for a beheerder only', () => {
    const steps = [{ messageId: ID, component: 'gateway', step: 'gateway.received', outcome: 'ok', partyOin: OIN, at: now.toISOString(), sincePreviousMs: 0 }];
    const page = (role: Viewer['role']) => tracePage({ viewer: viewer(role) }, ID, steps, [], 0, directory);
    expect(page('beheerder')).toContain(`href="/console/messages/${ID}/xml"`);
    expect(page('read-only')).not.toContain('/xml"');
    expect(page('convenantbeheerder')).not.toContain('/xml"');
  });
});
