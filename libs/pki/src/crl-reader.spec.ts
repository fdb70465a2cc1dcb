import { normalizeSerial, readCrl, splitCrls } from './index';

describe('normalizeSerial', () => {
  it('gives one spelling for the usual ones', () => {
    for (const s of ['4A01', '4a:01', '0x4a01', '004A01', ' 4a 01 ']) expect(normalizeSerial(s)).toBe('4A01');
    expect(normalizeSerial('00')).toBe('0');
    expect(() => normalizeSerial('xyz')).toThrow(RangeError);
    expect(() => normalizeSerial('')).toThrow(RangeError);
  });
});

describe('readCrl / splitCrls', () => {
  it('refuses what is not a CRL', () => {
    expect(() => splitCrls('no pem')).toThrow(/X509 CRL/);
    expect(() => readCrl(Buffer.from('3003020101', 'hex'))).toThrow();
    expect(() => readCrl(Buffer.from('30', 'hex'))).toThrow(RangeError);
  });

  it('accepts both PEM labels', () => {
    const body = 'MAMCAQE=';
    expect(splitCrls(`-----BEGIN CRL-----\n${body}\n-----END CRL-----\n-----BEGIN X509 CRL-----\n${body}\n-----END X509 CRL-----`)).toHaveLength(2);
  });
});
