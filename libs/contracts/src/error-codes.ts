// The documented rejection codes. Every refusal anywhere in the system carries one of these;
// a unit test keeps the README's table equal to this list, so docs and code cannot drift.
export interface ErrorCodeSpec {
  status: number;
  description: string;
}

export const ERROR_CODES = {
  MALFORMED_JSON: { status: 400, description: 'The body is not valid JSON.' },
  VALIDATION_FAILED: { status: 400, description: 'A field is missing or malformed; `details` lists each one.' },
  BSN_INVALID: { status: 422, description: 'A BSN fails the 11-proef.' },
  AGE_LIMIT: { status: 422, description: 'The young person is 23 or older on the melding date.' },
  DATE_IN_FUTURE: { status: 422, description: 'The melding date or birth date lies in the future.' },
  BIRTH_AFTER_MELDING: { status: 422, description: 'The birth date lies after the melding date.' },
  UNKNOWN_PARTY: { status: 401, description: "The client certificate's OIN is not a registered party." },
  // Mutual TLS: the client certificate is the only credential a party has.
  CLIENT_CERT_MISSING: { status: 401, description: 'No client certificate: connect over HTTPS to the party port with your certificate.' },
  CLIENT_CERT_UNTRUSTED: { status: 401, description: 'The client certificate is not trusted (unknown CA, expired, not yet valid, key usage, no OIN); `details` names the reason.' },
  CLIENT_CERT_REVOKED: { status: 401, description: 'The client certificate is revoked (CRL).' },
  CLIENT_CERT_NOT_REGISTERED: { status: 401, description: "The client certificate is trusted and carries the party's OIN, but is not one of the party's registered certificates (fingerprints)." },
  PARTY_SUSPENDED: { status: 403, description: 'The party is suspended: nothing is accepted from it, and its signals wait, until an operator resumes it.' },
  RATE_LIMITED: { status: 429, description: "More requests than the party's rate limit allows; retry after Retry-After." },
  WRONG_CHANNEL: { status: 403, description: 'The party may not use this endpoint (regional JSON vs direct XML).' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body exceeds the size limit.' },
  BATCH_TOO_LARGE: { status: 413, description: 'The batch holds more meldingen than the limit (BATCH_MAX_ITEMS); nothing in it was accepted.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'Wrong Content-Type for this endpoint.' },
  // Signed XML (direct parties): one code per reason, as @vir/xml and the trust store report it.
  XML_MALFORMED: { status: 400, description: 'Not well-formed XML 1.0 with namespaces, or not UTF-8.' },
  XML_DOCTYPE_FORBIDDEN: { status: 400, description: 'A DOCTYPE or other markup declaration; no DTD is ever processed.' },
  XML_EXTERNAL_ENTITY: { status: 400, description: 'An external entity or external DTD (XXE).' },
  XML_ENTITY_EXPANSION: { status: 400, description: 'An internal entity declaration (entity expansion, "billion laughs").' },
  XML_WRONG_NAMESPACE: { status: 400, description: 'The message is not in namespace urn:nl:vir:berichten:v1.' },
  XML_WRONG_VERSION: { status: 400, description: 'The message is in a version of the namespace we do not speak.' },
  XML_WRONG_MESSAGE_TYPE: { status: 400, description: 'A valid national message, but not the kind this endpoint takes.' },
  XML_SCHEMA_VIOLATION: { status: 400, description: 'The message is not valid against schemas/vir-berichten-v1.xsd.' },
  SIGNATURE_MISSING: { status: 400, description: 'The message carries no signature.' },
  SIGNATURE_UNSUPPORTED: { status: 400, description: 'The signature uses an algorithm, transform or form we do not accept.' },
  SIGNATURE_VALUE_INVALID: { status: 400, description: "The signature value does not verify with the signer's certificate." },
  SIGNATURE_DIGEST_MISMATCH: { status: 400, description: 'The content was altered after signing.' },
  SIGNATURE_INVALID: { status: 400, description: 'The signature is invalid for another reason; the message says which.' },
  SIGNATURE_WRAPPING: { status: 400, description: 'Signature wrapping: a second signature or reference, a reference other than the whole document, or unsigned content.' },
  CERT_MISSING: { status: 400, description: 'The signature does not carry exactly one signer certificate.' },
  CERT_UNTRUSTED: { status: 400, description: "The signer's certificate is not trusted for another reason; the message says which." },
  CERT_MALFORMED: { status: 400, description: "The signer's certificate cannot be parsed." },
  CERT_UNKNOWN_CA: { status: 400, description: "The signer's certificate does not chain to our trusted CAs." },
  CERT_EXPIRED: { status: 400, description: "The signer's certificate (or a CA above it) has expired." },
  CERT_NOT_YET_VALID: { status: 400, description: "The signer's certificate (or a CA above it) is not valid yet." },
  CERT_REVOKED: { status: 400, description: "The signer's certificate is revoked (CRL)." },
  CERT_KEY_USAGE: { status: 400, description: "The signer's certificate does not allow digitalSignature." },
  CERT_NO_OIN: { status: 400, description: "The signer's certificate carries no 20-digit OIN." },
  CERT_CRL_STALE: { status: 503, description: 'Our copy of the CA\'s CRL is out of date, so no certificate of that CA can be checked now; retry later.' },
  DECRYPTION_FAILED: { status: 400, description: 'An encrypted BSN cannot be decrypted with the index key.' },
  OIN_MISMATCH: { status: 403, description: "The signer's OIN, or the sender the message names, differs from the party of the client certificate." },
  MESSAGE_ID_REUSED: { status: 409, description: 'The message id was already used for a different message (an identical resend is answered with the first answer).' },
  UNAVAILABLE: { status: 503, description: 'The message could not be handed to the index now; retry after Retry-After.' },
  NOT_FOUND: { status: 404, description: 'No such message or trace.' },
  MESSAGE_NOT_FOUND: { status: 404, description: "No message with this tracking id from this party (another party's message gets the same answer)." },
  // Signals at the gateway: pull, acknowledgement, follow-up (parties), resend (operators).
  SIGNAL_NOT_FOUND: { status: 404, description: "No signal with this id for this party (another party's signal gets the same answer); nothing changed." },
  PULL_NOT_ENABLED: { status: 403, description: "The party's delivery settings do not include pull (GET /v1/signalen)." },
  SIGNAL_NOT_DELIVERED: { status: 409, description: 'Follow-up is reported only for a matchsignaal delivered to or acknowledged by the party; nothing changed.' },
  FOLLOW_UP_EXISTS: { status: 409, description: 'A different follow-up was already reported for this signal (an identical one is answered with the first answer); nothing changed.' },
  SIGNAL_NOT_FAILED: { status: 409, description: 'Admin API: only a failed signal can be resent; nothing changed.' },
  // The operators' admin API (gateway, operators' port).
  OPERATOR_UNAUTHORIZED: { status: 401, description: 'Admin API: no operator token, or not a configured one (Authorization: Bearer).' },
  PARTY_NOT_FOUND: { status: 404, description: 'Admin API: no party with this OIN.' },
  PARTY_EXISTS: { status: 409, description: 'Admin API: a party with this OIN exists already.' },
  STATUS_UNCHANGED: { status: 409, description: 'Admin API: the party already has this status; nothing changed.' },
  INTERNAL_ERROR: { status: 500, description: 'Unexpected failure; nothing was forwarded.' },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: string[];
  trackingId?: string;
}
