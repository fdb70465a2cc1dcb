import { webcrypto, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { subjectDerOf } from './certificate-reader';
import { crlIssuedBy, crlReasonCode, readCrl, REVOCATION_REASONS, splitCrls, type CrlInfo, type RevocationReason } from './crl-reader';
import { normalizeSerial } from './der-reader';
import { crlFile, crlStateFile, exists, requireIssuingCa, withLock, writeAtomically, type Issuer } from './dev-pki-files';
import { AuthorityKeyIdentifierExtension, Extension, Name, X509CrlGenerator } from './peculiar-x509';

// The development issuing CA's revocation list. The CA keeps its own record (a small JSON file:
// revoked serials and the last CRL number) and derives the signed CRL from it, so a lost or
// damaged CRL file is simply published again with the next number.

/** How long a published dev CRL is valid; it is re-published once less than half is left. */
export const DEV_CRL_VALIDITY_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const OID_CRL_NUMBER = '2.5.29.20';
const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

interface RevokedRecord {
  serialNumber: string;
  revocationDate: string;
  reason: RevocationReason;
  /** For people reading the file; the CRL itself lists serials only. */
  subject?: string;
}

interface CrlState {
  /** The CA this record belongs to: a new CA starts a new record. */
  issuerFingerprint256: string;
  crlNumber: number;
  revoked: RevokedRecord[];
}

export interface RevocationOutcome {
  serialNumber: string;
  revocationDate: Date;
  reason: RevocationReason;
  /** The serial was on the CRL already; the first revocation stands. */
  alreadyRevoked: boolean;
  crlNumber: bigint;
  crlPem: string;
}

export interface CrlOptions {
  /** The CA's clock (tests); default now. */
  now?: Date;
}

/**
 * The issuing CA's current CRL (PEM). Publishes a new one when there is none, when it is past half
 * its validity, or when it no longer matches the CA or its record (e.g. after a new CA was made).
 */
export async function currentCrl(dir: string, options: CrlOptions = {}): Promise<string> {
  const now = timeOf(options.now);
  return withLock(dir, async () => (await publishCrlLocked(dir, await requireIssuingCa(dir), now)).pem);
}

/**
 * Revokes a certificate of the dev issuing CA and publishes a new CRL. Takes the certificate (PEM;
 * it must be one this CA issued) or its serial number in any usual spelling (`4A01…`, `4a:01:…`).
 */
export async function revokeCertificate(
  dir: string,
  serialOrCertPem: string,
  reason: RevocationReason = 'unspecified',
  options: CrlOptions = {},
): Promise<RevocationOutcome> {
  if (!REVOCATION_REASONS.includes(reason)) throw new Error(`revokeCertificate: unknown reason '${reason}'`);
  const now = timeOf(options.now);
  return withLock(dir, async () => {
    const issuer = await requireIssuingCa(dir);
    let serialNumber: string;
    let subject: string | undefined;
    if (serialOrCertPem.includes('-----BEGIN CERTIFICATE-----')) {
      const cert = new X509Certificate(serialOrCertPem);
      if (!cert.checkIssued(issuer.x509) || !cert.verify(issuer.x509.publicKey)) {
        throw new Error('revokeCertificate: the certificate was not issued by this CA');
      }
      serialNumber = normalizeSerial(cert.serialNumber);
      subject = cert.subject.split('\n').join(', ');
    } else {
      try {
        serialNumber = normalizeSerial(serialOrCertPem);
      } catch {
        throw new Error('revokeCertificate: expected a certificate (PEM) or a hexadecimal serial number');
      }
    }
    let record: RevokedRecord | undefined;
    const published = await publishCrlLocked(dir, issuer, now, (state) => {
      record = state.revoked.find((r) => r.serialNumber === serialNumber);
      if (record) return false;
      record = { serialNumber, revocationDate: new Date(now).toISOString(), reason, ...(subject ? { subject } : {}) };
      state.revoked.push(record);
      return true;
    });
    return {
      serialNumber,
      revocationDate: new Date(record!.revocationDate),
      reason: record!.reason,
      alreadyRevoked: !published.changed,
      crlNumber: published.info.crlNumber!,
      crlPem: published.pem,
    };
  });
}

/**
 * Under the directory lock: brings the CRL up to date for `issuer`, after applying `change` to the
 * CA's record (which returns whether it changed anything). Used by createDevPki as well.
 */
export async function publishCrlLocked(
  dir: string,
  issuer: Issuer,
  now: number,
  change?: (state: CrlState) => boolean,
): Promise<{ pem: string; info: CrlInfo; changed: boolean }> {
  let state = await readState(dir);
  if (!state || state.issuerFingerprint256 !== issuer.x509.fingerprint256) {
    state = { issuerFingerprint256: issuer.x509.fingerprint256, crlNumber: 0, revoked: [] };
  }
  const changed = change ? change(state) : false;
  const existing = changed ? undefined : await readCurrent(dir, issuer, state, now);
  if (existing) return { ...existing, changed };

  state.crlNumber += 1;
  // The record first: a crash before the CRL is written makes the next run publish a higher number.
  await writeAtomically(crlStateFile(dir), `${JSON.stringify(state, null, 2)}\n`, 0o644);
  const pem = await signCrl(issuer, state, now);
  await writeAtomically(crlFile(dir), pem, 0o644);
  return { pem, info: readCrl(splitCrls(pem)[0]), changed };
}

function timeOf(date: Date | undefined): number {
  const time = (date ?? new Date()).getTime();
  if (Number.isNaN(time)) throw new TypeError('invalid date');
  return time;
}

async function readState(dir: string): Promise<CrlState | undefined> {
  if (!(await exists(crlStateFile(dir)))) return undefined;
  try {
    const state = JSON.parse(await fs.readFile(crlStateFile(dir), 'utf8')) as CrlState;
    const valid =
      typeof state.issuerFingerprint256 === 'string' &&
      Number.isSafeInteger(state.crlNumber) &&
      Array.isArray(state.revoked) &&
      state.revoked.every((r) => typeof r.serialNumber === 'string' && REVOCATION_REASONS.includes(r.reason));
    if (valid) return state;
  } catch {
    // fall through
  }
  // Never silently forget revocations: a damaged record needs a person.
  throw new Error(`${crlStateFile(dir)} is damaged; fix or remove it (removing it un-revokes everything)`);
}

/** The CRL on disk if it is this CA's, matches the record, and has more than half its life left. */
async function readCurrent(
  dir: string,
  issuer: Issuer,
  state: CrlState,
  now: number,
): Promise<{ pem: string; info: CrlInfo } | undefined> {
  if (!(await exists(crlFile(dir)))) return undefined;
  const pem = await fs.readFile(crlFile(dir), 'utf8');
  let info: CrlInfo;
  try {
    info = readCrl(splitCrls(pem)[0]);
  } catch {
    return undefined;
  }
  const halfLife = (DEV_CRL_VALIDITY_DAYS * DAY_MS) / 2;
  const current =
    crlIssuedBy(info, issuer.x509, true) &&
    info.crlNumber === BigInt(state.crlNumber) &&
    info.entries.length === state.revoked.length &&
    info.thisUpdate.getTime() <= now + CLOCK_SKEW_MS &&
    info.nextUpdate !== undefined &&
    info.nextUpdate.getTime() - now > halfLife;
  return current ? { pem, info } : undefined;
}

async function signCrl(issuer: Issuer, state: CrlState, now: number): Promise<string> {
  // @peculiar/x509 signs through WebCrypto: the CA's node:crypto key, imported for this one use.
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    issuer.key.export({ type: 'pkcs8', format: 'der' }),
    SIGNING,
    false,
    ['sign'],
  );
  const ski = issuer.cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  const crl = await X509CrlGenerator.create(
    {
      // The CA's subject as it is in its certificate: verifiers compare the names byte for byte.
      issuer: new Name(subjectDerOf(issuer.x509.raw)),
      thisUpdate: new Date(now - CLOCK_SKEW_MS),
      nextUpdate: new Date(now + DEV_CRL_VALIDITY_DAYS * DAY_MS),
      signingAlgorithm: SIGNING,
      signingKey,
      extensions: [
        new AuthorityKeyIdentifierExtension(ski?.subjectKeyIdentifier ?? issuer.cert.generateSubjectKeyIdentifier().toHex()),
        new Extension(OID_CRL_NUMBER, false, derInteger(state.crlNumber)),
      ],
      entries: state.revoked.map((r) => ({
        serialNumber: positiveHex(r.serialNumber),
        revocationDate: new Date(r.revocationDate),
        // RFC 5280: reasonCode unspecified SHOULD be absent.
        ...(r.reason === 'unspecified' ? {} : { reason: crlReasonCode(r.reason) }),
      })),
    },
    webcrypto as unknown as Parameters<typeof X509CrlGenerator.create>[1],
  );
  // RFC 7468's label (`X509 CRL`, which openssl requires); @peculiar/x509 writes `CRL`.
  const base64 = Buffer.from(crl.rawData).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return `-----BEGIN X509 CRL-----\n${base64}-----END X509 CRL-----\n`;
}

/** DER INTEGER of a non-negative safe integer (at most 8 octets: the short length form suffices). */
function derInteger(value: number): Uint8Array {
  const hex = positiveHex(value.toString(16));
  return Uint8Array.from(Buffer.from(`02${(hex.length / 2).toString(16).padStart(2, '0')}${hex}`, 'hex'));
}

/** Even-length hex whose first octet has the sign bit clear (an INTEGER must stay positive). */
function positiveHex(hex: string): string {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return parseInt(even.slice(0, 2), 16) >= 0x80 ? `00${even}` : even;
}
