import { ingestible, retentionCutoffs } from './retention-policy';

describe('retention policy', () => {
  const now = new Date('2026-11-22T12:00:00Z');

  it('cuts raw events at rawDays, per-day aggregates at aggregateDays and per-minute counts at 48 hours', () => {
    const c = retentionCutoffs(now, { rawDays: 90, aggregateDays: 730 });
    expect(c.raw.toISOString()).toBe('2026-08-24T12:00:00.000Z');
    expect(c.aggregate.toISOString()).toBe('2024-11-22T12:00:00.000Z');
    expect(c.minute.toISOString()).toBe('2026-11-20T12:00:00.000Z');
  });

  it('refuses aggregates kept shorter than raw events', () => {
    expect(() => retentionCutoffs(now, { rawDays: 90, aggregateDays: 30 })).toThrow(/aggregateDays/);
    expect(() => retentionCutoffs(now, { rawDays: 0, aggregateDays: 30 })).toThrow(/rawDays/);
  });

  it('does not ingest an event already past raw retention (it could be counted twice on a rebuild)', () => {
    const c = retentionCutoffs(now, { rawDays: 1, aggregateDays: 10 });
    expect(ingestible(new Date('2026-11-21T12:00:00Z'), c)).toBe(true);
    expect(ingestible(new Date('2026-11-21T11:59:59Z'), c)).toBe(false);
  });
});
