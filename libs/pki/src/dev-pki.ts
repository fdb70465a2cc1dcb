import { createHash, generateKeyPair, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as forge from 'node-forge';
import { oinOfCertificate, readCertificateFields } from './certificate-reader';
import { normalizeSerial } from './der-reader';
import { publishCrlLocked } from './dev-crl';
import {
  certFile,
  exists,
  ISSUING_CA,
  keyFile,
  loadIssuer,
  NEXT_SUFFIX,
  requireIssuingCa,
  ROOT_CA,
  withLock,
  writeAtomically,
  type Issuer,
} from './dev-pki-files';

// A development PKI shaped like PKIoverheid: root CA -> issuing CA -> one certificate per party,
// the party's OIN in subject serialNumber; the issuing CA publishes a CRL (dev-crl.ts). Keys come from node:crypto (fast, native) and
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
  /**
   * The leaf key: RSA-2048 (default) or EC P-256. An EC leaf either signs (keyUsage
   * digitalSignature, ECDSA P-256 signatures) or, with `keyAgreement`, only receives BSNs
   * (ECDH-ES, e.g. the index's encryption key); never both.
   */
  keyType?: DevKeyType;
  /** An EC key for key agreement only (keyUsage keyAgreement, no digitalSignature): the index's ECDH-ES key. */
  keyAgreement?: boolean;
}

export type DevKeyType = 'rsa-2048' | 'ec-p256';

export const DEV_PKI_CRL_URL = 'http://pki.vir.local/issuing-ca.crl';

/** Party certificates are valid this long unless the caller says otherwise. */
export const DEV_PARTY_VALIDITY_DAYS = 2 * 365;

const ORGANISATION = 'VIR ontwikkel-PKI';
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const OIN_PATTERN = /^\d{20}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface IssueOptions {
  /**
   * Issue a second certificate with a new key next to the current one (`<name>.next.*`), for a
   * key rollover: both stay valid until the old one is revoked or expires. See promoteRollover.
   */
  rollover?: boolean;
  /** Default DEV_PARTY_VALIDITY_DAYS. */
  validityDays?: number;
  /** The CA's clock (tests); default now. */
  now?: Date;
}

export interface IssuedCertificate {
  /** The party name (`rvdk`). */
  name: string;
  /** The file stem written: the name, or `<name>.next` for a rollover certificate. */
  stem: string;
  certFile: string;
  keyFile: string;
  certificatePem: string;
  oin: string;
  /** Upper-case hex, as TrustResult.serialNumber and the CRL. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** The serial of the certificate this one replaced (without rollover); it stays valid until revoked. */
  replacedSerialNumber?: string;
}

export interface PartyCertificateFile {
  /** File stem: `rvdk` or `rvdk.next`. */
  stem: string;
  /** The party name: the stem without `.next`. */
  name: string;
  rollover: boolean;
  certFile: string;
  certificatePem: string;
}

function checkSpec(p: DevPartySpec, caller: string): void {
  if (!NAME_PATTERN.test(p.name) || p.name === ROOT_CA || p.name === ISSUING_CA) {
    throw new Error(`${caller}: invalid party name '${p.name}'`);
  }
  if (!OIN_PATTERN.test(p.oin)) throw new Error(`${caller}: party '${p.name}' needs a 20-digit OIN`);
  if (!p.commonName || p.commonName.length > 64) {
    throw new Error(`${caller}: party '${p.name}' needs a commonName of 1-64 characters`);
  }
  if (p.keyType !== undefined && p.keyType !== 'rsa-2048' && p.keyType !== 'ec-p256') {
    throw new Error(`${caller}: party '${p.name}' has an unknown keyType '${String(p.keyType)}'`);
  }
  if (p.keyAgreement && p.keyType !== 'ec-p256') throw new Error(`${caller}: keyAgreement needs keyType 'ec-p256' ('${p.name}')`);
  if (p.keyEncipherment && p.keyType === 'ec-p256') throw new Error(`${caller}: an EC key cannot do keyEncipherment ('${p.name}')`);
}

/**
 * Creates (or completes) the development PKI in `dir`. Idempotent: existing CA and party files
 * are kept and only missing parties are issued. A party whose certificate carries a different
 * OIN than requested is re-issued, so a changed configuration does not leave a stale identity.
 * If the root or issuing CA has to be created, everything below it is re-issued.
 */
export async function createDevPki(dir: string, parties: DevPartySpec[]): Promise<void> {
  for (const p of parties) checkSpec(p, 'createDevPki');
  await fs.mkdir(dir, { recursive: true });
  // Several services may start at once against one shared directory.
  await withLock(dir, async () => {
    const now = Date.now();
    const loadedRoot = await loadIssuer(dir, ROOT_CA);
    const loadedIssuing = loadedRoot && (await loadIssuer(dir, ISSUING_CA));
    const renew = !loadedIssuing; // a new CA invalidates everything issued below it
    const stale: DevPartySpec[] = [];
    for (const party of parties) {
      if (renew || !(await partyIsCurrent(dir, party))) stale.push(party);
    }
    // Start every key generation at once: they run in parallel on the libuv thread pool.
    const rootKey = loadedRoot ? undefined : newKeyPair();
    const issuingKey = loadedIssuing ? undefined : newKeyPair();
    const partyKeys = stale.map((p) => newKeyPair(p.keyType));

    const root = loadedRoot ?? (await issueCa(dir, ROOT_CA, 'VIR Dev Root CA', await rootKey!, undefined, now, 20 * 365));
    const issuing =
      loadedIssuing ?? (await issueCa(dir, ISSUING_CA, 'VIR Dev Issuing CA', await issuingKey!, root, now, 10 * 365));
    for (const [i, party] of stale.entries()) {
      await issueParty(dir, party, party.name, await partyKeys[i], issuing, now, DEV_PARTY_VALIDITY_DAYS);
    }
    // Also refreshes a CRL past half its life, so every start of the dev stack keeps it current.
    await publishCrlLocked(dir, issuing, now);
  });
}

/**
 * Issues a party certificate with a new key under the existing dev CA. Without `rollover` it
 * (re)places `<name>.cert.pem`/`<name>.key.pem`; a replaced certificate stays valid until it is
 * revoked. With `rollover` it writes `<name>.next.*` beside the current one, same OIN.
 */
export async function issuePartyCertificate(
  dir: string,
  spec: DevPartySpec,
  options: IssueOptions = {},
): Promise<IssuedCertificate> {
  checkSpec(spec, 'issuePartyCertificate');
  const days = options.validityDays ?? DEV_PARTY_VALIDITY_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 10 * 365) {
    throw new Error('issuePartyCertificate: validityDays must be a whole number of days, 1-3650');
  }
  const now = (options.now ?? new Date()).getTime();
  if (Number.isNaN(now)) throw new TypeError('issuePartyCertificate: invalid date');
  const keyPair = newKeyPair(spec.keyType); // outside the lock: the slow part
  keyPair.catch(() => undefined); // awaited below; not an unhandled rejection if the lock fails first
  return withLock(dir, async () => {
    const issuer = await requireIssuingCa(dir);
    const current = (await exists(certFile(dir, spec.name))) ? await fs.readFile(certFile(dir, spec.name), 'utf8') : undefined;
    const stem = options.rollover ? `${spec.name}${NEXT_SUFFIX}` : spec.name;
    if (options.rollover) {
      if (!current) throw new Error(`issuePartyCertificate: '${spec.name}' has no certificate to roll over from`);
      if (oinOfCertificate(current) !== spec.oin) {
        throw new Error(`issuePartyCertificate: a rollover keeps the OIN of '${spec.name}' (${oinOfCertificate(current)})`);
      }
      if (await exists(certFile(dir, stem))) {
        throw new Error(`issuePartyCertificate: '${spec.name}' has a rollover certificate already; promote or revoke it first`);
      }
    }
    const pem = await issueParty(dir, spec, stem, await keyPair, issuer, now, days);
    const cert = new X509Certificate(pem);
    return {
      name: spec.name,
      stem,
      certFile: certFile(dir, stem),
      keyFile: keyFile(dir, stem),
      certificatePem: pem,
      oin: spec.oin,
      serialNumber: normalizeSerial(cert.serialNumber),
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
      ...(current && !options.rollover ? { replacedSerialNumber: normalizeSerial(new X509Certificate(current).serialNumber) } : {}),
    };
  });
}

/**
 * Ends a rollover: `<name>.next.*` becomes `<name>.*`. Returns the serial of the certificate it
 * replaced, which stays valid until revoked (usually with reason `superseded`).
 */
export async function promoteRollover(dir: string, name: string): Promise<{ serialNumber: string; previousSerialNumber?: string }> {
  if (!NAME_PATTERN.test(name)) throw new Error(`promoteRollover: invalid party name '${name}'`);
  return withLock(dir, async () => {
    const next = `${name}${NEXT_SUFFIX}`;
    if (!(await exists(certFile(dir, next))) || !(await exists(keyFile(dir, next)))) {
      throw new Error(`promoteRollover: '${name}' has no rollover certificate`);
    }
    const serialOf = async (stem: string) =>
      normalizeSerial(new X509Certificate(await fs.readFile(certFile(dir, stem), 'utf8')).serialNumber);
    const previousSerialNumber = (await exists(certFile(dir, name))) ? await serialOf(name) : undefined;
    const serialNumber = await serialOf(next);
    // Key first: a reader that sees the new certificate also finds its key.
    await fs.rename(keyFile(dir, next), keyFile(dir, name));
    await fs.rename(certFile(dir, next), certFile(dir, name));
    return { serialNumber, ...(previousSerialNumber ? { previousSerialNumber } : {}) };
  });
}

/** Every party certificate file in a dev PKI directory (current and rollover), by file stem. */
export function listPartyCertificates(dir: string): PartyCertificateFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.cert.pem'))
    .map((file) => file.slice(0, -'.cert.pem'.length))
    .filter((stem) => stem !== ROOT_CA && stem !== ISSUING_CA)
    .sort()
    .map((stem) => {
      const rollover = stem.endsWith(NEXT_SUFFIX);
      return {
        stem,
        name: rollover ? stem.slice(0, -NEXT_SUFFIX.length) : stem,
        rollover,
        certFile: certFile(dir, stem),
        certificatePem: readFileSync(certFile(dir, stem), 'utf8'),
      };
    });
}

async function partyIsCurrent(dir: string, party: DevPartySpec): Promise<boolean> {
  if (!(await exists(keyFile(dir, party.name))) || !(await exists(certFile(dir, party.name)))) return false;
  const pem = await fs.readFile(certFile(dir, party.name), 'utf8');
  if (oinOfCertificate(pem) !== party.oin) return false; // also for an unreadable file
  // A changed key type (e.g. an RSA index certificate where EC is now asked for) is re-issued too,
  // and so is an EC certificate whose use (signing or key agreement) changed.
  const cert = new X509Certificate(pem);
  const keyType = cert.publicKey.asymmetricKeyType === 'ec' ? 'ec-p256' : 'rsa-2048';
  if (keyType !== (party.keyType ?? 'rsa-2048')) return false;
  return keyType !== 'ec-p256' || readCertificateFields(cert.raw).keyUsage?.keyAgreement === (party.keyAgreement === true);
}

interface KeyPair {
  privateKey: KeyObject;
  /** forge handles RSA keys only; an EC key travels as its SPKI DER, put into the TBS as is. */
  publicKey: forge.pki.PublicKey | { spkiDer: Buffer };
}

const generateKeyPairAsync = promisify(generateKeyPair);

async function newKeyPair(keyType: DevKeyType = 'rsa-2048'): Promise<KeyPair> {
  if (keyType === 'ec-p256') {
    const { privateKey, publicKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
    return { privateKey, publicKey: { spkiDer: publicKey.export({ type: 'spki', format: 'der' }) } };
  }
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKey: forge.pki.publicKeyFromPem(spki) };
}

function isSpki(key: KeyPair['publicKey']): key is { spkiDer: Buffer } {
  return (key as { spkiDer?: Buffer }).spkiDer !== undefined;
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

/**
 * Signs with node:crypto instead of forge's `cert.sign` (which does RSA in JavaScript). With
 * `spkiDer` the TBS gets that SubjectPublicKeyInfo instead of forge's (forge knows only RSA keys).
 */
function signCertificate(cert: forge.pki.Certificate, issuerKey: KeyObject, spkiDer?: Buffer): string {
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  // getTBSCertificate exists in node-forge but is missing from @types/node-forge.
  const { getTBSCertificate } = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  cert.tbsCertificate = getTBSCertificate(cert);
  if (spkiDer) {
    // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, …
    (cert.tbsCertificate.value as forge.asn1.Asn1[])[6] = forge.asn1.fromDer(spkiDer.toString('binary'));
  }
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
  if (isSpki(publicKey)) throw new Error('dev PKI: CA keys are RSA');
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
  return { key: privateKey, cert, x509: new X509Certificate(pem) };
}

async function issueParty(
  dir: string,
  party: DevPartySpec,
  stem: string,
  { privateKey, publicKey }: KeyPair,
  issuer: Issuer,
  now: number,
  days: number,
): Promise<string> {
  const spkiDer = isSpki(publicKey) ? publicKey.spkiDer : undefined;
  // For an EC key, forge gets the issuer's RSA key as a stand-in; signCertificate puts the real SPKI in.
  const cert = newCertificate(spkiDer ? issuer.cert.publicKey : (publicKey as forge.pki.PublicKey), now, days);
  cert.setSubject([
    { shortName: 'C', value: 'NL' },
    { shortName: 'O', value: party.commonName },
    { name: 'serialNumber', value: party.oin },
    { shortName: 'CN', value: party.commonName },
  ]);
  cert.setIssuer(issuer.cert.subject.attributes);
  // An encryption-only EC key (ECDH-ES) never signs: no digitalSignature and no TLS use. Every
  // other leaf (RSA, or EC for ECDSA signatures) signs.
  const agreementOnly = spkiDer !== undefined && party.keyAgreement === true;
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    agreementOnly
      ? { name: 'keyUsage', keyAgreement: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: party.keyEncipherment === true, critical: true },
    ...(agreementOnly ? [] : [{ name: 'extKeyUsage', serverAuth: true, clientAuth: true }]),
    // Lets the same certificate serve mTLS between dev containers named after the party.
    { name: 'subjectAltName', altNames: [{ type: 2, value: party.name }, { type: 2, value: 'localhost' }] },
    spkiDer ? { name: 'subjectKeyIdentifier', value: subjectKeyIdentifierOf(spkiDer) } : { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId(issuer.cert) },
    { name: 'cRLDistributionPoints', altNames: [{ type: 6, value: DEV_PKI_CRL_URL }] },
  ]);
  const pem = signCertificate(cert, issuer.key, spkiDer);
  await writeKeyAndCert(dir, stem, privateKey, pem);
  return pem;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value, as an OCTET STRING. */
function subjectKeyIdentifierOf(spkiDer: Buffer): forge.asn1.Asn1 {
  const spki = forge.asn1.fromDer(spkiDer.toString('binary'));
  const bitString = (spki.value as forge.asn1.Asn1[])[1].value as string; // leading unused-bits octet
  const ski = createHash('sha1').update(Buffer.from(bitString.slice(1), 'binary')).digest();
  return forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, false, ski.toString('binary'));
}

async function writeKeyAndCert(dir: string, name: string, key: KeyObject, certPem: string): Promise<void> {
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeAtomically(keyFile(dir, name), keyPem, 0o600);
  await writeAtomically(certFile(dir, name), certPem, 0o644);
}
