import type { TrustErrorCode } from '@vir/pki';

/**
 * The categories of refusal: `XmlMessageError.code`. Stable since v1 of this lib (callers map
 * them exhaustively); each one is refined by a `detailCode` below.
 */
export const XML_ERROR_CODES = [
  'XML_TOO_LARGE',
  'XML_DOCTYPE_FORBIDDEN',
  'XML_MALFORMED',
  'XML_WRONG_NAMESPACE',
  'XML_SCHEMA_VIOLATION',
  'SIGNATURE_MISSING',
  'SIGNATURE_INVALID',
  'SIGNATURE_WRAPPING',
  'CERT_UNTRUSTED',
  'OIN_MISMATCH',
  'DECRYPTION_FAILED',
] as const;
export type XmlErrorCode = (typeof XML_ERROR_CODES)[number];

/**
 * One distinct, documented code per reason of refusal (`XmlMessageError.detailCode`), with the
 * category it belongs to. Certificate refusals carry the TrustStore's own code (CERT_EXPIRED,
 * CERT_REVOKED, …; see XML_CERT_DETAIL): whatever codes @vir/pki adds surface unchanged.
 * The README's table lists the same codes; a spec keeps them in step.
 */
export const XML_DETAIL_CODES = {
  XML_TOO_LARGE: { category: 'XML_TOO_LARGE', description: 'The document exceeds the size limit (64 KiB by default), counted in UTF-8 bytes before parsing.' },
  XML_MALFORMED: { category: 'XML_MALFORMED', description: 'Not well-formed XML 1.0 / Namespaces 1.0, or not UTF-8.' },
  XML_DOCTYPE_FORBIDDEN: { category: 'XML_DOCTYPE_FORBIDDEN', description: 'A DOCTYPE or other markup declaration (no DTD is ever processed).' },
  XML_EXTERNAL_ENTITY: { category: 'XML_DOCTYPE_FORBIDDEN', description: 'An external entity or external DTD (SYSTEM/PUBLIC identifier): XXE.' },
  XML_ENTITY_EXPANSION: { category: 'XML_DOCTYPE_FORBIDDEN', description: 'An internal entity declaration (entity expansion, "billion laughs").' },
  XML_WRONG_NAMESPACE: { category: 'XML_WRONG_NAMESPACE', description: 'The root or one of our elements is not in urn:nl:vir:berichten:v1.' },
  XML_WRONG_VERSION: { category: 'XML_WRONG_NAMESPACE', description: 'The root is in urn:nl:vir:berichten:vN for a version N this lib does not speak.' },
  XML_WRONG_MESSAGE_TYPE: { category: 'XML_SCHEMA_VIOLATION', description: 'A valid national message, but not the kind the endpoint/function expects.' },
  XML_SCHEMA_VIOLATION: { category: 'XML_SCHEMA_VIOLATION', description: 'The document is not valid against schemas/vir-berichten-v1.xsd (or a rule the XSD states in prose).' },
  BSN_INVALID: { category: 'XML_SCHEMA_VIOLATION', description: 'A decrypted BSN fails the 11-proef (only with openMelding({ checkBsn: true })).' },
  SIGNATURE_MISSING: { category: 'SIGNATURE_MISSING', description: 'The message carries no ds:Signature.' },
  SIGNATURE_UNSUPPORTED: { category: 'SIGNATURE_INVALID', description: 'The signature uses an algorithm, transform or form we do not accept (e.g. rsa-sha1, InclusiveNamespaces, a certificate key other than RSA or EC P-256).' },
  SIGNATURE_VALUE_INVALID: { category: 'SIGNATURE_INVALID', description: "The SignatureValue does not verify with the certificate's key (forged, signed with another key, or a SignatureMethod of another key type than the certificate's)." },
  SIGNATURE_DIGEST_MISMATCH: { category: 'SIGNATURE_INVALID', description: 'The signed content was altered after signing: the reference digest differs.' },
  SIGNATURE_WRAPPING: { category: 'SIGNATURE_WRAPPING', description: 'Signature wrapping: a second Signature/Reference, a Reference URI other than "", a ds:Object, or content outside what is signed.' },
  CERT_MISSING: { category: 'CERT_UNTRUSTED', description: 'KeyInfo does not hold exactly one X509Data/X509Certificate.' },
  OIN_MISMATCH: { category: 'OIN_MISMATCH', description: "AfzenderOin differs from the OIN in the signer's certificate." },
  DECRYPTION_FAILED: { category: 'DECRYPTION_FAILED', description: 'An EncryptedKey or EncryptedData cannot be decrypted with our key (or fails authentication).' },
} as const satisfies Record<string, { category: XmlErrorCode; description: string }>;

/** A detail code: ours, a TrustStore code (category CERT_UNTRUSTED), or a bare category. */
export type XmlDetailCode = keyof typeof XML_DETAIL_CODES | TrustErrorCode | XmlErrorCode;

/**
 * Every refusal of @vir/xml. `code` is the category, `detailCode` the precise reason (answer
 * with that one), `certCode` the TrustStore's code when the certificate was refused.
 * Messages are meant for a supplier's developer and are never built from element content, so
 * they cannot carry a BSN.
 */
export class XmlMessageError extends Error {
  readonly detailCode: XmlDetailCode;

  constructor(
    readonly code: XmlErrorCode,
    message: string,
    detailCode?: XmlDetailCode,
    readonly certCode?: TrustErrorCode,
  ) {
    super(message);
    this.name = 'XmlMessageError';
    this.detailCode = detailCode ?? code;
  }
}

/** An error with its category looked up from the detail code. */
export function xmlError(detailCode: keyof typeof XML_DETAIL_CODES, message: string): XmlMessageError {
  return new XmlMessageError(XML_DETAIL_CODES[detailCode].category, message, detailCode);
}

/** A certificate refusal, with the TrustStore's code as detail and certCode. */
export function certError(trustCode: TrustErrorCode, message: string): XmlMessageError {
  return new XmlMessageError('CERT_UNTRUSTED', `${trustCode}: ${message}`, trustCode, trustCode);
}
