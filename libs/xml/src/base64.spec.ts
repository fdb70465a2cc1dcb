import { base64Content, strictBase64 } from './base64';

const PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const strictByPattern = (s: string) => PATTERN.test(s) && s.length % 4 === 0;

/** Deterministic pseudo-random strings over an alphabet that mixes base64, its URL-safe cousins, padding and junk. */
function* corpus(): Generator<string> {
  const alphabet = 'ABCXYZabcxyz0189+/=-_ \n\t$.é\u0000';
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 20000; i++) {
    const length = next() % 14;
    let s = '';
    for (let j = 0; j < length; j++) s += alphabet[next() % alphabet.length];
    yield s;
    yield Buffer.from(s, 'latin1').toString('base64'); // valid ones, often with padding
  }
}

describe('strict base64', () => {
  it('accepts exactly what the pattern (with a length that is a multiple of 4) accepts, and decodes it', () => {
    let valid = 0;
    for (const s of corpus()) {
      const decoded = strictBase64(s);
      expect({ s, valid: decoded !== undefined }).toEqual({ s, valid: strictByPattern(s) });
      if (decoded) {
        valid++;
        expect(decoded.equals(Buffer.from(s, 'base64'))).toBe(true);
      }
    }
    expect(valid).toBeGreaterThan(15000);
  });

  it('allows whitespace only through base64Content', () => {
    expect(strictBase64('QUJD\nREVG')).toBeUndefined();
    expect(base64Content(' QUJD\n\tREVG ')?.toString()).toBe('ABCDEF');
    expect(base64Content('QU JD-A==')).toBeUndefined();
  });
});
