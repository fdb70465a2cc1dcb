import { PartyDirectory } from './party-directory';

describe('PartyDirectory', () => {
  it('maps OINs to names and areas, and shows the OIN for an unknown party', () => {
    const d = PartyDirectory.fromJson([{ oin: '1'.repeat(20), name: '<b>Regio</b>', convenant: '12', kind: 'regional' }]);
    expect(d.get('1'.repeat(20))).toEqual({ oin: '1'.repeat(20), name: '<b>Regio</b>', convenant: '12' });
    expect(d.name('9'.repeat(20))).toBe('9'.repeat(20));
    expect(d.name(null)).toBe('—');
  });

  it('refuses a malformed file instead of guessing who belongs to which area', () => {
    expect(() => PartyDirectory.fromJson([{ oin: '123', convenant: '12' }])).toThrow(/oin/);
    expect(() => PartyDirectory.fromJson([{ oin: '1'.repeat(20), convenant: 'twelve' }])).toThrow(/convenant/);
  });
});
