import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as forge from 'node-forge';
import {
  createDevPki,
  currentCrl,
  issuePartyCertificate,
  listPartyCertificates,
  loadCaBundle,
  loadCredentials,
  promoteRollover,
  readCertificateFields,
  TrustStore,
  type DevPartySpec,
} from './index';

const PARTIES: DevPartySpec[] = [
  { name: 'landelijke-index', oin: '00000001823288444000', commonName: 'Landelijke Verwijsindex', keyEncipherment: true },
  { name: 'rvdk', oin: '00000001003214345000', commonName: 'Raad voor de Kinderbescherming' },
  { name: 'regio-nhn', oin: '00000003273416560001', commonName: 'Verwijsindex Noord-Holland Noord' },
  { name: 'regio-twente', oin: '00000003273416560002', commonName: 'Verwijsindex Twente' },
  { name: 'regio-x', oin: '00000003273416560003', commonName: 'Verwijsindex X' },
];

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vir-dev-pki-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const snapshot = (dir: string, names: string[]) =>
  Object.fromEntries(
    names.flatMap((n) => [`${n}.cert.pem`, `${n}.key.pem`]).map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

describe('createDevPki', () => {
  let dir: string;
  let elapsedMs: number;
  beforeAll(async () => {
    dir = newDir();
    const started = Date.now();
    await createDevPki(dir, PARTIES);
    elapsedMs = Date.now() - started;
  });

  it('is fast enough for every start of the dev stack', () => {
    // Typically ~0.6 s for CA + 5 parties; the slack is for busy CI machines.
    expect(elapsedMs).toBeLessThan(4000);
  });

  it('writes CA and party files, keys as PKCS#8 readable only by the owner', () => {
    for (const name of ['root-ca', 'issuing-ca', ...PARTIES.map((p) => p.name)]) {
      const key = join(dir, `${name}.key.pem`);
      expect(readFileSync(key, 'utf8')).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}/);
      expect(statSync(key).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, `${name}.cert.pem`), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    }
  });

  it('builds root -> issuing CA -> party, PKIoverheid style', () => {
    const [rootPem, issuingPem] = loadCaBundle(dir);
    const root = new X509Certificate(rootPem);
    const issuing = new X509Certificate(issuingPem);
    expect(root.ca && issuing.ca).toBe(true);
    expect(issuing.verify(root.publicKey)).toBe(true);
    expect(readCertificateFields(issuing.raw).keyUsage).toMatchObject({ keyCertSign: true, cRLSign: true });
    expect(root.publicKey.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);

    const rvdk = loadCredentials(dir, 'rvdk');
    const leaf = new X509Certificate(rvdk.certificatePem);
    expect(rvdk.oin).toBe('00000001003214345000');
    expect(leaf.subject.split('\n')).toEqual([
      'C=NL',
      'O=Raad voor de Kinderbescherming',
      'serialNumber=00000001003214345000',
      'CN=Raad voor de Kinderbescherming',
    ]);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(issuing.publicKey)).toBe(true);
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    const years = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / (365 * 24 * 3600 * 1000);
    expect(years).toBeCloseTo(2, 1);
    const crl = forge.pki.certificateFromPem(rvdk.certificatePem).getExtension('cRLDistributionPoints');
    expect(crl).toBeTruthy();
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('gives keyEncipherment only to parties that receive encrypted data', () => {
    const usage = (name: string) =>
      readCertificateFields(new X509Certificate(loadCredentials(dir, name).certificatePem).raw).keyUsage;
    expect(usage('landelijke-index')).toMatchObject({ digitalSignature: true, keyEncipherment: true, keyCertSign: false });
    expect(usage('rvdk')).toMatchObject({ digitalSignature: true, keyEncipherment: false });
  });

  it('produces certificates the trust store accepts', () => {
    const [root, issuing] = loadCaBundle(dir);
    const store = new TrustStore({ roots: [root], intermediates: [issuing] });
    for (const p of PARTIES) {
      expect(store.check(loadCredentials(dir, p.name).certificatePem, new Date())).toMatchObject({
        trusted: true,
        oin: p.oin,
      });
    }
  });

  it('is idempotent: a second run changes nothing', async () => {
    const names = ['root-ca', 'issuing-ca', ...PARTIES.map((p) => p.name)];
    const before = snapshot(dir, names);
    await createDevPki(dir, PARTIES);
    expect(snapshot(dir, names)).toEqual(before);
  });

  it('adds only missing parties, and re-issues a party whose OIN changed', async () => {
    const names = ['root-ca', 'issuing-ca', ...PARTIES.map((p) => p.name)];
    const before = snapshot(dir, names);
    await createDevPki(dir, [...PARTIES, { name: 'nieuw', oin: '00000009999999999999', commonName: 'Nieuw' }]);
    expect(snapshot(dir, names)).toEqual(before);
    expect(loadCredentials(dir, 'nieuw').oin).toBe('00000009999999999999');

    await createDevPki(dir, [{ name: 'nieuw', oin: '00000009999999999998', commonName: 'Nieuw' }]);
    expect(loadCredentials(dir, 'nieuw').oin).toBe('00000009999999999998');
    expect(snapshot(dir, names)).toEqual(before);
  });

  it('stays consistent when several processes start at once', async () => {
    const shared = newDir();
    await Promise.all([createDevPki(shared, PARTIES.slice(0, 2)), createDevPki(shared, PARTIES.slice(1, 3))]);
    const [root, issuing] = loadCaBundle(shared);
    const store = new TrustStore({ roots: [root], intermediates: [issuing] });
    for (const p of PARTIES.slice(0, 3)) {
      expect(store.check(loadCredentials(shared, p.name).certificatePem, new Date()).trusted).toBe(true);
    }
  });

  it('rejects unusable party specs', async () => {
    const d = newDir();
    await expect(createDevPki(d, [{ name: '../x', oin: '00000001003214345000', commonName: 'x' }])).rejects.toThrow(
      /invalid party name/,
    );
    await expect(createDevPki(d, [{ name: 'root-ca', oin: '00000001003214345000', commonName: 'x' }])).rejects.toThrow();
    await expect(createDevPki(d, [{ name: 'x', oin: '123', commonName: 'x' }])).rejects.toThrow(/20-digit OIN/);
  });
});

describe('issuePartyCertificate', () => {
  let dir: string;
  let store: () => TrustStore;
  const NIEUW: DevPartySpec = { name: 'regio-nieuw', oin: '00000003273416560009', commonName: 'Verwijsindex Nieuw' };
  beforeAll(async () => {
    dir = newDir();
    await createDevPki(dir, PARTIES.slice(0, 2));
    const [root, issuing] = loadCaBundle(dir);
    store = () => new TrustStore({ roots: [root], intermediates: [issuing] });
  });

  it('issues a new party with its own key, trusted and listed', async () => {
    const issued = await issuePartyCertificate(dir, NIEUW, { validityDays: 90 });
    expect(issued).toMatchObject({ name: 'regio-nieuw', stem: 'regio-nieuw', oin: NIEUW.oin });
    expect(issued).not.toHaveProperty('replacedSerialNumber');
    expect(statSync(issued.keyFile).mode & 0o777).toBe(0o600);
    expect((issued.notAfter.getTime() - issued.notBefore.getTime()) / 86_400_000).toBeCloseTo(90, 1);
    const leaf = new X509Certificate(issued.certificatePem);
    expect(readCertificateFields(leaf.raw).keyUsage).toMatchObject({ digitalSignature: true, keyEncipherment: false });
    expect(forge.pki.certificateFromPem(issued.certificatePem).getExtension('cRLDistributionPoints')).toBeTruthy();
    expect(store().check(issued.certificatePem, new Date())).toMatchObject({ trusted: true, serialNumber: issued.serialNumber });
    expect(listPartyCertificates(dir).map((f) => f.stem)).toEqual(['landelijke-index', 'regio-nieuw', 'rvdk']);
  });

  it('re-issues with a new key and names the certificate it replaced', async () => {
    const before = loadCredentials(dir, 'regio-nieuw');
    const issued = await issuePartyCertificate(dir, NIEUW);
    expect(issued.replacedSerialNumber).toBe(new X509Certificate(before.certificatePem).serialNumber.replace(/^0+/, ''));
    expect(loadCredentials(dir, 'regio-nieuw').privateKey.equals(before.privateKey)).toBe(false);
  });

  it('gives the index keyEncipherment when asked', async () => {
    const issued = await issuePartyCertificate(dir, { ...PARTIES[0], name: 'index-2' });
    expect(readCertificateFields(new X509Certificate(issued.certificatePem).raw).keyUsage).toMatchObject({
      digitalSignature: true,
      keyEncipherment: true,
    });
  });

  it('rolls over: a second certificate beside the current one, then promoted', async () => {
    const current = loadCredentials(dir, 'rvdk');
    const next = await issuePartyCertificate(dir, PARTIES[1], { rollover: true });
    expect(next).toMatchObject({ name: 'rvdk', stem: 'rvdk.next', certFile: join(dir, 'rvdk.next.cert.pem') });
    expect(loadCredentials(dir, 'rvdk').certificatePem).toBe(current.certificatePem);
    expect(loadCredentials(dir, 'rvdk.next').oin).toBe(PARTIES[1].oin);
    expect(listPartyCertificates(dir).filter((f) => f.name === 'rvdk').map((f) => [f.stem, f.rollover])).toEqual([
      ['rvdk', false],
      ['rvdk.next', true],
    ]);
    await expect(issuePartyCertificate(dir, PARTIES[1], { rollover: true })).rejects.toThrow(/already/);

    const promoted = await promoteRollover(dir, 'rvdk');
    expect(promoted).toEqual({
      serialNumber: next.serialNumber,
      previousSerialNumber: new X509Certificate(current.certificatePem).serialNumber.replace(/^0+/, ''),
    });
    expect(loadCredentials(dir, 'rvdk').certificatePem).toBe(next.certificatePem);
    expect(listPartyCertificates(dir).some((f) => f.rollover)).toBe(false);
    await expect(promoteRollover(dir, 'rvdk')).rejects.toThrow(/no rollover certificate/);
  });

  it('refuses a rollover that changes the OIN or has nothing to roll over from', async () => {
    await expect(issuePartyCertificate(dir, { ...PARTIES[1], oin: '00000009999999999999' }, { rollover: true })).rejects.toThrow(
      /keeps the OIN/,
    );
    await expect(issuePartyCertificate(dir, { ...NIEUW, name: 'onbekend' }, { rollover: true })).rejects.toThrow(/no certificate/);
  });

  it('refuses bad specs and a directory without CA', async () => {
    await expect(issuePartyCertificate(dir, { ...NIEUW, oin: '1' })).rejects.toThrow(/20-digit OIN/);
    await expect(issuePartyCertificate(dir, { ...NIEUW, name: 'a.b' })).rejects.toThrow(/invalid party name/);
    await expect(issuePartyCertificate(dir, NIEUW, { validityDays: 0 })).rejects.toThrow(/validityDays/);
    await expect(issuePartyCertificate(newDir(), NIEUW)).rejects.toThrow(/no development CA/);
  });

  it('leaves the CRL alone: issuing does not publish', async () => {
    const crl = await currentCrl(dir);
    await issuePartyCertificate(dir, NIEUW);
    expect(await currentCrl(dir)).toBe(crl);
  });
});

describe('EC P-256 encryption certificates (the index, ECDH-ES)', () => {
  const INDEX_ENC: DevPartySpec = {
    name: 'landelijke-index-enc',
    oin: '00000001823288444000',
    commonName: 'Landelijke Verwijsindex (versleuteling)',
    keyType: 'ec-p256',
    keyAgreement: true,
  };

  it('issues an EC P-256 leaf with keyUsage keyAgreement only, trusted for encryption but never as a signer', async () => {
    const dir = newDir();
    await createDevPki(dir, [PARTIES[0], INDEX_ENC]);
    const credentials = loadCredentials(dir, INDEX_ENC.name);
    expect(credentials.oin).toBe(INDEX_ENC.oin);
    expect(credentials.privateKey.asymmetricKeyType).toBe('ec');
    const cert = new X509Certificate(credentials.certificatePem);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.checkPrivateKey(credentials.privateKey)).toBe(true);
    expect(readCertificateFields(cert.raw).keyUsage).toMatchObject({ keyAgreement: true, digitalSignature: false, keyEncipherment: false });
    const [root, issuing] = loadCaBundle(dir);
    const store = new TrustStore({ roots: [root], intermediates: [issuing] });
    expect(store.check(credentials.certificatePem, new Date(), { purpose: 'encryption' })).toMatchObject({ trusted: true, oin: INDEX_ENC.oin });
    expect(store.check(credentials.certificatePem, new Date())).toMatchObject({ trusted: false, code: 'CERT_KEY_USAGE' });
    // The RSA index certificate is an encryption certificate too (keyEncipherment), a party's is not.
    const rsaIndex = loadCredentials(dir, PARTIES[0].name).certificatePem;
    expect(store.check(rsaIndex, new Date(), { purpose: 'encryption' })).toMatchObject({ trusted: true });
  });

  it('re-issues when the key type asked for changes, and refuses impossible combinations', async () => {
    const dir = newDir();
    await createDevPki(dir, [{ ...INDEX_ENC, keyType: undefined, keyAgreement: undefined }]);
    expect(loadCredentials(dir, INDEX_ENC.name).privateKey.asymmetricKeyType).toBe('rsa');
    await createDevPki(dir, [INDEX_ENC]);
    expect(loadCredentials(dir, INDEX_ENC.name).privateKey.asymmetricKeyType).toBe('ec');
    await expect(createDevPki(dir, [{ ...INDEX_ENC, keyType: 'rsa-2048' as const, keyAgreement: true }])).rejects.toThrow(/keyAgreement/);
    await expect(createDevPki(dir, [{ ...INDEX_ENC, keyEncipherment: true }])).rejects.toThrow(/keyEncipherment/);
  });
});

describe('EC P-256 signing certificates (ECDSA)', () => {
  const INDEX_EC: DevPartySpec = {
    name: 'landelijke-index-ec',
    oin: '00000001823288444000',
    commonName: 'Landelijke Verwijsindex (ECDSA)',
    keyType: 'ec-p256',
  };

  it('issues an EC P-256 leaf with digitalSignature (no keyAgreement), trusted as a signer but not for encryption', async () => {
    const dir = newDir();
    await createDevPki(dir, [INDEX_EC]);
    const credentials = loadCredentials(dir, INDEX_EC.name);
    expect(credentials.privateKey.asymmetricKeyType).toBe('ec');
    const cert = new X509Certificate(credentials.certificatePem);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.checkPrivateKey(credentials.privateKey)).toBe(true);
    expect(readCertificateFields(cert.raw).keyUsage).toMatchObject({ digitalSignature: true, keyAgreement: false, keyEncipherment: false });
    const [root, issuing] = loadCaBundle(dir);
    const store = new TrustStore({ roots: [root], intermediates: [issuing] });
    expect(store.check(credentials.certificatePem, new Date())).toMatchObject({ trusted: true, oin: INDEX_EC.oin });
    expect(store.check(credentials.certificatePem, new Date(), { purpose: 'encryption' })).toMatchObject({ trusted: false, code: 'CERT_KEY_USAGE' });
  });

  it('re-issues an EC certificate whose use changes between key agreement and signing', async () => {
    const dir = newDir();
    await createDevPki(dir, [{ ...INDEX_EC, keyAgreement: true }]);
    const usage = () => readCertificateFields(new X509Certificate(loadCredentials(dir, INDEX_EC.name).certificatePem).raw).keyUsage;
    expect(usage()).toMatchObject({ keyAgreement: true, digitalSignature: false });
    await createDevPki(dir, [INDEX_EC]);
    expect(usage()).toMatchObject({ keyAgreement: false, digitalSignature: true });
    const pem = loadCredentials(dir, INDEX_EC.name).certificatePem;
    await createDevPki(dir, [INDEX_EC]);
    expect(loadCredentials(dir, INDEX_EC.name).certificatePem).toBe(pem);
  });
});
