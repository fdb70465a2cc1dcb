import { randomBytes } from 'node:crypto';
import { Pseudonymizer } from './pseudonymizer';

describe('Pseudonymizer', () => {
  const key = randomBytes(32).toString('base64');
  it('is stable per key, differs across keys, and never contains the BSN', () => {
    const p = new Pseudonymizer(key, 'v1');
    expect(p.pseudonym('111222333')).toBe(p.pseudonym('111222333'));
    expect(p.pseudonym('111222333')).not.toBe(p.pseudonym('123456782'));
    expect(p.pseudonym('111222333')).toMatch(/^v1:[A-Za-z0-9_-]{43}$/);
    expect(new Pseudonymizer(randomBytes(32).toString('base64'), 'v2').pseudonym('111222333')).not.toBe(p.pseudonym('111222333'));
  });
  it('refuses short keys', () => expect(() => new Pseudonymizer('c2hvcnQ=', 'v1')).toThrow(/32 bytes/));
});
