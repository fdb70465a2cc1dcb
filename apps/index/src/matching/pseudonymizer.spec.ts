import { randomBytes } from 'node:crypto';
import { parsePseudonymKeys, Pseudonymizer } from './pseudonymizer';

describe('Pseudonymizer', () => {
  const k1 = { version: 'v1', keyBase64: randomBytes(32).toString('base64') };
  const k2 = { version: 'v2', keyBase64: randomBytes(32).toString('base64') };

  it('is stable per key, differs across keys, and never contains the BSN', () => {
    const p = new Pseudonymizer(k1);
    expect(p.pseudonym('111222333')).toBe(p.pseudonym('111222333'));
    expect(p.pseudonym('111222333')).not.toBe(p.pseudonym('123456782'));
    expect(p.pseudonym('111222333')).toMatch(/^v1:[A-Za-z0-9_-]{43}$/);
    expect(new Pseudonymizer(k2).pseudonym('111222333')).not.toBe(p.pseudonym('111222333'));
  });

  it('gives a statistics key per young person that is not the pseudonym, under its own key', () => {
    const statsKey = randomBytes(32).toString('base64');
    const p = new Pseudonymizer(k1, [], statsKey);
    const pseudonym = p.pseudonym('111222333');
    const subject = p.subject(pseudonym);
    expect(subject).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(p.subject(p.pseudonym('111222333'))).toBe(subject);
    expect(p.subject(p.pseudonym('123456782'))).not.toBe(subject);
    expect(pseudonym).not.toContain(subject);
    // Another statistics key, or the default one derived from the pseudonym key: another subject.
    expect(new Pseudonymizer(k1, [], randomBytes(32).toString('base64')).subject(pseudonym)).not.toBe(subject);
    expect(new Pseudonymizer(k1).subject(pseudonym)).not.toBe(subject);
    expect(() => new Pseudonymizer(k1, [], randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('after a rotation stores under the new key and still finds rows made under the old one', () => {
    const before = new Pseudonymizer(k1);
    const after = new Pseudonymizer(k2, [k1]);
    expect(after.version).toBe('v2');
    const p = after.pseudonyms('111222333');
    expect(p.current).toBe(new Pseudonymizer(k2).pseudonym('111222333'));
    expect(p.all).toEqual([p.current, before.pseudonym('111222333')]);
  });

  it('refuses short keys and duplicate versions', () => {
    expect(() => new Pseudonymizer({ version: 'v1', keyBase64: 'c2hvcnQ=' })).toThrow(/32 bytes/);
    expect(() => new Pseudonymizer(k1, [k1])).toThrow(/differ/);
  });

  it('parses previous keys from configuration', () => {
    expect(parsePseudonymKeys(` v1:${k1.keyBase64}, v0:${k2.keyBase64} `)).toEqual([k1, { version: 'v0', keyBase64: k2.keyBase64 }]);
    expect(parsePseudonymKeys(undefined)).toEqual([]);
  });
});
