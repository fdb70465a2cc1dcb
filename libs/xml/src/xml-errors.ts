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
 * Every refusal of @vir/xml. Messages are meant for a supplier's developer and are never built
 * from element content, so they cannot carry a BSN.
 */
export class XmlMessageError extends Error {
  constructor(
    readonly code: XmlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'XmlMessageError';
  }
}
