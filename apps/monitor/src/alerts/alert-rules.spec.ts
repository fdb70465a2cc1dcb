import { evaluateAlerts, silenceThresholdMs, type AlertInputs, type AlertThresholds } from './alert-rules';

const T: AlertThresholds = { silenceMinMs: 3_600_000, silenceFactor: 3, retryingMs: 3_600_000, lagRecords: 1000, certificateDays: 60 };
const now = new Date('2026-03-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const H = 3_600_000;
const DAY = 24 * H;
const A = '00000001000000000001';
const B = '00000001000000000002';
const C = '00000001000000000003';

describe('evaluateAlerts', () => {
  it('with no sources evaluates no rule and fires nothing', () => {
    expect(evaluateAlerts({ now }, T)).toEqual({ firing: [], evaluated: new Set() });
  });

  describe('party silent', () => {
    it('uses max(minimum, factor × usual time between messages)', () => {
      // 168 messages in 7 days: one an hour, so silent after 3 h; the minimum (1 h) is lower.
      expect(silenceThresholdMs({ oin: A, lastReceivedAt: now, baselineCount: 168, baselineMs: 7 * DAY }, T)).toBe(3 * H);
      // 7 days × 10,000 messages: every minute, so 3 min, below the minimum of 1 h.
      expect(silenceThresholdMs({ oin: A, lastReceivedAt: now, baselineCount: 10_000, baselineMs: 7 * DAY }, T)).toBe(H);
    });

    it('fires for a party silent beyond its threshold only, and never for one that never sent', () => {
      const inputs: AlertInputs = {
        now,
        readModelLag: 0,
        parties: [
          { oin: A, lastReceivedAt: ago(4 * H), baselineCount: 168, baselineMs: 7 * DAY }, // threshold 3 h: silent
          { oin: B, lastReceivedAt: ago(2 * H), baselineCount: 168, baselineMs: 7 * DAY }, // within 3 h
          { oin: C, lastReceivedAt: null, baselineCount: 0, baselineMs: 7 * DAY }, // never sent
        ],
      };
      const { firing, evaluated } = evaluateAlerts(inputs, T);
      expect(evaluated.has('party-silent')).toBe(true);
      expect(firing).toEqual([{ rule: 'party-silent', subject: A, partyOin: A, summary: expect.stringMatching(/nothing received for 4\.0 h .*threshold 3\.0 h/) }]);
      expect(silenceThresholdMs(inputs.parties![2], T)).toBeUndefined();
    });

    it('a factor of 0 leaves the minimum alone (short thresholds in tests)', () => {
      const t = { ...T, silenceMinMs: 5000, silenceFactor: 0 };
      const p = { oin: A, lastReceivedAt: ago(6000), baselineCount: 1, baselineMs: 7 * DAY };
      expect(evaluateAlerts({ now, readModelLag: 0, parties: [p] }, t).firing.map((f) => f.subject)).toEqual([A]);
      expect(evaluateAlerts({ now, readModelLag: 0, parties: [{ ...p, lastReceivedAt: ago(4000) }] }, t).firing).toEqual([]);
    });
  });

  it('signals: failed ones fire per party; retrying ones only past the threshold', () => {
    const { firing } = evaluateAlerts(
      {
        now,
        readModelLag: 0,
        signals: [
          { partyOin: A, failed: 2, retrying: 0, oldestRetryingSince: null },
          { partyOin: B, failed: 0, retrying: 3, oldestRetryingSince: ago(2 * H) },
          { partyOin: C, failed: 0, retrying: 1, oldestRetryingSince: ago(30 * 60_000) },
        ],
      },
      T,
    );
    expect(firing.map((f) => [f.rule, f.subject])).toEqual([
      ['signal-failed', A],
      ['signal-retrying', B],
    ]);
    expect(firing[1].summary).toMatch(/^3 signal\(s\) not delivered \(queued or retrying\), the oldest for 2\.0 h; threshold 60 min$/);
  });

  it('dead letters, lag, certificates and components', () => {
    const { firing, evaluated } = evaluateAlerts(
      {
        now,
        readModelLag: 1000,
        deadLetters: [{ code: 'CONTRACT_VIOLATION', count: 2, lastAt: ago(60_000) }],
        lag: [
          { group: 'vir-index', topic: 'vir.inbound.v1', lag: 1001 },
          { group: 'vir-monitor', topic: 'vir.flow-events.v1', lag: 1000 },
        ],
        certificates: [
          { party: 'regio-nhn', serialNumber: '0A', notAfter: new Date(now.getTime() + 59 * DAY), daysLeft: 59 },
          { party: 'rvdk', serialNumber: '0B', notAfter: ago(2 * DAY), daysLeft: -2 },
          { party: 'regio-twente', serialNumber: '0C', notAfter: new Date(now.getTime() + 60 * DAY), daysLeft: 60 },
        ],
        components: [
          { name: 'gateway', healthy: true, detail: 'ok' },
          { name: 'index', healthy: false, detail: 'HTTP 503' },
        ],
      },
      T,
    );
    expect([...evaluated].sort()).toEqual(['certificate-expiring', 'component-unhealthy', 'consumer-lag', 'dead-letter']);
    expect(firing.map((f) => `${f.rule} ${f.subject} ${f.summary}`)).toEqual([
      'dead-letter CONTRACT_VIOLATION 2 message(s) dead-lettered with CONTRACT_VIOLATION, the latest at 2026-03-01T11:59:00Z',
      'consumer-lag vir-index/vir.inbound.v1 1001 records behind; threshold 1000',
      'certificate-expiring 0A certificate of regio-nhn expires in 59 day(s) (2026-04-29T12:00:00Z)',
      'certificate-expiring 0B certificate of rvdk expired 2 day(s) ago (2026-02-27T12:00:00Z)',
      'component-unhealthy index not ready: HTTP 503',
    ]);
  });

  it('does not judge the read-model rules while the monitor is behind on flow events, or when that is unknown', () => {
    const inputs: AlertInputs = {
      now,
      parties: [{ oin: A, lastReceivedAt: ago(4 * H), baselineCount: 168, baselineMs: 7 * DAY }],
      signals: [{ partyOin: A, failed: 1, retrying: 0, oldestRetryingSince: null }],
      deadLetters: [{ code: 'CONTRACT_VIOLATION', count: 1, lastAt: now }],
      lag: [{ group: 'vir-monitor', topic: 'vir.flow-events.v1', lag: 1001 }],
    };
    for (const readModelLag of [1001, undefined]) {
      const { firing, evaluated } = evaluateAlerts({ ...inputs, readModelLag }, T);
      expect([...evaluated]).toEqual(['consumer-lag']);
      expect(firing.map((f) => f.rule)).toEqual(['consumer-lag']);
    }
    expect(evaluateAlerts({ ...inputs, readModelLag: 1000 }, T).firing.map((f) => f.rule)).toEqual(['party-silent', 'signal-failed', 'dead-letter', 'consumer-lag']);
  });
});
