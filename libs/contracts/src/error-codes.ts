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
  UNKNOWN_PARTY: { status: 401, description: 'The caller is not a registered party.' },
  WRONG_CHANNEL: { status: 403, description: 'The party may not use this endpoint (regional JSON vs direct XML).' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body exceeds the size limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'Wrong Content-Type for this endpoint.' },
  XML_INVALID: { status: 400, description: 'The XML message is malformed, forbidden (DOCTYPE/entities) or violates the schema.' },
  SIGNATURE_INVALID: { status: 400, description: 'The XML signature is missing, invalid, or does not cover the message (wrapping).' },
  CERT_UNTRUSTED: { status: 400, description: "The signer's certificate is not trusted (unknown CA, expired, key usage)." },
  OIN_MISMATCH: { status: 403, description: "The signer's OIN differs from the sending party." },
  MESSAGE_ID_REUSED: { status: 409, description: 'The message id was already used for a different message (an identical resend is answered with the first answer).' },
  UNAVAILABLE: { status: 503, description: 'The message could not be handed to the index now; retry after Retry-After.' },
  NOT_FOUND: { status: 404, description: 'No such message or trace.' },
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
