import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDevPki,
  crlFile,
  currentCrl,
  DEV_CRL_VALIDITY_DAYS,
  loadCredentials,
  readCrl,
  revokeCertificate,
  splitCrls,
  type DevPartySpec,
} from './index';

const PARTIES: DevPartySpec[] = [
  { name: 'rvdk', oin: '00000001003214345000', commonName: 'Raad voor de Kinderbescherming' },
  { name: 'regio-nhn', oin: '00000003273416560001', commonName: 'Verwijsindex Noord-Holland Noord' },
  { name: 'regio-twente', oin: '00000003273416560002', commonName: 'Verwijsindex Twente' },
];
const DAY_MS = 86_400_000;

const dirs: string[] = [];
const newDir = (prefix = 'vir-dev-crl-') => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const crlOf = (pem: string) => readCrl(splitCrls(pem)[0]);
const stateOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'issuing-ca.crl-state.json'), 'utf8'));

/** openssl as an independent verifier: full chain plus the CRL of the issuing CA. */
function opensslVerify(dir: string, name: string): { ok: boolean; output: string } {
  const args = [
    'verify',
    '-crl_check',
    '-CAfile', join(dir, 'root-ca.cert.pem'),
    '-untrusted', join(dir, 'issuing-ca.cert.pem'),
    '-CRLfile', crlFile(dir),
    join(dir, `${name}.cert.pem`),
  ];
  try {
    return { ok: true, output: execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the dev issuing CA publishes a CRL', () => {
  let dir: string;
  beforeAll(async () => {
    dir = newDir();
    await createDevPki(dir, PARTIES);
  });

  it('createDevPki writes an empty CRL no. 1, valid for DEV_CRL_VALIDITY_DAYS', () => {
    const pem = readFileSync(crlFile(dir), 'utf8');
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\n[A-Za-z0-9+/=\n]+-----END X509 CRL-----\n$/);
    const crl = crlOf(pem);
    expect(crl.crlNumber).toBe(1n);
    expect(crl.entries).toEqual([]);
    expect(crl.issuer).toBe('C=NL, O=VIR ontwikkel-PKI, CN=VIR Dev Issuing CA');
    const life = crl.nextUpdate!.getTime() - Date.now();
    expect(life).toBeGreaterThan(DEV_CRL_VALIDITY_DAYS * DAY_MS - 60_000);
    expect(life).toBeLessThanOrEqual(DEV_CRL_VALIDITY_DAYS * DAY_MS);
    expect(stateOf(dir)).toMatchObject({ crlNumber: 1, revoked: [] });
  });

  it('passes openssl: CRL signature, and every party certificate with -crl_check', () => {
    const crlCheck = execFileSync(
      'openssl',
      ['crl', '-in', crlFile(dir), '-CAfile', join(dir, 'issuing-ca.cert.pem'), '-noout'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(crlCheck).toBe('');
    for (const p of PARTIES) expect(opensslVerify(dir, p.name)).toEqual({ ok: true, output: expect.stringContaining(': OK') });
  });

  it('currentCrl keeps a CRL with more than half its life left, and re-publishes after', async () => {
    const first = await currentCrl(dir);
    expect(await currentCrl(dir)).toBe(first);
    const later = new Date(Date.now() + (DEV_CRL_VALIDITY_DAYS / 2 + 1) * DAY_MS);
    const renewed = crlOf(await currentCrl(dir, { now: later }));
    expect(renewed.crlNumber).toBe(crlOf(first).crlNumber! + 1n);
    expect(renewed.nextUpdate!.getTime()).toBeGreaterThan(later.getTime());
    // Back to the real clock: the renewed CRL's thisUpdate lies in the future, so publish again.
    expect(crlOf(await currentCrl(dir)).crlNumber).toBe(renewed.crlNumber! + 1n);
  });

  it('re-publishes a missing or damaged CRL file with the next number', async () => {
    const before = crlOf(await currentCrl(dir)).crlNumber!;
    unlinkSync(crlFile(dir));
    expect(crlOf(await currentCrl(dir)).crlNumber).toBe(before + 1n);
    writeFileSync(crlFile(dir), 'garbage');
    expect(crlOf(await currentCrl(dir)).crlNumber).toBe(before + 2n);
  });
});

describe('revokeCertificate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = newDir();
    await createDevPki(dir, PARTIES);
  });

  it('revokes by certificate, lists it with its reason, and openssl refuses it', async () => {
    const leaf = loadCredentials(dir, 'regio-twente').certificatePem;
    const serial = new X509Certificate(leaf).serialNumber.replace(/^0+/, '');
    const outcome = await revokeCertificate(dir, leaf, 'keyCompromise');
    expect(outcome).toMatchObject({ serialNumber: serial, reason: 'keyCompromise', alreadyRevoked: false, crlNumber: 2n });
    expect(readFileSync(crlFile(dir), 'utf8')).toBe(outcome.crlPem);
    expect(crlOf(outcome.crlPem).entries).toEqual([
      { serialNumber: serial, revocationDate: expect.any(Date), reason: 'keyCompromise' },
    ]);
    expect(stateOf(dir).revoked).toEqual([
      expect.objectContaining({ serialNumber: serial, reason: 'keyCompromise', subject: expect.stringContaining('CN=Verwijsindex Twente') }),
    ]);

    const refused = opensslVerify(dir, 'regio-twente');
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/certificate revoked/);
    expect(opensslVerify(dir, 'rvdk').ok).toBe(true);
    const text = execFileSync('openssl', ['crl', '-in', crlFile(dir), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain(`Serial Number: ${serial}`);
    expect(text).toContain('Key Compromise');
    expect(text).toMatch(/X509v3 CRL Number:\s+2/);
  });

  it('revokes by serial in any usual spelling; a second revocation changes nothing', async () => {
    const leaf = new X509Certificate(loadCredentials(dir, 'regio-nhn').certificatePem);
    const colons = leaf.serialNumber.toLowerCase().match(/../g)!.join(':');
    const outcome = await revokeCertificate(dir, colons); // reason defaults to unspecified
    expect(outcome).toMatchObject({ reason: 'unspecified', alreadyRevoked: false, crlNumber: 3n });
    // RFC 5280: no reasonCode for unspecified.
    expect(crlOf(outcome.crlPem).entries.find((e) => e.serialNumber === outcome.serialNumber)).not.toHaveProperty('reason');
    const again = await revokeCertificate(dir, leaf.serialNumber, 'superseded');
    expect(again).toMatchObject({ alreadyRevoked: true, reason: 'unspecified', crlNumber: 3n });
    expect(again.revocationDate).toEqual(outcome.revocationDate);
    expect(opensslVerify(dir, 'regio-nhn').output).toMatch(/certificate revoked/);
  });

  it('refuses certificates of another CA, garbage and unknown reasons', async () => {
    const other = newDir('vir-dev-crl-other-');
    await createDevPki(other, PARTIES.slice(0, 1));
    await expect(revokeCertificate(dir, loadCredentials(other, 'rvdk').certificatePem)).rejects.toThrow(/not issued by this CA/);
    await expect(revokeCertificate(dir, 'not-a-serial')).rejects.toThrow(/serial number/);
    await expect(revokeCertificate(dir, '4a01', 'bored' as never)).rejects.toThrow(/unknown reason/);
    await expect(revokeCertificate(newDir(), '4a01')).rejects.toThrow(/no development CA/);
  });

  it('refuses to work on a damaged record instead of forgetting revocations', async () => {
    const d = newDir();
    await createDevPki(d, PARTIES.slice(0, 1));
    writeFileSync(join(d, 'issuing-ca.crl-state.json'), '{"revoked": "oops"}');
    await expect(currentCrl(d)).rejects.toThrow(/damaged/);
  });

  it('starts a new record when the CA is made anew', async () => {
    const d = newDir();
    await createDevPki(d, PARTIES.slice(0, 1));
    await revokeCertificate(d, loadCredentials(d, 'rvdk').certificatePem, 'keyCompromise');
    for (const f of ['root-ca.cert.pem', 'issuing-ca.cert.pem']) unlinkSync(join(d, f));
    await createDevPki(d, PARTIES.slice(0, 1));
    expect(stateOf(d)).toMatchObject({ crlNumber: 1, revoked: [] });
    expect(crlOf(readFileSync(crlFile(d), 'utf8')).entries).toEqual([]);
    expect(opensslVerify(d, 'rvdk').ok).toBe(true);
    expect(existsSync(join(d, '.dev-pki.lock'))).toBe(false);
  });
});
