import { bucketsFor, buildOverview, stepGroupsOf } from './overview-model';

describe('overview model', () => {
  const now = new Date('2026-11-22T12:34:56Z');

  it('maps steps and outcomes to the operators\' columns', () => {
    expect(stepGroupsOf('gateway.received', 'ok')).toEqual(['received']);
    expect(stepGroupsOf('gateway.validated', 'rejected')).toEqual(['rejected']);
    expect(stepGroupsOf('gateway.delivery-failed', 'failed')).toEqual(['failed']);
    expect(stepGroupsOf('index.signal-queued', 'ok')).toEqual(['signalled']);
    expect(stepGroupsOf('index.stored', 'ok')).toEqual([]);
  });

  it('covers the whole period with aligned buckets, oldest first', () => {
    const hour = bucketsFor('hour', now);
    expect(hour).toHaveLength(60);
    expect(hour[59].toISOString()).toBe('2026-11-22T12:34:00.000Z');
    expect(bucketsFor('day', now)[0].toISOString()).toBe('2026-11-21T13:00:00.000Z');
    expect(bucketsFor('month', now)).toHaveLength(30);
  });

  it('sums aggregate rows into series, per-party counts and totals', () => {
    const a = '1'.repeat(20);
    const b = '2'.repeat(20);
    const m = buildOverview('hour', now, [
      { bucket: new Date('2026-11-22T12:34:00Z'), partyOin: a, step: 'gateway.received', outcome: 'ok', count: 3 },
      { bucket: new Date('2026-11-22T12:33:00Z'), partyOin: b, step: 'gateway.received', outcome: 'ok', count: 2 },
      { bucket: new Date('2026-11-22T12:33:00Z'), partyOin: b, step: 'gateway.validated', outcome: 'rejected', count: 1 },
      { bucket: new Date('2026-11-22T12:33:00Z'), partyOin: b, step: 'index.stored', outcome: 'ok', count: 7 },
    ]);
    expect(m.series.received.slice(-2)).toEqual([2, 3]);
    expect(m.totals).toMatchObject({ received: 5, rejected: 1, delivered: 0 });
    expect(m.perParty.map((p) => [p.partyOin, p.counts.received, p.counts.rejected])).toEqual([
      [a, 3, 0],
      [b, 2, 1],
    ]);
  });
});
