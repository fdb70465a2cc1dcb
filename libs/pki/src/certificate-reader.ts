import { X509Certificate } from 'node:crypto';
import { children, decodeOid, readTlv, whole, type Tlv } from './der-reader';

// node:crypto's X509Certificate exposes neither keyUsage (its `keyUsage` is the *extended* key
// usage) nor single subject attributes, and node-forge is far too slow for a per-message path.
// A certificate is plain DER, so the few fields we need are read here with a tiny TLV walker.

const OIN_PATTERN = /^\d{20}$/;
const OID_KEY_USAGE = '2.5.29.15';
const OID_SERIAL_NUMBER = '2.5.4.5';

export interface KeyUsageFlags {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  dataEncipherment: boolean;
  /** ECDH key agreement (e.g. the index's EC encryption key for ECDH-ES). */
  keyAgreement: boolean;
  keyCertSign: boolean;
  cRLSign: boolean;
}

/** The fields of a certificate that node:crypto does not give us. */
export interface CertificateFields {
  /** undefined when the certificate has no keyUsage extension. */
  keyUsage?: KeyUsageFlags;
  /** All subject serialNumber (2.5.4.5) values, in order. */
  subjectSerialNumbers: string[];
}

/** The tbsCertificate's elements, and where the subject is. */
function tbsParts(der: Uint8Array): { parts: Tlv[]; subject: Tlv } {
  const cert = readTlv(der, 0, der.length);
  const tbs = children(der, cert)[0];
  if (!tbs || tbs.tag !== 0x30) throw new RangeError('not a certificate');
  const parts = children(der, tbs);
  // tbsCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, [1]?, [2]?, [3] extensions?
  const base = parts[0]?.tag === 0xa0 ? 1 : 0;
  const subject = parts[base + 4];
  if (!subject || subject.tag !== 0x30) throw new RangeError('certificate subject missing');
  return { parts, subject };
}

/** The subject Name as DER: what a CRL's issuer field must equal byte for byte. */
export function subjectDerOf(der: Uint8Array): Buffer {
  return whole(der, tbsParts(der).subject);
}

/** Reads keyUsage and subject serialNumber from DER. Throws RangeError on malformed DER. */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  const { parts, subject } = tbsParts(der);

  const subjectSerialNumbers: string[] = [];
  for (const rdn of children(der, subject)) {
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      if (type?.tag === 0x06 && value && decodeOid(der, type) === OID_SERIAL_NUMBER) {
        subjectSerialNumbers.push(Buffer.from(der.subarray(value.start, value.end)).toString('utf8'));
      }
    }
  }

  let keyUsage: KeyUsageFlags | undefined;
  const extensionsWrapper = parts.find((p) => p.tag === 0xa3);
  if (extensionsWrapper) {
    const extensions = children(der, extensionsWrapper)[0];
    for (const ext of extensions ? children(der, extensions) : []) {
      const fields = children(der, ext);
      if (fields[0]?.tag !== 0x06 || decodeOid(der, fields[0]) !== OID_KEY_USAGE) continue;
      const octets = fields[fields.length - 1];
      const bitString = readTlv(der, octets.start, octets.end);
      if (bitString.tag !== 0x03) throw new RangeError('keyUsage is not a BIT STRING');
      const b0 = bitString.end - bitString.start > 1 ? der[bitString.start + 1] : 0;
      keyUsage = {
        digitalSignature: (b0 & 0x80) !== 0,
        nonRepudiation: (b0 & 0x40) !== 0,
        keyEncipherment: (b0 & 0x20) !== 0,
        dataEncipherment: (b0 & 0x10) !== 0,
        keyAgreement: (b0 & 0x08) !== 0,
        keyCertSign: (b0 & 0x04) !== 0,
        cRLSign: (b0 & 0x02) !== 0,
      };
    }
  }
  return { keyUsage, subjectSerialNumbers };
}

/** The OIN from fields already read: exactly one 20-digit subject serialNumber. */
export function oinOfFields(fields: CertificateFields): string | undefined {
  const oins = fields.subjectSerialNumbers.filter((s) => OIN_PATTERN.test(s));
  return oins.length === 1 ? oins[0] : undefined;
}

/** The 20-digit OIN in the subject serialNumber, or undefined (also for unreadable input). */
export function oinOfCertificate(pem: string): string | undefined {
  try {
    return oinOfFields(readCertificateFields(new X509Certificate(pem).raw));
  } catch {
    return undefined;
  }
}
