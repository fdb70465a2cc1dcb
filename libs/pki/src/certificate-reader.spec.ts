import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevPki, oinOfCertificate, readCertificateFields } from './index';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vir-cert-reader-'));
  await createDevPki(dir, [{ name: 'idx', oin: '00000001823288444000', commonName: 'Index', keyEncipherment: true }]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pem = (name: string) => readFileSync(join(dir, `${name}.cert.pem`), 'utf8');

describe('oinOfCertificate', () => {
  it('reads the OIN from the subject serialNumber', () => {
    expect(oinOfCertificate(pem('idx'))).toBe('00000001823288444000');
  });

  it('is undefined for a certificate without OIN and for garbage', () => {
    expect(oinOfCertificate(pem('root-ca'))).toBeUndefined();
    expect(oinOfCertificate('not a certificate')).toBeUndefined();
  });
});

describe('readCertificateFields', () => {
  it('reads keyUsage bits (which node:crypto does not expose)', () => {
    expect(readCertificateFields(new X509Certificate(pem('idx')).raw)).toEqual({
      keyUsage: {
        digitalSignature: true,
        nonRepudiation: false,
        keyEncipherment: true,
        dataEncipherment: false,
        keyAgreement: false,
        keyCertSign: false,
        cRLSign: false,
      },
      subjectSerialNumbers: ['00000001823288444000'],
    });
    expect(readCertificateFields(new X509Certificate(pem('root-ca')).raw).keyUsage).toMatchObject({
      digitalSignature: false,
      keyCertSign: true,
      cRLSign: true,
    });
  });

  it('throws on truncated DER', () => {
    const raw = new X509Certificate(pem('idx')).raw;
    expect(() => readCertificateFields(raw.subarray(0, 100))).toThrow(RangeError);
  });
});
