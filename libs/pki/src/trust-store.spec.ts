import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as forge from 'node-forge';
import { createDevPki, loadCaBundle, loadCredentials, TrustStore, type TrustResult } from './index';

const OIN = '00000001003214345000';
let dir: string;
let rogueDir: string;
let store: TrustStore;
let leafPem: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vir-trust-'));
  rogueDir = mkdtempSync(join(tmpdir(), 'vir-trust-rogue-'));
  await Promise.all([
    createDevPki(dir, [{ name: 'rvdk', oin: OIN, commonName: 'Raad voor de Kinderbescherming' }]),
    createDevPki(rogueDir, [{ name: 'rvdk', oin: OIN, commonName: 'Raad voor de Kinderbescherming' }]),
  ]);
  const [root, issuing] = loadCaBundle(dir);
  store = new TrustStore({ roots: [root], intermediates: [issuing] });
  leafPem = loadCredentials(dir, 'rvdk').certificatePem;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(rogueDir, { recursive: true, force: true });
});

/** A leaf from our issuing CA with custom subject/keyUsage (forge signs; fine for a test). */
function customLeaf(opts: { serialNumber?: string; keyUsage?: Record<string, boolean>; notAfter?: Date }): string {
  const issuerCert = forge.pki.certificateFromPem(readFileSync(join(dir, 'issuing-ca.cert.pem'), 'utf8'));
  const issuerKey = forge.pki.privateKeyFromPem(readFileSync(join(dir, 'issuing-ca.key.pem'), 'utf8'));
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '4a01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 86_400_000);
  cert.setSubject([
    { shortName: 'C', value: 'NL' },
    ...(opts.serialNumber ? [{ name: 'serialNumber', value: opts.serialNumber }] : []),
    { shortName: 'CN', value: 'custom' },
  ]);
  cert.setIssuer(issuerCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    ...(opts.keyUsage ? [{ name: 'keyUsage', ...opts.keyUsage }] : []),
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(issuerKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const codeOf = (r: TrustResult) => (r.trusted ? 'trusted' : r.code);

describe('TrustStore.check', () => {
  it('trusts a party certificate issued under our root', () => {
    const result = store.check(leafPem, new Date());
    expect(result).toEqual({
      trusted: true,
      oin: OIN,
      subject: 'C=NL, O=Raad voor de Kinderbescherming, serialNumber=00000001003214345000, CN=Raad voor de Kinderbescherming',
      notAfter: new Date(new X509Certificate(leafPem).validTo),
      fingerprint256: new X509Certificate(leafPem).fingerprint256,
      publicKey: expect.anything(),
    });
    expect(result.trusted && result.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // Cached analysis gives the same answer.
    expect(store.check(leafPem, new Date())).toEqual(result);
  });

  it('rejects a certificate from another CA even though its OIN is known', () => {
    const result = store.check(loadCredentials(rogueDir, 'rvdk').certificatePem, new Date());
    expect(codeOf(result)).toBe('CERT_UNKNOWN_CA');
  });

  it('needs the issuing CA to build the path', () => {
    const [root] = loadCaBundle(dir);
    expect(codeOf(new TrustStore({ roots: [root], intermediates: [] }).check(leafPem, new Date()))).toBe(
      'CERT_UNKNOWN_CA',
    );
  });

  it('checks validity at the given moment', () => {
    const cert = new X509Certificate(leafPem);
    expect(codeOf(store.check(leafPem, new Date(Date.parse(cert.validTo) + 1000)))).toBe('CERT_EXPIRED');
    expect(codeOf(store.check(leafPem, new Date(Date.parse(cert.validFrom) - 1000)))).toBe('CERT_NOT_YET_VALID');
  });

  it('checks the CAs on the path too', () => {
    const [, issuingPem] = loadCaBundle(dir);
    const issuingNotAfter = Date.parse(new X509Certificate(issuingPem).validTo);
    // A leaf that outlives its issuing CA: valid itself, but its CA has expired.
    const longLived = customLeaf({
      serialNumber: OIN,
      keyUsage: { digitalSignature: true },
      notAfter: new Date(issuingNotAfter + 365 * 86_400_000),
    });
    const result = store.check(longLived, new Date(issuingNotAfter + 1000));
    expect(result).toMatchObject({ trusted: false, code: 'CERT_EXPIRED', reason: expect.stringContaining('CA C=NL') });
  });

  it('refuses an invalid date instead of passing every validity check', () => {
    expect(() => store.check(leafPem, new Date('nonsense'))).toThrow(TypeError);
  });

  it('requires digitalSignature on the leaf and refuses CA certificates', () => {
    const [root, issuing] = loadCaBundle(dir);
    expect(codeOf(store.check(issuing, new Date()))).toBe('CERT_KEY_USAGE');
    expect(codeOf(store.check(root, new Date()))).toBe('CERT_KEY_USAGE');
    const encipherOnly = customLeaf({ serialNumber: OIN, keyUsage: { keyEncipherment: true } });
    expect(codeOf(store.check(encipherOnly, new Date()))).toBe('CERT_KEY_USAGE');
    expect(codeOf(store.check(customLeaf({ serialNumber: OIN }), new Date()))).toBe('CERT_KEY_USAGE');
    const ok = customLeaf({ serialNumber: OIN, keyUsage: { digitalSignature: true } });
    expect(codeOf(store.check(ok, new Date()))).toBe('trusted');
  });

  it('requires a 20-digit OIN in the subject serialNumber', () => {
    const noOin = customLeaf({ keyUsage: { digitalSignature: true } });
    expect(codeOf(store.check(noOin, new Date()))).toBe('CERT_NO_OIN');
    const kvk = customLeaf({ serialNumber: '12345678', keyUsage: { digitalSignature: true } });
    expect(codeOf(store.check(kvk, new Date()))).toBe('CERT_NO_OIN');
  });

  it('reports malformed input', () => {
    expect(codeOf(store.check('garbage', new Date()))).toBe('CERT_MALFORMED');
    const broken = leafPem.replace(/[A-Za-z0-9+/]{40}\n/, '!!!\n');
    expect(codeOf(store.check(broken, new Date()))).toBe('CERT_MALFORMED');
  });
});

describe('TrustStore construction', () => {
  it('refuses a non-CA certificate or garbage as anchor', () => {
    expect(() => new TrustStore({ roots: [leafPem], intermediates: [] })).toThrow(/not a CA/);
    expect(() => new TrustStore({ roots: ['nope'], intermediates: [] })).toThrow();
    expect(() => new TrustStore({ roots: [], intermediates: [] })).toThrow(/root/);
  });

  it('accepts a bundle with several certificates in one string', () => {
    const [root, issuing] = loadCaBundle(dir);
    expect(codeOf(new TrustStore({ roots: [root], intermediates: [`${issuing}\n${root}`] }).check(leafPem, new Date()))).toBe(
      'trusted',
    );
  });
});
