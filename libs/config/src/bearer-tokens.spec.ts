import { BearerTokens } from './bearer-tokens';

describe('BearerTokens', () => {
  const tokens = BearerTokens.parse(' ops:' + 'a'.repeat(40) + ', audit:' + 'b'.repeat(40) + ',,');

  it('names the matching token, tells a wrong token from a missing one', () => {
    expect(tokens.size).toBe(2);
    expect(tokens.nameFor(`Bearer ${'b'.repeat(40)}`)).toBe('audit');
    expect(tokens.nameFor(`Bearer ${'a'.repeat(40)} `)).toBe('ops');
    expect(tokens.nameFor(`Bearer ${'c'.repeat(40)}`)).toBeUndefined();
    expect(tokens.nameFor(`Basic ${'a'.repeat(40)}`)).toBeNull();
    expect(tokens.nameFor(undefined)).toBeNull();
  });

  it('an empty setting knows no token', () => {
    const none = BearerTokens.parse('');
    expect(none.size).toBe(0);
    expect(none.nameFor(`Bearer ${'a'.repeat(40)}`)).toBeUndefined();
  });
});
