import { timeOrderedId } from './time-ordered-id';

describe('timeOrderedId (UUID version 7)', () => {
  it('has the UUID layout with version 7 and the RFC variant', () => {
    for (let i = 0; i < 1000; i++) expect(timeOrderedId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('carries the time in its first 48 bits, to the millisecond', () => {
    for (const ms of [0, 1, 0xffff, 0x10000, Date.UTC(2026, 10, 23, 5, 7, 1, 234), 2 ** 48 - 1]) {
      expect(parseInt(timeOrderedId(ms).replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
    }
  });

  it('sorts ids of later milliseconds after earlier ones, as text and as PostgreSQL compares uuids (bytewise)', () => {
    const start = Date.UTC(2026, 10, 23);
    const ids = Array.from({ length: 3000 }, (_, i) => timeOrderedId(start + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique within one millisecond (74 random bits), across refills of its random pool', () => {
    const ms = Date.now();
    const ids = Array.from({ length: 5000 }, () => timeOrderedId(ms));
    expect(new Set(ids).size).toBe(5000);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1);
  });
});
