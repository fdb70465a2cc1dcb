import type { GatewayCertificate, GatewayParty, GatewaySignal } from './gateway-admin.client';
import { buildDelivery, buildParties, certificatesByFingerprint, formatAge, type CertificateInfo } from './operations-model';

const A = '0'.repeat(19) + '1';
const B = '0'.repeat(19) + '2';
const now = new Date('2026-11-22T12:00:00Z');
const signal = (id: string, recipientOin: string, status: string, receivedAt: string): GatewaySignal => ({
  id,
  type: 'matchsignaal',
  recipientOin,
  correlationIds: [],
  status,
  attempts: 3,
  receivedAt,
  failedAt: null,
  nextAttemptAt: null,
  lastError: 'HTTP 500',
});

describe('delivery view model', () => {
  const counts = [
    { partyOin: A, status: 'queued' as const, count: 2, oldestReceivedAt: '2026-11-22T11:00:00Z' },
    { partyOin: A, status: 'retrying' as const, count: 1, oldestReceivedAt: '2026-11-22T10:00:00Z' },
    { partyOin: B, status: 'failed' as const, count: 4, oldestReceivedAt: '2026-11-01T00:00:00Z' },
  ];
  const signals = [signal('r', A, 'retrying', '2026-11-22T10:00:00Z'), signal('f1', B, 'failed', '2026-11-21T12:00:00Z'), signal('f2', B, 'failed', '2026-11-01T00:00:00Z')];

  it('counts per party (failed first), the oldest waiting signal, totals, and lists failed before retrying, oldest first', () => {
    const m = buildDelivery(counts, signals, undefined, now);
    expect(m.parties).toEqual([
      { partyOin: B, queued: 0, retrying: 0, failed: 4, oldestPendingAt: null },
      { partyOin: A, queued: 2, retrying: 1, failed: 0, oldestPendingAt: new Date('2026-11-22T10:00:00Z') },
    ]);
    expect(m.totals).toEqual({ queued: 2, retrying: 1, failed: 4 });
    expect(m.signals.map((s) => s.id)).toEqual(['f2', 'f1', 'r']);
    expect(m.signals[1].ageMs).toBe(86_400_000);
  });

  it("shows a convenantbeheerder only their area's parties and signals", () => {
    const m = buildDelivery(counts, signals, [A], now);
    expect(m.parties.map((p) => p.partyOin)).toEqual([A]);
    expect(m.signals.map((s) => s.id)).toEqual(['r']);
    expect(buildDelivery(counts, signals, [], now)).toEqual({ parties: [], totals: { queued: 0, retrying: 0, failed: 0 }, signals: [] });
  });

  it('formats ages', () => {
    expect([5_000, 125_000, 3 * 3_600_000 + 60_000, 50 * 3_600_000].map(formatAge)).toEqual(['5 s', '2 min', '3 h 1 min', '2 d 2 h']);
  });
});

describe('parties view model', () => {
  const party = (oin: string, convenant: string, certificates: string[]): GatewayParty => ({
    oin,
    name: `p${oin.slice(-1)}`,
    kind: 'regional',
    convenant,
    certificates,
    webhookUrl: null,
    pull: false,
    status: 'active',
    statusReason: null,
  });
  const certs = new Map<string, CertificateInfo>([
    ['AA', { fingerprint: 'AA', subject: 'x', notAfter: new Date('2027-01-10T12:00:00Z') }],
    ['BB', { fingerprint: 'BB', subject: 'y', notAfter: new Date('2028-01-01T00:00:00Z') }],
  ]);

  it('joins status, activity, the 30-day rate and certificate expiry (< 60 days marked, unknown fingerprints without)', () => {
    const rows = buildParties(
      [party(B, '10', ['BB']), party(A, '7', ['AA', 'CC'])],
      [{ partyOin: A, lastReceived: { at: now, dayOnly: false }, lastDelivered: null, received: 45 }],
      certs,
      undefined,
      now,
    );
    expect(rows.map((r) => r.oin)).toEqual([A, B]); // area 7 before 10
    expect(rows[0]).toMatchObject({ lastReceived: { at: now, dayOnly: false }, lastDelivered: null, perDay: 1.5 });
    expect(rows[0].certificates).toEqual([
      { fingerprint: 'AA', notAfter: new Date('2027-01-10T12:00:00Z'), daysLeft: 49, expiringSoon: true },
      { fingerprint: 'CC', notAfter: null, daysLeft: null, expiringSoon: false },
    ]);
    expect(rows[1]).toMatchObject({ perDay: 0, lastReceived: null });
    expect(rows[1].certificates[0].expiringSoon).toBe(false);
  });

  it("shows a convenantbeheerder only their area's parties", () => {
    expect(buildParties([party(A, '7', []), party(B, '10', [])], [], certs, [B], now).map((r) => r.oin)).toEqual([B]);
  });

  it("takes certificate expiry from the gateway's report, leaving out those it does not know yet", () => {
    const entry = (fingerprint: string, notAfter: string | null): GatewayCertificate => ({
      partyOin: A,
      partyName: 'a',
      use: 'client',
      fingerprint,
      subject: notAfter ? 'CN=a' : null,
      serialNumber: notAfter ? '0A' : null,
      notAfter,
      daysLeft: notAfter ? 49 : null,
      status: notAfter ? 'expiring' : 'unknown',
    });
    const map = certificatesByFingerprint([entry('AA', '2027-01-10T12:00:00.000Z'), entry('CC', null)]);
    expect([...map.values()]).toEqual([{ fingerprint: 'AA', subject: 'CN=a', notAfter: new Date('2027-01-10T12:00:00Z') }]);
    expect(buildParties([party(A, '7', ['AA', 'CC'])], [], map, undefined, now)[0].certificates.map((c) => c.daysLeft)).toEqual([49, null]);
  });
});
