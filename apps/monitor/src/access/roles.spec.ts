import { maySeeParty, visibleParties, type Viewer } from './roles';

const parties = [
  { oin: '1'.repeat(20), name: 'A', convenant: '12' },
  { oin: '2'.repeat(20), name: 'B', convenant: '12' },
  { oin: '3'.repeat(20), name: 'C', convenant: '40' },
];
const viewer = (role: Viewer['role'], convenant: string | null = null): Viewer => ({ accountId: 1, username: 'x', role, convenant });

describe('roles', () => {
  it('a beheerder and a read-only account see every party', () => {
    expect(visibleParties(viewer('beheerder'), parties)).toBeUndefined();
    expect(visibleParties(viewer('read-only'), parties)).toBeUndefined();
    expect(maySeeParty(undefined, '3'.repeat(20))).toBe(true);
  });

  it("a convenantbeheerder sees only their own area's parties, and nothing without a party", () => {
    const scope = visibleParties(viewer('convenantbeheerder', '12'), parties);
    expect(scope).toEqual(['1'.repeat(20), '2'.repeat(20)]);
    expect(maySeeParty(scope, '1'.repeat(20))).toBe(true);
    expect(maySeeParty(scope, '3'.repeat(20))).toBe(false);
    expect(maySeeParty(scope, undefined)).toBe(false);
    expect(visibleParties(viewer('convenantbeheerder', '99'), parties)).toEqual([]);
  });
});
