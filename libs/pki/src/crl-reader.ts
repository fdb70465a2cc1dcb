import { verify as verifySignature, type X509Certificate } from 'node:crypto';
import { subjectDerOf } from './certificate-reader';
import { children, decodeOid, integerHex, normalizeSerial, readRoot, readTlv, whole } from './der-reader';
import { X509Crl, X509CrlReason } from './peculiar-x509';

// CRLs are parsed with @peculiar/x509 (dates, entries, extensions). The signed bytes, the issuer
// Name and the signature are taken from the DER as it is, so the signature is checked over
// exactly what the CA signed, synchronously with node:crypto.

export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface CrlEntry {
  /** Upper-case hex without leading zeros, as `TrustResult.serialNumber`. */
  serialNumber: string;
  revocationDate: Date;
  /** Absent when the CRL entry has no reasonCode (RFC 5280: then it is `unspecified`). */
  reason?: RevocationReason;
}

export interface CrlInfo {
  der: Buffer;
  /** One line, e.g. `C=NL, O=VIR ontwikkel-PKI, CN=VIR Dev Issuing CA`. */
  issuer: string;
  issuerDer: Buffer;
  thisUpdate: Date;
  /** Absent in a CRL without nextUpdate (allowed, never stale). */
  nextUpdate?: Date;
  crlNumber?: bigint;
  entries: CrlEntry[];
  /** What the signature covers (tbsCertList, as found in the DER). */
  tbsDer: Buffer;
  signatureAlgorithm: string;
  signature: Buffer;
}

const OID_CRL_NUMBER = '2.5.29.20';
// RFC 7468 says `X509 CRL`; some tools (@peculiar/x509 among them) write `CRL`.
const PEM_CRL = /-----BEGIN (?:X509 )?CRL-----[^-]+-----END (?:X509 )?CRL-----/g;
const HASH_OF_SIGNATURE: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const REASON_NAMES: Partial<Record<number, RevocationReason>> = {
  [X509CrlReason.unspecified]: 'unspecified',
  [X509CrlReason.keyCompromise]: 'keyCompromise',
  [X509CrlReason.cACompromise]: 'cACompromise',
  [X509CrlReason.affiliationChanged]: 'affiliationChanged',
  [X509CrlReason.superseded]: 'superseded',
  [X509CrlReason.cessationOfOperation]: 'cessationOfOperation',
  [X509CrlReason.certificateHold]: 'certificateHold',
  [X509CrlReason.privilegeWithdrawn]: 'privilegeWithdrawn',
  [X509CrlReason.aACompromise]: 'aACompromise',
};

/** The reason code as X509CrlReason, for writing CRLs. */
export function crlReasonCode(reason: RevocationReason): X509CrlReason {
  return X509CrlReason[reason];
}

/** Every CRL in the input: PEM text may hold several; bytes are one DER CRL. */
export function splitCrls(input: string | Uint8Array): Buffer[] {
  if (typeof input !== 'string') return [Buffer.from(input)];
  const pems = input.match(PEM_CRL);
  if (!pems) throw new Error('no -----BEGIN X509 CRL----- block found');
  return pems.map((pem) => Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----|\s+/g, ''), 'base64'));
}

/** Parses one DER CRL. Throws on anything malformed; does not check the signature. */
export function readCrl(der: Uint8Array): CrlInfo {
  const buffer = Buffer.from(der);
  // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
  const root = readRoot(buffer);
  const [tbs, algorithm, signatureBits, ...rest] = children(buffer, root);
  if (tbs?.tag !== 0x30 || algorithm?.tag !== 0x30 || signatureBits?.tag !== 0x03 || rest.length > 0) {
    throw new RangeError('not a CRL');
  }
  const oid = readTlv(buffer, algorithm.start, algorithm.end);
  if (oid.tag !== 0x06) throw new RangeError('CRL signature algorithm missing');
  // tbsCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature, issuer Name, thisUpdate, … }
  const tbsParts = children(buffer, tbs);
  const issuer = tbsParts[tbsParts[0]?.tag === 0x02 ? 2 : 1];
  if (issuer?.tag !== 0x30) throw new RangeError('CRL issuer missing');

  // asn1js caps a parse at 10,000 nodes by default, i.e. about 2,000 CRL entries; a national CA's
  // CRL is larger. Every node takes at least two octets, so the input size bounds the work anyway.
  const crl = new X509Crl(buffer, { berOptions: { maxNodes: Math.max(10_000, buffer.length) } });
  const numberExtension = crl.getExtension(OID_CRL_NUMBER);
  let crlNumber: bigint | undefined;
  if (numberExtension) {
    const value = new Uint8Array(numberExtension.value);
    crlNumber = BigInt(`0x${integerHex(value, readRoot(value))}`);
  }
  return {
    der: buffer,
    issuer: crl.issuer,
    issuerDer: whole(buffer, issuer),
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    crlNumber,
    entries: crl.entries.map((entry) => ({
      serialNumber: normalizeSerial(entry.serialNumber),
      revocationDate: entry.revocationDate,
      ...(entry.reason !== undefined && REASON_NAMES[entry.reason] ? { reason: REASON_NAMES[entry.reason] } : {}),
    })),
    tbsDer: whole(buffer, tbs),
    signatureAlgorithm: decodeOid(buffer, oid),
    // The first octet of a BIT STRING counts unused bits (0 for signatures).
    signature: buffer.subarray(signatureBits.start + 1, signatureBits.end),
  };
}

/** True when `ca` issued the CRL: same Name, a key usage that allows it, a valid signature. */
export function crlIssuedBy(crl: CrlInfo, ca: X509Certificate, caAllowsCrlSign: boolean): boolean {
  const hash = HASH_OF_SIGNATURE[crl.signatureAlgorithm];
  if (!hash || !caAllowsCrlSign || !crl.issuerDer.equals(subjectDerOf(ca.raw))) return false;
  try {
    return verifySignature(hash, crl.tbsDer, ca.publicKey, crl.signature);
  } catch {
    return false;
  }
}
