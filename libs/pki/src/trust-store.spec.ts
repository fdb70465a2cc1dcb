import { createPrivateKey, generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as forge from 'node-forge';
import {
  createDevPki,
  currentCrl,
  issuePartyCertificate,
  loadCaBundle,
  loadCredentials,
  readCrl,
  revokeCertificate,
  splitCrls,
  TrustStore,
  type TrustResult,
  type TrustStoreOptions,
} from './index';
import { subjectDerOf } from './certificate-reader';
import { Name, X509CrlGenerator } from './peculiar-x509';

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
      serialNumber: new X509Certificate(leafPem).serialNumber.replace(/^0+/, ''),
      revocationChecked: false, // this store holds no CRL
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

describe('TrustStore revocation', () => {
  const NHN = '00000003273416560001';
  let crlDir: string;
  let cas: string[];
  let rvdk: string;
  let nhn: string;
  let cleanCrl: string;
  beforeAll(async () => {
    crlDir = mkdtempSync(join(tmpdir(), 'vir-trust-crl-'));
    await createDevPki(crlDir, [
      { name: 'rvdk', oin: OIN, commonName: 'Raad voor de Kinderbescherming' },
      { name: 'regio-nhn', oin: NHN, commonName: 'Verwijsindex Noord-Holland Noord' },
    ]);
    cas = loadCaBundle(crlDir);
    rvdk = loadCredentials(crlDir, 'rvdk').certificatePem;
    nhn = loadCredentials(crlDir, 'regio-nhn').certificatePem;
    cleanCrl = await currentCrl(crlDir);
  });
  afterAll(() => rmSync(crlDir, { recursive: true, force: true }));

  const storeWith = (crls: (string | Uint8Array)[], extra: Partial<TrustStoreOptions> = {}) =>
    new TrustStore({ roots: [cas[0]], intermediates: [cas[1]], crls, ...extra });

  it('checks the leaf against its issuer CRL', () => {
    expect(storeWith([cleanCrl]).check(rvdk, new Date())).toMatchObject({ trusted: true, oin: OIN, revocationChecked: true });
    expect(storeWith([cleanCrl]).crlStatus()).toEqual([
      {
        issuer: 'C=NL, O=VIR ontwikkel-PKI, CN=VIR Dev Issuing CA',
        crlNumber: 1n,
        thisUpdate: expect.any(Date),
        nextUpdate: expect.any(Date),
        revokedCount: 0,
      },
    ]);
  });

  describe('after a revocation', () => {
    let revokedCrl: string;
    let revokedAt: Date;
    let store: TrustStore;
    beforeAll(async () => {
      const outcome = await revokeCertificate(crlDir, nhn, 'superseded');
      revokedCrl = outcome.crlPem;
      revokedAt = outcome.revocationDate;
      store = storeWith([cleanCrl]);
    });

    it('refuses the revoked certificate with CERT_REVOKED once setCrls has the new CRL', () => {
      // The chain decision is cached already; revocation is looked up on every check.
      expect(codeOf(store.check(nhn, new Date()))).toBe('trusted');
      store.setCrls([revokedCrl]);
      const result = store.check(nhn, new Date());
      expect(result).toMatchObject({ trusted: false, code: 'CERT_REVOKED' });
      expect(!result.trusted && result.reason).toMatch(/\(serial [0-9A-F]+\) was revoked at .*\(superseded\)/);
      expect(codeOf(store.check(rvdk, new Date()))).toBe('trusted');
    });

    it('honours the revocation date, except after a key compromise', async () => {
      expect(codeOf(store.check(nhn, new Date(revokedAt.getTime() - 60_000)))).toBe('trusted');
      const compromised = await revokeCertificate(crlDir, rvdk, 'keyCompromise');
      store.setCrls([compromised.crlPem]);
      expect(codeOf(store.check(rvdk, new Date(compromised.revocationDate.getTime() - 60_000)))).toBe('CERT_REVOKED');
    });

    it('uses the CRL with the highest number, in whatever order CRLs come', () => {
      const both = storeWith([revokedCrl, cleanCrl]);
      expect(codeOf(both.check(nhn, new Date()))).toBe('CERT_REVOKED');
      expect(both.crlStatus()).toHaveLength(1);
    });

    it('accepts DER and several PEM CRLs in one string', () => {
      expect(codeOf(storeWith([splitCrls(revokedCrl)[0]]).check(nhn, new Date()))).toBe('CERT_REVOKED');
      expect(codeOf(storeWith([`${cleanCrl}\n${revokedCrl}`]).check(nhn, new Date()))).toBe('CERT_REVOKED');
    });

    it('reports a revoked certificate as revoked even when the CRL is stale', () => {
      const afterNextUpdate = new Date(readCrl(splitCrls(revokedCrl)[0]).nextUpdate!.getTime() + 1000);
      expect(codeOf(storeWith([revokedCrl]).check(nhn, afterNextUpdate))).toBe('CERT_REVOKED');
    });
  });

  it('refuses with CERT_CRL_STALE after nextUpdate, unless within crlGraceMs', () => {
    const nextUpdate = readCrl(splitCrls(cleanCrl)[0]).nextUpdate!.getTime();
    const store = storeWith([cleanCrl]);
    expect(codeOf(store.check(nhn, new Date(nextUpdate)))).toBe('trusted');
    const stale = store.check(nhn, new Date(nextUpdate + 1000));
    expect(stale).toMatchObject({ trusted: false, code: 'CERT_CRL_STALE' });
    expect(!stale.trusted && stale.reason).toContain('was due for renewal at');
    const lenient = storeWith([cleanCrl], { crlGraceMs: 86_400_000 });
    expect(codeOf(lenient.check(nhn, new Date(nextUpdate + 3_600_000)))).toBe('trusted');
    expect(codeOf(lenient.check(nhn, new Date(nextUpdate + 86_400_000 + 1000)))).toBe('CERT_CRL_STALE');
    expect(() => storeWith([], { crlGraceMs: -1 })).toThrow(/crlGraceMs/);
  });

  it('refuses a CRL not signed by one of its CAs, or garbage, and keeps the previous set', async () => {
    const rogueCrl = await currentCrl(rogueDir);
    expect(() => storeWith([rogueCrl])).toThrow(/not signed by a CA of this store/);
    const store = storeWith([cleanCrl]);
    expect(() => store.setCrls([rogueCrl])).toThrow();
    expect(() => store.setCrls(['-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'])).toThrow(/not valid/);
    expect(() => store.setCrls(['no pem here'])).toThrow();
    expect(store.crlStatus()).toHaveLength(1);
    // A CRL whose signature does not match (one bit flipped in the signature) is foreign too.
    const der = Buffer.from(splitCrls(cleanCrl)[0]);
    der[der.length - 5] ^= 0x01;
    expect(() => storeWith([der])).toThrow(/not signed/);
  });

  it('checks the issuing CA against the root CRL (ARL) when one is loaded', async () => {
    const rootKey = readFileSync(join(crlDir, 'root-ca.key.pem'), 'utf8');
    const issuingSerial = new X509Certificate(cas[1]).serialNumber;
    const arl = await signTestCrl(cas[0], rootKey, [issuingSerial]);
    const store = storeWith([arl]);
    const result = store.check(rvdk, new Date());
    expect(result).toMatchObject({ trusted: false, code: 'CERT_REVOKED', reason: expect.stringContaining('CA C=NL') });
  });

  it('keeps check() cheap with a large CRL loaded (more than asn1js parses by default)', async () => {
    const issuingKey = readFileSync(join(crlDir, 'issuing-ca.key.pem'), 'utf8');
    const serials = Array.from({ length: 3000 }, (_, i) => (0x100000 + i).toString(16));
    const store = storeWith([await signTestCrl(cas[1], issuingKey, serials)]);
    const now = new Date();
    expect(store.check(rvdk, now)).toMatchObject({ trusted: true, revocationChecked: true });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) store.check(rvdk, now);
    const perCheckUs = Number(process.hrtime.bigint() - t0) / 1000 / 20_000;
    expect(perCheckUs).toBeLessThan(50); // typically ~1 µs: a cache hit and a Map lookup
  });
});

describe('TrustStore and key rollover', () => {
  it('trusts both certificates of a party during a rollover, with the same OIN', async () => {
    const d = mkdtempSync(join(tmpdir(), 'vir-trust-rollover-'));
    try {
      await createDevPki(d, [{ name: 'rvdk', oin: OIN, commonName: 'Raad voor de Kinderbescherming' }]);
      const next = await issuePartyCertificate(d, { name: 'rvdk', oin: OIN, commonName: 'Raad voor de Kinderbescherming' }, { rollover: true });
      const [root, issuing] = loadCaBundle(d);
      const store = new TrustStore({ roots: [root], intermediates: [issuing], crls: [await currentCrl(d)] });
      const current = store.check(loadCredentials(d, 'rvdk').certificatePem, new Date());
      const rolled = store.check(loadCredentials(d, 'rvdk.next').certificatePem, new Date());
      expect(current).toMatchObject({ trusted: true, oin: OIN });
      expect(rolled).toMatchObject({ trusted: true, oin: OIN, serialNumber: next.serialNumber });
      expect(current.trusted && rolled.trusted && current.fingerprint256 !== rolled.fingerprint256).toBe(true);

      // End of the rollover: the old certificate is revoked, the new one goes on.
      const old = loadCredentials(d, 'rvdk').certificatePem;
      await revokeCertificate(d, old, 'superseded');
      store.setCrls([await currentCrl(d)]);
      expect(codeOf(store.check(old, new Date()))).toBe('CERT_REVOKED');
      expect(codeOf(store.check(next.certificatePem, new Date()))).toBe('trusted');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

/** A CRL signed by any CA of a test (for cases the dev CA does not produce, like a root ARL). */
async function signTestCrl(caPem: string, caKeyPem: string, serials: string[]): Promise<string> {
  const signing = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(caKeyPem).export({ type: 'pkcs8', format: 'der' }),
    signing,
    false,
    ['sign'],
  );
  const crl = await X509CrlGenerator.create(
    {
      issuer: new Name(subjectDerOf(new X509Certificate(caPem).raw)),
      nextUpdate: new Date(Date.now() + 86_400_000),
      signingAlgorithm: signing,
      signingKey: key,
      entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(Date.now() - 60_000) })),
    },
    webcrypto as unknown as Parameters<typeof X509CrlGenerator.create>[1],
  );
  return `-----BEGIN X509 CRL-----\n${Buffer.from(crl.rawData).toString('base64')}\n-----END X509 CRL-----\n`;
}
