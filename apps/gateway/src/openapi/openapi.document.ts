import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ERROR_CODES, OUTBOUND_TYPES, RegionaleIntrekkingDto, RegionaleMeldingDto, RegionalePingDto, RegionaleVerwijderingDto, type ErrorCode } from '@vir/contracts';
import { TRUST_ERROR_CODES } from '@vir/pki';
import { XML_DETAIL_CODES, XML_ERROR_CODES } from '@vir/xml';
import { FOLLOW_UP_REDEN_CODES, PULL_MAX_LIMIT, SIGNAL_STATUSES } from '../delivery/signal-lifecycle';

// The gateway's OpenAPI 3.1 document, served at GET /openapi.json on both ports. Every refusal an
// endpoint can give is listed under its HTTP status with its code; the ErrorBody's `code` is the
// full enum of libs/contracts ERROR_CODES (a spec keeps both in step with the code). The tenant
// JSON schemas are generated from the same class-validator DTOs that validate the requests
// (class-validator-jsonschema), so they cannot drift from what the gateway accepts.

/** Refusals of every party endpoint, before the body is read: who is calling, and may it. */
export const PARTY_AUTH_CODES: ErrorCode[] = [
  'CLIENT_CERT_MISSING',
  'CLIENT_CERT_UNTRUSTED',
  'CLIENT_CERT_REVOKED',
  'CLIENT_CERT_NOT_REGISTERED',
  'UNKNOWN_PARTY',
  'PARTY_SUSPENDED',
  'RATE_LIMITED',
  'CERT_CRL_STALE',
];

const REGIONAL_CODES: ErrorCode[] = [
  ...PARTY_AUTH_CODES,
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'MALFORMED_JSON',
  'VALIDATION_FAILED',
  'OIN_MISMATCH',
  'WRONG_CHANNEL',
  'MESSAGE_ID_REUSED',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
];

const MELDING_RULE_CODES: ErrorCode[] = ['BSN_INVALID', 'AGE_LIMIT', 'DATE_IN_FUTURE', 'BIRTH_AFTER_MELDING'];

/** A batch refused as a whole. */
const BATCH_CODES: ErrorCode[] = [...PARTY_AUTH_CODES, 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'MALFORMED_JSON', 'VALIDATION_FAILED', 'BATCH_TOO_LARGE', 'WRONG_CHANNEL', 'INTERNAL_ERROR'];

/** One item of a batch refused (in its result). */
export const BATCH_ITEM_CODES: ErrorCode[] = ['VALIDATION_FAILED', ...MELDING_RULE_CODES, 'OIN_MISMATCH', 'MESSAGE_ID_REUSED', 'UNAVAILABLE', 'INTERNAL_ERROR'];

/** Direct XML: every precise reason @vir/xml and the trust store give (as the gateway answers them). */
const XML_CODES: ErrorCode[] = [
  ...new Set(
    [...Object.keys(XML_DETAIL_CODES), ...XML_ERROR_CODES, ...TRUST_ERROR_CODES]
      .map((c) => (c === 'XML_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : c))
      .filter((c): c is ErrorCode => c in ERROR_CODES && c !== 'BSN_INVALID' && c !== 'DECRYPTION_FAILED'),
  ),
];

const DIRECT_CODES: ErrorCode[] = [
  ...PARTY_AUTH_CODES,
  'UNSUPPORTED_MEDIA_TYPE',
  ...XML_CODES,
  'DATE_IN_FUTURE',
  'BIRTH_AFTER_MELDING',
  'AGE_LIMIT',
  'OIN_MISMATCH',
  'WRONG_CHANNEL',
  'MESSAGE_ID_REUSED',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
];

const ADMIN_READ_CODES: ErrorCode[] = ['OPERATOR_UNAUTHORIZED', 'NOT_FOUND', 'INTERNAL_ERROR'];
const ADMIN_WRITE_CODES: ErrorCode[] = [...ADMIN_READ_CODES, 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'MALFORMED_JSON', 'VALIDATION_FAILED'];

type Json = Record<string, unknown>;

/** The parties' signal endpoints (pull, acknowledgement, status, follow-up). */
const SIGNAL_READ_CODES: ErrorCode[] = [...PARTY_AUTH_CODES, 'SIGNAL_NOT_FOUND', 'INTERNAL_ERROR'];
const SIGNAL_WRITE_CODES: ErrorCode[] = [...SIGNAL_READ_CODES, 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'MALFORMED_JSON', 'VALIDATION_FAILED'];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (schema: Json) => ({ required: true, content: { 'application/json': { schema } } });

/** Responses for a list of refusal codes, one per HTTP status, naming each code. */
function refusals(codes: ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join('\n\n'),
        ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } } : {}),
        content: { 'application/json': { schema: ref('ErrorBody') } },
        'x-error-codes': list,
      },
    ]),
  );
}

function partyPost(summary: string, requestSchema: Json, codes: ErrorCode[]): Json {
  return {
    post: {
      summary,
      security: [{ mutualTLS: [] }],
      requestBody: jsonBody(requestSchema),
      responses: { '202': { description: 'Accepted: durably handed to the index.', content: { 'application/json': { schema: ref('Accepted') } } }, ...refusals(codes) },
    },
  };
}

const admin = (summary: string, ok: Json, codes: ErrorCode[], body?: Json, okStatus = '200'): Json => ({
  summary,
  security: [{ operatorToken: [] }],
  ...(body ? { requestBody: jsonBody(body) } : {}),
  responses: { [okStatus]: { description: 'OK', content: { 'application/json': { schema: ok } } }, ...refusals(codes) },
});

const signalIdParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: 'The signal id (the Idempotency-Key / X-VIR-Signal-Id of its push delivery)' };

/** A GET or POST on the party port answering `ok` as JSON. */
const partyCall = (summary: string, ok: Json, codes: ErrorCode[], extra: Json = {}, okStatus = '200'): Json => ({
  summary,
  security: [{ mutualTLS: [] }],
  ...extra,
  responses: { [okStatus]: { description: 'OK', content: { 'application/json': { schema: ok } } }, ...refusals(codes) },
});

const oinParameter = { name: 'oin', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{20}$' } };

const partySettings: Json = {
  name: { type: 'string', maxLength: 200 },
  convenant: { type: 'string', pattern: '^[0-9]{1,3}$' },
  certificates: {
    type: 'array',
    maxItems: 2,
    items: {
      type: 'string',
      description:
        'A client certificate. In a request: PEM (checked against the trust store and the party’s OIN; its expiry is known at once) or its SHA-256 fingerprint (AB:CD:… or 64 hex digits; the expiry is learned when the party first connects with it). In an answer: the fingerprint.',
    },
  },
  webhookUrl: { type: ['string', 'null'], format: 'uri' },
  pull: { type: 'boolean' },
  deliveryFormat: { enum: ['json', 'xml'] },
  pushBatchSize: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    description:
      'Signals per push request (default 1). Above 1 (JSON delivery only): one POST carries up to this many of the party’s signals, in production order, as {"berichtType":"signalen","signalen":[…]}, delivered all or none; X-VIR-Signal-Ids lists their ids.',
  },
  localMatching: { type: 'boolean' },
  rateLimitPerSecond: { type: ['integer', 'null'], minimum: 1 },
  signingKeyFile: { type: ['string', 'null'], description: "Regional tenants: absolute path on the gateway's host" },
  signingCertFile: { type: ['string', 'null'] },
};

/** JSON schemas of the request DTOs (and the DTOs they nest), from their class-validator metadata. */
function dtoSchemas(): Record<string, Json> {
  const all = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/', classTransformerMetadataStorage: defaultMetadataStorage }) as Record<string, Json>;
  const wanted = new Set<string>();
  const collect = (name: string) => {
    if (wanted.has(name) || !all[name]) return;
    wanted.add(name);
    for (const m of JSON.stringify(all[name]).matchAll(/#\/components\/schemas\/(\w+)/g)) collect(m[1]);
  };
  [RegionaleMeldingDto, RegionaleIntrekkingDto, RegionaleVerwijderingDto, RegionalePingDto].forEach((c) => collect(c.name));
  return Object.fromEntries([...wanted].sort().map((name) => [name, all[name]]));
}

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'VIR connector gateway',
      version: '1',
      description:
        "Regional indexes (JSON) and direct parties (signed national XML) connect over HTTPS with mutual TLS on the parties' port; " +
        "the client certificate's OIN is the only credential. Operators use the admin API on the separate operators' port " +
        '(plain HTTP, private) with a bearer token. Every refusal is an ErrorBody with a documented code.',
    },
    components: {
      securitySchemes: {
        mutualTLS: { type: 'mutualTLS', description: "A client certificate from the trust anchors, with the party's OIN in subject serialNumber, registered for the party." },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'An OPERATOR_TOKENS token; operators\' port only.' },
      },
      schemas: {
        ErrorBody: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { enum: Object.keys(ERROR_CODES) },
            message: { type: 'string' },
            details: { type: 'array', items: { type: 'string' } },
            trackingId: { type: 'string', format: 'uuid' },
          },
        },
        Accepted: {
          type: 'object',
          required: ['trackingId', 'status'],
          properties: { trackingId: { type: 'string', format: 'uuid' }, status: { const: 'accepted' }, replayed: { const: true, description: 'A resend of an accepted message id: nothing new was forwarded.' } },
        },
        ...dtoSchemas(),
        BatchAnswer: {
          type: 'object',
          properties: {
            accepted: { type: 'integer' },
            rejected: { type: 'integer' },
            summary: { type: 'string', examples: ['4 accepted, 1 rejected: 1 × BSN_INVALID'] },
            results: {
              type: 'array',
              items: {
                type: 'object',
                required: ['index', 'result'],
                properties: {
                  index: { type: 'integer' },
                  trackingId: { type: 'string', format: 'uuid' },
                  result: { enum: ['accepted', 'rejected'] },
                  replayed: { const: true },
                  code: { enum: Object.keys(ERROR_CODES) },
                  message: { type: 'string' },
                  details: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
        Signal: {
          type: 'object',
          required: ['berichtType'],
          additionalProperties: true,
          properties: { berichtType: { enum: ['matchsignaal', 'foutbericht', 'ping'] } },
          description: 'A delivered message in JSON: `berichtType` plus the fields of the national message of that type (schemas/vir-berichten-v1.xsd); never a BSN.',
        },
        SignalHistoryEntry: {
          type: 'object',
          properties: {
            at: { type: 'string', format: 'date-time' },
            status: { enum: [...SIGNAL_STATUSES] },
            attempt: { type: ['integer', 'null'] },
            channel: { enum: ['push', 'pull', null] },
            actor: { type: ['string', 'null'], description: 'Operators only: who resent it' },
            detail: { type: ['string', 'null'] },
          },
        },
        FollowUp: {
          type: 'object',
          required: ['contact', 'datum'],
          additionalProperties: false,
          properties: {
            contact: { type: 'boolean', description: 'Whether contact with the other professional was made' },
            redenCode: { enum: Object.keys(FOLLOW_UP_REDEN_CODES), description: 'Required when contact is false, absent otherwise. ' + Object.entries(FOLLOW_UP_REDEN_CODES).map(([k, v]) => `${k}: ${v}`).join(' ') },
            datum: { type: 'string', format: 'date', description: 'When contact was made (or it was decided not to); not in the future, not before the signal was received' },
          },
        },
        MessageStatus: {
          type: 'object',
          required: ['trackingId', 'receivedAt', 'signalen'],
          properties: {
            trackingId: { type: 'string', format: 'uuid' },
            receivedAt: { type: 'string', format: 'date-time' },
            signalen: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, type: { enum: [...OUTBOUND_TYPES] }, status: { enum: [...SIGNAL_STATUSES] }, receivedAt: { type: 'string', format: 'date-time' } } },
            },
          },
        },
        SignalStatus: {
          type: 'object',
          description: 'A signal at the gateway: its status (queued → sent → delivered/acknowledged, retrying → failed), timestamps and history; no content.',
          properties: {
            id: { type: 'string', format: 'uuid' },
            type: { enum: ['matchsignaal', 'foutbericht', 'ping'] },
            recipientOin: { type: 'string' },
            correlationIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
            status: { enum: [...SIGNAL_STATUSES] },
            attempts: { type: 'integer' },
            receivedAt: { type: 'string', format: 'date-time' },
            sentAt: { type: ['string', 'null'], format: 'date-time' },
            deliveredAt: { type: ['string', 'null'], format: 'date-time' },
            acknowledgedAt: { type: ['string', 'null'], format: 'date-time' },
            failedAt: { type: ['string', 'null'], format: 'date-time' },
            nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
            lastError: { type: ['string', 'null'] },
            followUp: { oneOf: [{ allOf: [ref('FollowUp')], type: 'object', properties: { reportedAt: { type: 'string', format: 'date-time' } } }, { type: 'null' }] },
            history: { type: 'array', items: ref('SignalHistoryEntry') },
          },
        },
        PullAnswer: {
          type: 'object',
          properties: {
            signalen: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  type: { enum: ['matchsignaal', 'foutbericht', 'ping'] },
                  receivedAt: { type: 'string', format: 'date-time' },
                  attempt: { type: 'integer' },
                  contentType: { enum: ['application/json', 'application/xml'] },
                  bericht: { oneOf: [ref('Signal'), { type: 'string', description: 'The index-signed national XML' }] },
                },
              },
            },
            nextCursor: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null: nothing more now' },
            visibleAgainAt: { type: ['string', 'null'], format: 'date-time', description: 'When the listed signals, unacknowledged, are listed again' },
          },
        },
        Party: {
          type: 'object',
          properties: { oin: { type: 'string' }, kind: { enum: ['regional', 'direct'] }, status: { enum: ['active', 'suspended'] }, statusReason: { type: ['string', 'null'] }, ...partySettings },
        },
        CertificateStatus: {
          type: 'object',
          properties: {
            partyOin: { type: 'string' },
            partyName: { type: 'string' },
            use: { enum: ['client', 'signing'], description: 'client: registered for mutual TLS; signing: the gateway signs the tenant’s meldingen with it' },
            fingerprint: { type: 'string' },
            subject: { type: ['string', 'null'] },
            serialNumber: { type: ['string', 'null'] },
            notAfter: { type: ['string', 'null'], format: 'date-time' },
            daysLeft: { type: ['integer', 'null'], description: 'negative: expired that many days ago' },
            status: { enum: ['valid', 'expiring', 'expired', 'unknown'], description: 'unknown: registered by fingerprint, not yet presented by the party' },
          },
        },
        PartyAuditEntry: {
          type: 'object',
          properties: { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { type: 'string' }, action: { enum: ['seed', 'create', 'update', 'suspend', 'resume'] }, partyOin: { type: 'string' }, before: { oneOf: [ref('Party'), { type: 'null' }] }, after: { oneOf: [ref('Party'), { type: 'null' }] } },
        },
      },
    },
    paths: {
      '/v1/meldingen': partyPost('A regional tenant reports a melding (tenant JSON v1).', ref('RegionaleMeldingDto'), [...REGIONAL_CODES, ...MELDING_RULE_CODES]),
      '/v1/meldingen/batch': {
        post: {
          summary:
            'A regional tenant reports up to BATCH_MAX_ITEMS meldingen at once. Each item is handled as a single melding (idempotent by its berichtId) and gets its own result; ' +
            'one refused item refuses nothing else. Item codes: ' +
            BATCH_ITEM_CODES.join(', ') +
            '.',
          security: [{ mutualTLS: [] }],
          requestBody: jsonBody({ type: 'object', required: ['meldingen'], properties: { meldingen: { type: 'array', minItems: 1, items: ref('RegionaleMeldingDto') } } }),
          responses: { '200': { description: 'Every item processed: see its result.', content: { 'application/json': { schema: ref('BatchAnswer') } } }, ...refusals(BATCH_CODES) },
          'x-item-error-codes': BATCH_ITEM_CODES,
        },
      },
      '/v1/intrekkingen': partyPost('A regional tenant withdraws its own melding.', ref('RegionaleIntrekkingDto'), REGIONAL_CODES),
      '/v1/verwijderingen': partyPost('A removal ordered by a municipality after an objection.', ref('RegionaleVerwijderingDto'), REGIONAL_CODES),
      '/v1/ping': partyPost('A connectivity test through the whole chain; the answer arrives like a signal.', ref('RegionalePingDto'), REGIONAL_CODES),
      '/v1/berichten': {
        post: {
          summary: "A direct party's own signed national XML (Melding, Intrekking, Verwijdering, Ping), answered with the gateway's signed Ontvangstbevestiging (JSON with Accept: application/json).",
          security: [{ mutualTLS: [] }],
          requestBody: { required: true, content: { 'application/xml': { schema: { type: 'string' } } } },
          responses: { '202': { description: 'Accepted (signed Ontvangstbevestiging, or Accepted as JSON).' }, ...refusals(DIRECT_CODES) },
        },
      },
      '/v1/berichten/{trackingId}': {
        parameters: [{ name: 'trackingId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: 'The tracking id (berichtId) the gateway answered when it accepted the message' }],
        get: partyCall(
          "One of the party's own messages: when the gateway accepted it, and the party's own signals about it (matchsignalen, or a foutbericht when the index refused it). Another party's message is answered as one that does not exist.",
          ref('MessageStatus'),
          [...PARTY_AUTH_CODES, 'MESSAGE_NOT_FOUND', 'INTERNAL_ERROR'],
        ),
      },
      '/v1/signalen': {
        get: partyCall(
          "Pull: the party's signals not yet delivered or acknowledged, in production order. Listed signals are invisible for PULL_VISIBILITY_TIMEOUT_MS; " +
            'unacknowledged, they come again on a later pull. Follow nextCursor for more; start again without a cursor on the next pull.',
          ref('PullAnswer'),
          [...PARTY_AUTH_CODES, 'PULL_NOT_ENABLED', 'VALIDATION_FAILED', 'INTERNAL_ERROR'],
          {
            parameters: [
              { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'nextCursor of the previous page' },
              { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: PULL_MAX_LIMIT, default: 100 } },
            ],
          },
        ),
      },
      '/v1/signalen/ack': {
        post: partyCall(
          'Acknowledges several of the party\'s signals at once, all or nothing (SIGNAL_NOT_FOUND lists the ids that are not the party\'s; nothing changed).',
          { type: 'object', properties: { acknowledged: { type: 'array', items: { type: 'string' } }, alreadyAcknowledged: { type: 'array', items: { type: 'string' } } } },
          SIGNAL_WRITE_CODES,
          { requestBody: jsonBody({ type: 'object', required: ['ids'], additionalProperties: false, properties: { ids: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', format: 'uuid' } } } }) },
        ),
      },
      '/v1/signalen/{id}': {
        parameters: [signalIdParameter],
        get: partyCall("One of the party's own signals: its status and history.", ref('SignalStatus'), SIGNAL_READ_CODES),
      },
      '/v1/signalen/{id}/ack': {
        parameters: [signalIdParameter],
        post: partyCall('Acknowledges one of the party\'s signals (idempotent: again answers replayed).', { type: 'object', properties: { id: { type: 'string' }, status: { const: 'acknowledged' }, replayed: { const: true } } }, [...SIGNAL_READ_CODES, 'PAYLOAD_TOO_LARGE']),
      },
      '/v1/signalen/{id}/opvolging': {
        parameters: [signalIdParameter],
        post: partyCall(
          'Follow-up of a matchsignaal the party received (delivered or acknowledged): whether contact was made, or why not, and when. One report per signal: an identical repeat gets the first answer (200, replayed), a different one FOLLOW_UP_EXISTS.',
          { allOf: [ref('FollowUp')], type: 'object', properties: { signalId: { type: 'string' }, reportedAt: { type: 'string', format: 'date-time' }, replayed: { const: true } } },
          [...SIGNAL_WRITE_CODES, 'SIGNAL_NOT_DELIVERED', 'FOLLOW_UP_EXISTS'],
          { requestBody: jsonBody(ref('FollowUp')) },
          '201',
        ),
      },
      '/v1/admin/signalen': {
        get: {
          ...admin('Signals, newest first (no content).', { type: 'object', properties: { signalen: { type: 'array', items: ref('SignalStatus') } } }, [...ADMIN_READ_CODES, 'VALIDATION_FAILED']),
          parameters: [
            { name: 'party', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{20}$' } },
            { name: 'status', in: 'query', required: false, schema: { enum: [...SIGNAL_STATUSES] } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          ],
        },
      },
      '/v1/admin/signalen/counts': {
        get: admin(
          'Per party and status, how many signals are queued, sent, retrying or failed, with the oldest one\'s intake time.',
          { type: 'object', properties: { counts: { type: 'array', items: { type: 'object', properties: { partyOin: { type: 'string' }, status: { enum: ['queued', 'sent', 'retrying', 'failed'] }, count: { type: 'integer' }, oldestReceivedAt: { type: 'string', format: 'date-time' } } } } } },
          ADMIN_READ_CODES,
        ),
      },
      '/v1/admin/berichten/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: 'The tracking id (berichtId) of a forwarded message' }],
        get: admin(
          'The signed national XML forwarded to the index under this id (every BSN encrypted for the index).',
          { type: 'object', properties: { messageId: { type: 'string', format: 'uuid' }, partyOin: { type: 'string' }, receivedAt: { type: 'string', format: 'date-time' }, xml: { type: 'string' } } },
          ADMIN_READ_CODES,
        ),
      },
      '/v1/admin/signalen/{id}': {
        parameters: [signalIdParameter],
        get: admin('One signal: status, history (with the operator of a resend), follow-up.', ref('SignalStatus'), [...ADMIN_READ_CODES, 'SIGNAL_NOT_FOUND']),
      },
      '/v1/admin/signalen/{id}/resend': {
        parameters: [signalIdParameter],
        post: admin(
          'Resends a failed signal: queued again in its place in the party\'s order, with a new give-up period; audited in its history.',
          ref('SignalStatus'),
          [...ADMIN_READ_CODES, 'PAYLOAD_TOO_LARGE', 'MALFORMED_JSON', 'VALIDATION_FAILED', 'SIGNAL_NOT_FOUND', 'SIGNAL_NOT_FAILED'],
          { type: 'object', properties: { reason: { type: 'string', maxLength: 500 } } },
        ),
      },
      '/v1/admin/parties': {
        get: admin('All parties.', { type: 'object', properties: { parties: { type: 'array', items: ref('Party') } } }, ADMIN_READ_CODES),
        post: admin('Registers a party (audited).', ref('Party'), [...ADMIN_WRITE_CODES, 'PARTY_EXISTS'], { type: 'object', required: ['oin', 'name', 'kind', 'convenant', 'certificates'], properties: { oin: { type: 'string' }, kind: { enum: ['regional', 'direct'] }, ...partySettings } }, '201'),
      },
      '/v1/admin/parties/{oin}': {
        parameters: [oinParameter],
        get: admin('One party.', ref('Party'), [...ADMIN_READ_CODES, 'PARTY_NOT_FOUND']),
        patch: admin("Changes a party's settings (audited; OIN and kind never change; null clears).", ref('Party'), [...ADMIN_WRITE_CODES, 'PARTY_NOT_FOUND'], { type: 'object', properties: partySettings }),
      },
      '/v1/admin/certificates': {
        get: {
          ...admin(
            'Every registered client certificate and every tenant signing certificate with its expiry, soonest first (unknown last).',
            { type: 'object', properties: { withinDays: { type: 'integer' }, certificates: { type: 'array', items: ref('CertificateStatus') } } },
            [...ADMIN_READ_CODES, 'VALIDATION_FAILED'],
          ),
          parameters: [{ name: 'withinDays', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 60 }, description: 'certificates expiring within this many days have status expiring' }],
        },
      },
      '/v1/admin/parties/{oin}/audit': {
        parameters: [oinParameter],
        get: admin("The party's audit trail, newest first.", { type: 'object', properties: { entries: { type: 'array', items: ref('PartyAuditEntry') } } }, [...ADMIN_READ_CODES, 'PARTY_NOT_FOUND']),
      },
      '/v1/admin/parties/{oin}/suspend': {
        parameters: [oinParameter],
        post: admin('Suspends a party: its requests are refused (PARTY_SUSPENDED), its signals wait.', ref('Party'), [...ADMIN_WRITE_CODES, 'PARTY_NOT_FOUND', 'STATUS_UNCHANGED'], { type: 'object', properties: { reason: { type: 'string', maxLength: 500 } } }),
      },
      '/v1/admin/parties/{oin}/resume': {
        parameters: [oinParameter],
        post: admin('Resumes a suspended party; its waiting signals are delivered in order.', ref('Party'), [...ADMIN_READ_CODES, 'PAYLOAD_TOO_LARGE', 'PARTY_NOT_FOUND', 'STATUS_UNCHANGED']),
      },
      '/health': { get: { summary: 'Readiness: PostgreSQL and Kafka checked for real.', responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } } } },
      '/health/live': { get: { summary: 'Liveness.', responses: { '200': { description: 'Alive' } } } },
      '/openapi.json': { get: { summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
    webhooks: {
      signal: {
        post: {
          summary: "Delivery of a matchsignaal, foutbericht or ping answer to the party's webhook (push)",
          description:
            'Over HTTPS with mutual TLS (the gateway\'s certificate). Retried with exponential backoff until answered 2xx, for up to 5 days. ' +
            'Headers: `Idempotency-Key` and `X-VIR-Signal-Id` (the same for every attempt of one signal), `X-VIR-Message-Type`. Parties receiving XML get the index-signed national message.',
          requestBody: { content: { 'application/json': { schema: ref('Signal') }, 'application/xml': { schema: { type: 'string' } } } },
          responses: { '2XX': { description: 'Delivered; not sent again.' }, default: { description: 'Not delivered; retried later.' } },
        },
      },
    },
  };
}
