import { createPrivateKey, generateKeyPair, KeyObject, randomBytes, sign } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as forge from 'node-forge';
import { oinOfCertificate } from './certificate-reader';

// A development PKI shaped like PKIoverheid: root CA -> issuing CA -> one certificate per party,
// the party's OIN in subject serialNumber. Keys come from node:crypto (fast, native) and
// certificates are assembled with node-forge but signed by node:crypto as well: forge's pure-JS
// RSA would make a cold start take seconds.

export interface DevPartySpec {
  /** File name stem: `<name>.cert.pem` / `<name>.key.pem`. Lowercase letters, digits, dashes. */
  name: string;
  /** 20-digit OIN, written into the subject serialNumber. */
  oin: string;
  commonName: string;
  /** Also allow keyEncipherment: for the national index, which receives encrypted BSNs. */
  keyEncipherment?: boolean;
}

export const DEV_PKI_CRL_URL = 'http://pki.vir.local/issuing-ca.crl';

const ORGANISATION = 'VIR ontwikkel-PKI';
const ROOT = 'root-ca';
const ISSUING = 'issuing-ca';
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const OIN_PATTERN = /^\d{20}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const LOCK_STALE_MS = 30_000;
const LOCK_TIMEOUT_MS = 20_000;

interface Issuer {
  key: KeyObject;
  cert: forge.pki.Certificate;
}

export const certFile = (dir: string, name: string): string => join(dir, `${name}.cert.pem`);
export const keyFile = (dir: string, name: string): string => join(dir, `${name}.key.pem`);

/**
 * Creates (or completes) the development PKI in `dir`. Idempotent: existing CA and party files
 * are kept and only missing parties are issued. A party whose certificate carries a different
 * OIN than requested is re-issued, so a changed configuration does not leave a stale identity.
 * If the root or issuing CA has to be created, everything below it is re-issued.
 */
export async function createDevPki(dir: string, parties: DevPartySpec[]): Promise<void> {
  for (const p of parties) {
    if (!NAME_PATTERN.test(p.name) || p.name === ROOT || p.name === ISSUING) {
      throw new Error(`createDevPki: invalid party name '${p.name}'`);
    }
    if (!OIN_PATTERN.test(p.oin)) throw new Error(`createDevPki: party '${p.name}' needs a 20-digit OIN`);
    if (!p.commonName || p.commonName.length > 64) {
      throw new Error(`createDevPki: party '${p.name}' needs a commonName of 1-64 characters`);
    }
  }
  await fs.mkdir(dir, { recursive: true });
  // Several services may start at once against one shared directory.
  await withLock(dir, async () => {
    const now = Date.now();
    const loadedRoot = await loadIssuer(dir, ROOT);
    const loadedIssuing = loadedRoot && (await loadIssuer(dir, ISSUING));
    const renew = !loadedIssuing; // a new CA invalidates everything issued below it
    const stale: DevPartySpec[] = [];
    for (const party of parties) {
      if (renew || !(await partyIsCurrent(dir, party))) stale.push(party);
    }
    // Start every key generation at once: they run in parallel on the libuv thread pool.
    const rootKey = loadedRoot ? undefined : newKeyPair();
    const issuingKey = loadedIssuing ? undefined : newKeyPair();
    const partyKeys = stale.map(() => newKeyPair());

    const root = loadedRoot ?? (await issueCa(dir, ROOT, 'VIR Dev Root CA', await rootKey!, undefined, now, 20 * 365));
    const issuing =
      loadedIssuing ?? (await issueCa(dir, ISSUING, 'VIR Dev Issuing CA', await issuingKey!, root, now, 10 * 365));
    for (const [i, party] of stale.entries()) {
      await issueParty(dir, party, await partyKeys[i], issuing, now);
    }
  });
}

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false,
  );
}

async function loadIssuer(dir: string, name: string): Promise<Issuer | undefined> {
  if (!(await exists(certFile(dir, name))) || !(await exists(keyFile(dir, name)))) return undefined;
  const [certPem, keyPem] = await Promise.all([
    fs.readFile(certFile(dir, name), 'utf8'),
    fs.readFile(keyFile(dir, name), 'utf8'),
  ]);
  return { key: createPrivateKey(keyPem), cert: forge.pki.certificateFromPem(certPem) };
}

async function partyIsCurrent(dir: string, party: DevPartySpec): Promise<boolean> {
  if (!(await exists(keyFile(dir, party.name))) || !(await exists(certFile(dir, party.name)))) return false;
  return oinOfCertificate(await fs.readFile(certFile(dir, party.name), 'utf8')) === party.oin;
}

interface KeyPair {
  privateKey: KeyObject;
  publicKey: forge.pki.PublicKey;
}

const generateRsa = promisify(generateKeyPair);

async function newKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKey: forge.pki.publicKeyFromPem(spki) };
}

function newCertificate(publicKey: forge.pki.PublicKey, now: number, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40; // positive and without a leading zero octet
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now - 5 * 60 * 1000); // tolerate small clock skew
  cert.validity.notAfter = new Date(now + days * DAY_MS);
  return cert;
}

/** Signs with node:crypto instead of forge's `cert.sign` (which does RSA in JavaScript). */
function signCertificate(cert: forge.pki.Certificate, issuerKey: KeyObject): string {
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  // getTBSCertificate exists in node-forge but is missing from @types/node-forge.
  const { getTBSCertificate } = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  cert.tbsCertificate = getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, issuerKey).toString('binary');
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'); // forge writes CRLF
}

function authorityKeyId(issuer: forge.pki.Certificate): string {
  return issuer.generateSubjectKeyIdentifier().getBytes();
}

async function issueCa(
  dir: string,
  name: string,
  commonName: string,
  { privateKey, publicKey }: KeyPair,
  parent: Issuer | undefined,
  now: number,
  days: number,
): Promise<Issuer> {
  const cert = newCertificate(publicKey, now, days);
  const subject = [
    { shortName: 'C', value: 'NL' },
    { shortName: 'O', value: ORGANISATION },
    { shortName: 'CN', value: commonName },
  ];
  cert.setSubject(subject);
  cert.setIssuer(parent ? parent.cert.subject.attributes : subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true, ...(parent ? { pathLenConstraint: 0 } : {}) },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(parent ? [{ name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId(parent.cert) }] : []),
  ]);
  const pem = signCertificate(cert, parent?.key ?? privateKey);
  await writeKeyAndCert(dir, name, privateKey, pem);
  return { key: privateKey, cert };
}

async function issueParty(
  dir: string,
  party: DevPartySpec,
  { privateKey, publicKey }: KeyPair,
  issuer: Issuer,
  now: number,
): Promise<void> {
  const cert = newCertificate(publicKey, now, 2 * 365);
  cert.setSubject([
    { shortName: 'C', value: 'NL' },
    { shortName: 'O', value: party.commonName },
    { name: 'serialNumber', value: party.oin },
    { shortName: 'CN', value: party.commonName },
  ]);
  cert.setIssuer(issuer.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: party.keyEncipherment === true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    // Lets the same certificate serve mTLS between dev containers named after the party.
    { name: 'subjectAltName', altNames: [{ type: 2, value: party.name }, { type: 2, value: 'localhost' }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId(issuer.cert) },
    { name: 'cRLDistributionPoints', altNames: [{ type: 6, value: DEV_PKI_CRL_URL }] },
  ]);
  await writeKeyAndCert(dir, party.name, privateKey, signCertificate(cert, issuer.key));
}

async function writeKeyAndCert(dir: string, name: string, key: KeyObject, certPem: string): Promise<void> {
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeAtomically(keyFile(dir, name), keyPem, 0o600);
  await writeAtomically(certFile(dir, name), certPem, 0o644);
}

async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, data, { mode });
  await fs.chmod(tmp, mode); // writeFile's mode is subject to the umask
  await fs.rename(tmp, path);
}

async function withLock(dir: string, work: () => Promise<void>): Promise<void> {
  const lock = join(dir, '.dev-pki.lock');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > LOCK_STALE_MS) {
        await fs.rm(lock, { force: true }); // left behind by a crashed process
        continue;
      }
      if (Date.now() > deadline) throw new Error(`createDevPki: timed out waiting for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
