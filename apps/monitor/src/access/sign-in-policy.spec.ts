import { afterFailure, isLocked } from './sign-in-policy';

describe('sign-in lockout', () => {
  const policy = { maxFailures: 3, lockoutMinutes: 15 };
  const t0 = new Date('2026-11-22T12:00:00Z');

  it('locks after maxFailures failures in a row, for lockoutMinutes', () => {
    let s = { failedAttempts: 0, lockedUntil: null as Date | null };
    s = afterFailure(s, t0, policy);
    s = afterFailure(s, t0, policy);
    expect(s).toEqual({ failedAttempts: 2, lockedUntil: null });
    expect(isLocked(s, t0)).toBe(false);
    s = afterFailure(s, t0, policy);
    expect(s.lockedUntil?.toISOString()).toBe('2026-11-22T12:15:00.000Z');
    expect(isLocked(s, new Date('2026-11-22T12:14:59Z'))).toBe(true);
    expect(isLocked(s, new Date('2026-11-22T12:15:00Z'))).toBe(false);
  });

  it('starts counting afresh once a lock has run out', () => {
    const expired = { failedAttempts: 0, lockedUntil: new Date('2026-11-22T11:00:00Z') };
    expect(afterFailure(expired, t0, policy)).toEqual({ failedAttempts: 1, lockedUntil: null });
  });
});
