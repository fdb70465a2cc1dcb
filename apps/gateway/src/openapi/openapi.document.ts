import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ERROR_CODES, RegionaleIntrekkingDto, RegionaleMeldingDto, RegionalePingDto, RegionaleVerwijderingDto, type ErrorCode } from '@vir/contracts';

// The gateway's OpenAPI 3.1 document. The request schemas are generated from the same
// class-validator DTOs that validate the requests, and the error codes come from ERROR_CODES, so
// the document cannot drift from the code (a spec checks it with an independent OpenAPI parser).

type Json = Record<string, unknown>;

/** Codes every party endpoint can answer. */
const COMMON: ErrorCode[] = ['CLIENT_CERT_MISSING', 'CLIENT_CERT_UNTRUSTED', 'CLIENT_CERT_REVOKED', 'UNKNOWN_PARTY', 'WRONG_CHANNEL', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'MESSAGE_ID_REUSED', 'UNAVAILABLE', 'INTERNAL_ERROR'];
const JSON_BODY: ErrorCode[] = ['MALFORMED_JSON', 'VALIDATION_FAILED'];
const MELDING_RULES: ErrorCode[] = ['BSN_INVALID', 'AGE_LIMIT', 'DATE_IN_FUTURE', 'BIRTH_AFTER_MELDING'];
/** Everything @vir/xml and the trust store can refuse a signed message for. */
const SIGNED_XML: ErrorCode[] = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => /^(XML_|SIGNATURE_|CERT_)/.test(c) || c === 'OIN_MISMATCH' || c === 'DECRYPTION_FAILED');

export interface OpenApiOptions {
  /** MAX_BODY_BYTES: stated in the document. */
  maxBodyBytes: number;
}

/** The version of the API contract (the /v1 paths), not of the software. */
export const API_VERSION = '1.0.0';

function errorResponses(codes: ErrorCode[]): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => [
        String(status),
        {
          description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join('\n\n'),
          ...(status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } } } : {}),
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ErrorBody' },
              examples: Object.fromEntries(list.map((c) => [c, { value: { code: c, message: ERROR_CODES[c].description } }])),
            },
          },
        },
      ]),
  );
}

function jsonOperation(summary: string, description: string, schema: string, codes: ErrorCode[]): Json {
  return {
    summary,
    description,
    security: [{ partyCertificate: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } },
    responses: {
      '202': { description: 'Accepted: durably on its way to the index. A resend of the same berichtId returns this first answer with `replayed: true`.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
      ...errorResponses([...COMMON, ...JSON_BODY, ...codes]),
    },
  };
}

export function buildOpenApiDocument(o: OpenApiOptions): Json {
  const dtoSchemas = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/', classTransformerMetadataStorage: defaultMetadataStorage });
  // Only the request DTOs (and what they reference); other classes may be registered too.
  const wanted = new Set<string>();
  const collect = (name: string) => {
    if (wanted.has(name) || !dtoSchemas[name]) return;
    wanted.add(name);
    for (const ref of JSON.stringify(dtoSchemas[name]).matchAll(/#\/components\/schemas\/(\w+)/g)) collect(ref[1]);
  };
  [RegionaleMeldingDto, RegionaleIntrekkingDto, RegionaleVerwijderingDto, RegionalePingDto].forEach((c) => collect(c.name));

  return {
    openapi: '3.1.0',
    info: {
      title: 'VIR connector gateway',
      version: API_VERSION,
      description:
        'Ingress for the national reference index (Verwijsindex Risicojongeren). Regional indexes send meldingen in JSON; ' +
        'the gateway validates, translates them into the national XML (schemas/vir-berichten-v1.xsd), encrypts every BSN for the index, ' +
        'signs with the tenant\'s certificate and forwards. Direct parties send national XML they signed themselves. ' +
        `Every request body is limited to ${o.maxBodyBytes} bytes. Every refusal is an ErrorBody with a documented code; nothing is forwarded.`,
    },
    components: {
      securitySchemes: {
        partyCertificate: { type: 'mutualTLS', description: 'A client certificate from the VIR PKI; its subject serialNumber (20-digit OIN) identifies the party.' },
      },
      schemas: {
        ...Object.fromEntries([...wanted].sort().map((name) => [name, dtoSchemas[name]])),
        Accepted: {
          type: 'object',
          required: ['trackingId', 'status'],
          properties: {
            trackingId: { type: 'string', format: 'uuid', description: 'The berichtId: the tracking id of the message everywhere (traces, signals).' },
            status: { const: 'accepted' },
            replayed: { const: true, description: 'Present on a resend of an accepted message: nothing new was forwarded.' },
          },
        },
        ErrorBody: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { enum: Object.keys(ERROR_CODES), description: 'The documented rejection code (see each response).' },
            message: { type: 'string', description: 'What is wrong, for the supplier; never contains a BSN.' },
            details: { type: 'array', items: { type: 'string' }, description: 'One line per field problem (VALIDATION_FAILED).' },
            trackingId: { type: 'string', format: 'uuid' },
          },
        },
        Signal: {
          type: 'object',
          required: ['berichtType'],
          additionalProperties: true,
          properties: { berichtType: { enum: ['matchsignaal', 'foutbericht', 'ping'] } },
          description: 'A delivered message in JSON: `berichtType` plus the fields of the national message of that type (schemas/vir-berichten-v1.xsd), never a BSN.',
        },
      },
    },
    paths: {
      '/v1/meldingen': { post: jsonOperation('Register a melding (regional tenants)', 'A professional is involved with a young person. BSNs travel encrypted for the index from here on.', 'RegionaleMeldingDto', MELDING_RULES) },
      '/v1/intrekkingen': { post: jsonOperation('Withdraw an own melding (regional tenants)', 'The reporter ends its melding. The index answers an unknown or foreign melding with a Foutbericht, delivered like a signal.', 'RegionaleIntrekkingDto', []) },
      '/v1/verwijderingen': { post: jsonOperation('Order a removal after an objection (authorised parties)', 'A municipality upheld an objection; only parties authorised at the index may order this.', 'RegionaleVerwijderingDto', []) },
      '/v1/ping': { post: jsonOperation('Connectivity test through the whole chain', 'The answer comes back like a signal, with per-hop timings.', 'RegionalePingDto', []) },
      '/v1/berichten': {
        post: {
          summary: 'Send a signed national message (direct parties)',
          description: 'A Melding, Intrekking, Verwijdering or Ping in the national XML, signed by the party itself (enveloped XMLDSig, exclusive c14n, RSA-SHA256 or ECDSA-SHA256, certificate in KeyInfo). Answered with a signed Ontvangstbevestiging, or JSON on `Accept: application/json`.',
          security: [{ partyCertificate: [] }],
          requestBody: { required: true, content: { 'application/xml': { schema: { type: 'string', description: 'A document valid against schemas/vir-berichten-v1.xsd.' } } } },
          responses: {
            '202': {
              description: 'Accepted. XML: a signed Ontvangstbevestiging with resultaat "geaccepteerd"; a refusal is an Ontvangstbevestiging with resultaat "afgewezen" and the code, under the status below.',
              content: { 'application/xml': { schema: { type: 'string' } }, 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
            },
            ...errorResponses([...COMMON, ...SIGNED_XML, ...MELDING_RULES, 'CERT_CRL_STALE']),
          },
        },
      },
    },
    webhooks: {
      signal: {
        post: {
          summary: 'Delivery of a matchsignaal, foutbericht or ping answer to the party\'s webhook',
          description:
            'Retried with exponential backoff until acknowledged with a 2xx. Headers: `Idempotency-Key` and `X-VIR-Signal-Id` (the same per signal across attempts), `X-VIR-Message-Type`. ' +
            'Parties receiving XML get the index-signed national message.',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Signal' } }, 'application/xml': { schema: { type: 'string' } } } },
          responses: { '2XX': { description: 'Delivered; not sent again.' }, default: { description: 'Not delivered; retried later.' } },
        },
      },
    },
  };
}

/** The codes the document names somewhere (for the spec that keeps it complete). */
export function documentedCodes(document: Json): Set<string> {
  return new Set([...JSON.stringify(document).matchAll(/`([A-Z][A-Z0-9_]+)`: /g)].map((m) => m[1]));
}
