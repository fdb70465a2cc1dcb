import {
  canResend,
  canTransition,
  decodeCursor,
  encodeCursor,
  isGivenUp,
  parseFollowUp,
  parsePullQuery,
  PULL_DEFAULT_LIMIT,
  retryDelayMs,
  sameFollowUp,
  SIGNAL_STATUSES,
} from './signal-lifecycle';

describe('signal lifecycle', () => {
  it('allows only the documented transitions', () => {
    expect(canTransition('queued', 'sent')).toBe(true);
    expect(canTransition('sent', 'delivered')).toBe(true);
    expect(canTransition('sent', 'retrying')).toBe(true);
    expect(canTransition('retrying', 'sent')).toBe(true);
    expect(canTransition('sent', 'failed')).toBe(true);
    expect(canTransition('delivered', 'acknowledged')).toBe(true);
    expect(canTransition('failed', 'queued')).toBe(true);
    expect(canTransition('delivered', 'queued')).toBe(false);
    expect(canTransition('acknowledged', 'sent')).toBe(false);
    expect(canTransition('queued', 'delivered')).toBe(false);
    expect(SIGNAL_STATUSES.filter(canResend)).toEqual(['failed']);
  });

  it('backs off exponentially from the base, at most an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30, 1000)).toBe(3_600_000);
    expect(retryDelayMs(10_000, 1000)).toBe(3_600_000);
  });

  it('gives up once the give-up time has passed since intake or resend', () => {
    const since = new Date('2026-11-01T00:00:00Z');
    const fiveDays = 5 * 24 * 3600 * 1000;
    expect(isGivenUp(since, new Date(since.getTime() + fiveDays - 1), fiveDays)).toBe(false);
    expect(isGivenUp(since, new Date(since.getTime() + fiveDays), fiveDays)).toBe(true);
  });
});

describe('pull cursor and query', () => {
  it('round-trips a seq and refuses anything else', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
    expect(decodeCursor(encodeCursor('0'))).toBe('0');
    for (const bad of ['', 'abc', Buffer.from('s-1').toString('base64url'), Buffer.from('s01').toString('base64url'), 'x'.repeat(41), "s1'; drop"]) expect(decodeCursor(bad)).toBeUndefined();
  });

  it('defaults, bounds and explains', () => {
    expect(parsePullQuery({})).toEqual({ afterSeq: '0', limit: PULL_DEFAULT_LIMIT });
    expect(parsePullQuery({ limit: '10', cursor: encodeCursor('7') })).toEqual({ afterSeq: '7', limit: 10 });
    expect(parsePullQuery({ limit: '0' })).toEqual({ problems: [expect.stringContaining('limit')] });
    expect(parsePullQuery({ limit: '501', cursor: 'nope!' })).toEqual({ problems: [expect.stringContaining('limit'), expect.stringContaining('cursor')] });
    expect(parsePullQuery({ limit: ['1', '2'] })).toEqual({ problems: [expect.stringContaining('limit')] });
  });
});

describe('follow-up report', () => {
  const ok = (body: unknown) => parseFollowUp(body, '2026-11-10', '2026-11-22');

  it('takes contact made, or not made with a listed reason', () => {
    expect(ok({ contact: true, datum: '2026-11-20' })).toEqual({ contact: true, redenCode: null, datum: '2026-11-20' });
    expect(ok({ contact: true, redenCode: null, datum: '2026-11-10' })).toEqual({ contact: true, redenCode: null, datum: '2026-11-10' });
    expect(ok({ contact: false, redenCode: 'GEEN_REACTIE', datum: '2026-11-22' })).toEqual({ contact: false, redenCode: 'GEEN_REACTIE', datum: '2026-11-22' });
  });

  it('lists every problem', () => {
    const problems = (body: unknown) => (ok(body) as { problems: string[] }).problems;
    expect(problems({ contact: false, datum: '2026-11-20' })).toEqual([expect.stringContaining('redenCode is required')]);
    expect(problems({ contact: false, redenCode: 'WEET_NIET', datum: '2026-11-20' })).toEqual([expect.stringContaining('redenCode is required')]);
    expect(problems({ contact: true, redenCode: 'ANDERS', datum: '2026-11-20' })).toEqual([expect.stringContaining('only given when contact is false')]);
    expect(problems({ contact: 'ja', datum: '2026-02-30' })).toEqual([expect.stringContaining('contact'), expect.stringContaining('datum must be a date')]);
    expect(problems({ contact: true, datum: '2026-11-23' })).toEqual(['datum lies in the future']);
    expect(problems({ contact: true, datum: '2026-11-09' })).toEqual(['datum lies before the signal was received']);
    expect(problems({ contact: true, datum: '2026-11-20', naam: 'x' })).toEqual([expect.stringContaining('naam: not a field')]);
    expect(problems([])).toHaveLength(1);
    expect(problems(null)).toHaveLength(1);
  });

  it('compares reports for an idempotent repeat', () => {
    const a = { contact: false, redenCode: 'ANDERS' as const, datum: '2026-11-20' };
    expect(sameFollowUp(a, { ...a })).toBe(true);
    expect(sameFollowUp(a, { ...a, datum: '2026-11-21' })).toBe(false);
  });
});
