import { createHash, randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import {
  Contracts,
  RegionaleIntrekkingDto,
  RegionaleMeldingDto,
  RegionalePingDto,
  RegionaleVerwijderingDto,
  toMeldingBericht,
  type InboundType,
  type MeldingVerwijzing,
  UUID_PATTERN,
} from '@vir/contracts';
import { checkMelding, checkMeldingDates, type Clock } from '@vir/domain';
import type { FlowEventPublisher, MessageBus } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import { openIntrekking, openPing, openVerwijdering, signIntrekking, signPing, signVerwijdering, verifyMelding, XmlMessageError, type Signer } from '@vir/xml';
import type { Party } from '../parties/party.registry';
import { GatewayError } from './gateway.error';
import type { IngressLedger } from './ingress.ledger';
import { InThreadSealer, type MeldingSealer } from './melding-sealer';
import { parseJson } from './request-body';
import { xmlRefusal } from './xml-refusal';


export interface Accepted {
  trackingId: string;
  status: 'accepted';
  /** Present when this was a resend of an accepted message: nothing new was forwarded. */
  replayed?: true;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** One item's result in a batch answer. */
export interface BatchItemResult {
  /** Position in the batch, from 0. */
  index: number;
  /** The item's berichtId when it had a valid one (as for a single melding). */
  trackingId?: string;
  result: 'accepted' | 'rejected';
  replayed?: true;
  code?: string;
  message?: string;
  details?: string[];
}

export interface BatchAnswer {
  accepted: number;
  rejected: number;
  /** E.g. "4 accepted, 1 rejected: 1 × BSN_INVALID". */
  summary: string;
  results: BatchItemResult[];
}

/** JSON with object keys sorted: the same content gives the same text, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${m}`),
    ...describe(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

function requireReference(m: MeldingVerwijzing): void {
  if (!m.berichtId && !m.referentie) throw new GatewayError('VALIDATION_FAILED', 'Name the melding by berichtId and/or referentie', ['melding: berichtId or referentie required']);
}

/** A message ready to forward: its id, type, signed XML and content hashes (for the ledger). */
interface Prepared {
  trackingId: string;
  type: InboundType;
  xml: string;
  hash: string;
  sameContent: string[];
}

/** What a regional JSON message becomes: the signed national XML and its inbound type. */
type Translate<T> = (dto: T, party: Party, signer: Signer) => { type: InboundType; xml: string | Promise<string> };

/**
 * Ingress use cases. A message is accepted only once it is durably on the inbound topic; every
 * refusal is a GatewayError with a documented code, and nothing is forwarded.
 */
export class SubmitMessageUseCase {
  constructor(
    private readonly bus: MessageBus,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
    private readonly trustStore: TrustStore,
    private readonly indexCertificatePem: string,
    private readonly maxBytes: number,
    private readonly ledger: IngressLedger,
    private readonly indexOin: string,
    /** Encrypts and signs meldingen (on worker threads, or here); its key-agreement sessions give the index one ECDH per session, not per melding. */
    private readonly sealer: MeldingSealer = new InThreadSealer(indexCertificatePem),
  ) {}

  /** A regional tenant's JSON melding: validate, translate, encrypt BSNs, sign, forward. */
  submitRegionalMelding(party: Party, rawBody: string): Promise<Accepted> {
    return this.regional(party, rawBody, RegionaleMeldingDto, this.translateMelding);
  }

  /**
   * A regional tenant's batch of meldingen (`{ "meldingen": [ … ] }`, at most `maxItems`): each
   * item is handled exactly like a single melding (its own tracking id, idempotency by its
   * berichtId, its own flow events) and answered with its own result. One refused item refuses
   * nothing else. Only a malformed or oversize batch is refused as a whole.
   */
  async submitRegionalBatch(party: Party, rawBody: string, maxItems: number): Promise<BatchAnswer> {
    const body = parseJson(rawBody);
    const items = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { meldingen?: unknown }).meldingen : undefined;
    if (!Array.isArray(items) || Object.keys(body as object).length !== 1) {
      throw new GatewayError('VALIDATION_FAILED', 'The body must be { "meldingen": [ … ] }', ['meldingen: an array of meldingen, and nothing else']);
    }
    if (items.length === 0) throw new GatewayError('VALIDATION_FAILED', 'The batch is empty', ['meldingen: at least one']);
    if (items.length > maxItems) throw new GatewayError('BATCH_TOO_LARGE', `A batch holds at most ${maxItems} meldingen; this one has ${items.length}`);
    if (party.kind !== 'regional') throw new GatewayError('WRONG_CHANNEL', 'This party sends signed XML to /v1/berichten');
    const idOf = (item: unknown) => (typeof item === 'object' && item !== null ? String((item as { berichtId?: unknown }).berichtId ?? '').toLowerCase() : '');
    const seen = new Set<string>();
    const repeated = items.map((item) => {
      const id = idOf(item);
      const again = id !== '' && seen.has(id);
      seen.add(id);
      return again;
    });
    const refusal = (index: number, err: unknown): BatchItemResult => {
      const e = err instanceof GatewayError ? err : new GatewayError('INTERNAL_ERROR', 'Unexpected failure; nothing was forwarded');
      return { index, ...(e.trackingId ? { trackingId: e.trackingId } : {}), result: 'rejected', code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
    };
    // Every item validated, translated, encrypted and signed first; then one ledger statement and
    // one produce request for all of them (a batch costs two round trips, not two per item).
    const results: BatchItemResult[] = new Array(items.length);
    const ready: { index: number; message: Prepared }[] = [];
    // Sealed side by side (on the sealer's worker threads), kept in the batch's order.
    const prepared = await Promise.all(
      items.map(async (item, index) => {
        try {
          if (repeated[index]) throw new GatewayError('VALIDATION_FAILED', 'This berichtId occurs earlier in the same batch', ['berichtId: repeated within the batch']);
          return { index, message: await this.prepareRegional(party, () => item, RegionaleMeldingDto, this.translateMelding, (b) => [sha256(canonicalJson(b))]) };
        } catch (err) {
          results[index] = refusal(index, err);
          return undefined;
        }
      }),
    );
    for (const p of prepared) if (p) ready.push(p);
    const forwarded = await this.forwardMany(party, 'regional-json', ready.map((r) => r.message));
    forwarded.forEach((outcome, k) => {
      const index = ready[k].index;
      results[index] = outcome instanceof GatewayError ? refusal(index, outcome) : { index, trackingId: outcome.trackingId, result: 'accepted', ...(outcome.replayed ? { replayed: true as const } : {}) };
    });
    const rejected = results.filter((r) => r.result === 'rejected');
    const byCode = new Map<string, number>();
    for (const r of rejected) byCode.set(r.code!, (byCode.get(r.code!) ?? 0) + 1);
    const summary = `${results.length - rejected.length} accepted, ${rejected.length} rejected${rejected.length ? `: ${[...byCode].map(([c, n]) => `${n} × ${c}`).join(', ')}` : ''}`;
    return { accepted: results.length - rejected.length, rejected: rejected.length, summary, results };
  }

  private readonly translateMelding: Translate<RegionaleMeldingDto> = (dto, p, signer) => {
    const melding = toMeldingBericht(dto, p, this.clock.now());
    const violations = checkMelding(melding, this.clock.today());
    if (violations.length > 0) {
      throw new GatewayError(violations[0].code, violations.map((v) => v.message).join('; '), violations.map((v) => `${v.field}: ${v.code}`));
    }
    return { type: 'melding', xml: this.sealer.seal(melding, signer) };
  };

  /** A regional tenant withdraws its own melding. */
  submitRegionalIntrekking(party: Party, rawBody: string): Promise<Accepted> {
    return this.regional(party, rawBody, RegionaleIntrekkingDto, (dto, p, signer) => {
      requireReference(dto.melding);
      const xml = signIntrekking(
        {
          berichtId: dto.berichtId,
          afzenderOin: p.oin,
          verzonden: this.clock.now().toISOString(),
          melding: { ...(dto.melding.berichtId ? { berichtId: dto.melding.berichtId } : {}), ...(dto.melding.referentie ? { referentie: dto.melding.referentie } : {}) },
          intrekkingsdatum: dto.intrekkingsdatum ?? this.clock.today(),
          ...(dto.reden ? { reden: dto.reden } : {}),
        },
        signer,
      );
      return { type: 'intrekking', xml };
    });
  }

  /** Removal ordered by a municipality, sent by the party acting for it (the index checks the authorisation). */
  submitRegionalVerwijdering(party: Party, rawBody: string): Promise<Accepted> {
    return this.regional(party, rawBody, RegionaleVerwijderingDto, (dto, p, signer) => {
      requireReference(dto.melding);
      const xml = signVerwijdering(
        {
          berichtId: dto.berichtId,
          afzenderOin: p.oin,
          verzonden: this.clock.now().toISOString(),
          gemeentecode: dto.gemeentecode,
          melding: { afzenderOin: dto.melding.afzenderOin, ...(dto.melding.berichtId ? { berichtId: dto.melding.berichtId } : {}), ...(dto.melding.referentie ? { referentie: dto.melding.referentie } : {}) },
          reden: dto.reden,
          besluitdatum: dto.besluitdatum,
        },
        signer,
      );
      return { type: 'verwijdering', xml };
    });
  }

  /** A tenant's connectivity test: a signed Ping to the index, answered like a signal. */
  submitRegionalPing(party: Party, rawBody: string): Promise<Accepted> {
    return this.regional(party, rawBody, RegionalePingDto, (dto, p, signer) => {
      const now = this.clock.now().toISOString();
      const ping = { berichtId: dto.berichtId, afzenderOin: p.oin, ontvangerOin: this.indexOin, verzonden: now, pingId: dto.pingId ?? dto.berichtId, richting: 'heen' as const, hops: [{ component: 'gateway', tijdstip: now }] };
      return { type: 'ping', xml: signPing(ping, signer) };
    });
  }

  private async regional<T extends { berichtId: string; afzenderOin?: string }>(party: Party, rawBody: string, cls: new () => T, translate: Translate<T>): Promise<Accepted> {
    // The ledger keeps the hash of the canonical JSON (so a melding resent in a batch is the same
    // message); rows from before kept the raw body's hash, which still counts as the same.
    const prepared = await this.prepareRegional(party, () => parseJson(rawBody), cls, translate, (b) => [sha256(canonicalJson(b)), sha256(rawBody)]);
    const [outcome] = await this.forwardMany(party, 'regional-json', [prepared]);
    if (outcome instanceof GatewayError) throw outcome;
    return outcome;
  }

  /** Validated, translated, encrypted and signed, ready to forward; a refusal throws (flow event recorded). */
  private async prepareRegional<T extends { berichtId: string; afzenderOin?: string }>(
    party: Party,
    read: () => unknown,
    cls: new () => T,
    translate: Translate<T>,
    hashes: (body: unknown) => string[],
  ): Promise<Prepared> {
    let trackingId: string = randomUUID();
    try {
      const body = read();
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('VALIDATION_FAILED', 'The body must be a JSON object');
      const dto = plainToInstance(cls, body);
      if (typeof dto.berichtId === 'string' && UUID_PATTERN.test(dto.berichtId)) trackingId = dto.berichtId.toLowerCase();
      this.trace({ messageId: trackingId, partyOin: party.oin, step: 'gateway.received', outcome: 'ok', detail: 'regional-json' });
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) throw new GatewayError('VALIDATION_FAILED', 'The message has missing or malformed fields', describe(errors));
      // The client certificate names the sender; a body naming another party is refused, not re-attributed.
      if (dto.afzenderOin !== undefined && dto.afzenderOin !== party.oin) throw new GatewayError('OIN_MISMATCH', 'afzenderOin is not the OIN of your client certificate');
      if (party.kind !== 'regional') throw new GatewayError('WRONG_CHANNEL', 'This party sends signed XML to /v1/berichten');
      if (!party.signer) throw new GatewayError('INTERNAL_ERROR', 'The gateway has no usable signing key for this tenant; nothing was forwarded');
      const { type, xml } = translate(dto, party, party.signer);
      const [hash, ...sameContent] = hashes(body);
      return { trackingId, type, xml: await xml, hash, sameContent };
    } catch (err) {
      throw this.rejected(err, trackingId, party);
    }
  }

  /** A direct party's own signed XML (melding, intrekking, verwijdering, ping): verify, then forward as is. */
  async submitDirect(party: Party, xml: string): Promise<Accepted> {
    let trackingId: string = randomUUID();
    let opened: ReturnType<SubmitMessageUseCase['verifyDirect']>;
    try {
      if (party.kind !== 'direct') throw new GatewayError('WRONG_CHANNEL', 'Regional tenants send JSON to /v1/meldingen, /v1/intrekkingen, /v1/verwijderingen');
      opened = this.verifyDirect(xml);
      trackingId = opened.berichtId;
      this.trace({ messageId: trackingId, partyOin: party.oin, step: 'gateway.received', outcome: 'ok', detail: `direct-xml ${opened.type}` });
      if (opened.signerOin !== party.oin || opened.afzenderOin !== party.oin) {
        throw new GatewayError('OIN_MISMATCH', 'The message is signed or sent for another party');
      }
    } catch (err) {
      throw this.rejected(err, trackingId, party);
    }
    const [outcome] = await this.forwardMany(party, 'direct-xml', [{ trackingId, type: opened.type, xml, hash: sha256(xml), sameContent: [] }]);
    if (outcome instanceof GatewayError) throw outcome;
    return outcome;
  }

  /** Which message it is (by its root element) and whether its signature and sender hold. */
  private verifyDirect(xml: string): { type: InboundType; berichtId: string; afzenderOin: string; signerOin: string } {
    const o = { trustStore: this.trustStore, at: this.clock.now(), maxBytes: this.maxBytes };
    const root = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z]+)[\s/>]/.exec(xml)?.[1];
    try {
      switch (root) {
        case 'Intrekking': {
          const { message, signerOin } = openIntrekking(xml, o);
          return { type: 'intrekking', berichtId: message.berichtId, afzenderOin: message.afzenderOin, signerOin };
        }
        case 'Ping': {
          const { message, signerOin } = openPing(xml, o);
          return { type: 'ping', berichtId: message.berichtId, afzenderOin: message.afzenderOin, signerOin };
        }
        case 'Verwijdering': {
          const { message, signerOin } = openVerwijdering(xml, o);
          return { type: 'verwijdering', berichtId: message.berichtId, afzenderOin: message.afzenderOin, signerOin };
        }
        default: {
          // A melding, or anything else: verifyMelding gives the precise refusal.
          const { message, signerOin } = verifyMelding(xml, o);
          // The BSNs are encrypted for the index (which checks them); the date rules apply here already.
          const violations = checkMeldingDates(message, this.clock.today());
          if (violations.length > 0) throw new GatewayError(violations[0].code, violations[0].message);
          return { type: 'melding', berichtId: message.berichtId, afzenderOin: message.afzenderOin, signerOin };
        }
      }
    } catch (err) {
      if (err instanceof XmlMessageError) throw xmlRefusal(err);
      throw err;
    }
  }

  /**
   * Claims each message id in the ledger and produces every claimed message to the inbound topic
   * in ONE request: accepted only once durably on Kafka. Per message: Accepted (maybe a replay)
   * or the GatewayError it is refused with (flow event recorded).
   */
  private async forwardMany(party: Party, channel: 'regional-json' | 'direct-xml', messages: Prepared[]): Promise<(Accepted | GatewayError)[]> {
    if (messages.length === 0) return [];
    const now = this.clock.now();
    const claims = await this.ledger.claimMany(
      messages.map((m) => ({ messageId: m.trackingId, partyOin: party.oin, contentHash: m.hash, sameContent: m.sameContent, xml: m.xml })),
      now,
    );
    const outcomes: (Accepted | GatewayError)[] = messages.map((m, k) => {
      if (claims[k] === 'conflict') return this.rejected(new GatewayError('MESSAGE_ID_REUSED', 'This message id was already used for another message'), m.trackingId, party);
      if (claims[k] === 'replay') {
        this.trace({ messageId: m.trackingId, partyOin: party.oin, step: 'gateway.replayed', outcome: 'ok', detail: 'resend of an accepted message; nothing forwarded' });
        return { trackingId: m.trackingId, status: 'accepted', replayed: true };
      }
      return { trackingId: m.trackingId, status: 'accepted' };
    });
    const claimed = messages.filter((_m, k) => claims[k] === 'claimed');
    if (claimed.length === 0) return outcomes;
    try {
      await this.bus.publish(
        Contracts.inbound,
        claimed.map((m) => ({ key: m.trackingId, value: { messageId: m.trackingId, type: m.type, senderOin: party.oin, channel, receivedAt: now.toISOString(), xml: m.xml } })),
      );
    } catch {
      await this.ledger.release(...claimed.map((m) => m.trackingId));
      return messages.map((m, k) =>
        claims[k] === 'claimed' ? this.rejected(new GatewayError('UNAVAILABLE', 'The index cannot be reached right now; nothing was accepted', undefined, 5), m.trackingId, party) : outcomes[k],
      );
    }
    for (const m of claimed) this.trace({ messageId: m.trackingId, partyOin: party.oin, step: 'gateway.forwarded', outcome: 'ok', detail: m.type });
    return outcomes;
  }

  /** A flow event, without making the party wait for it (tracing never slows or fails an answer). */
  private trace(step: Parameters<FlowEventPublisher['record']>[0]): void {
    this.flow.record(step, (err) => console.warn(`flow event ${step.step} for ${step.messageId} not sent: ${(err as Error).message}`));
  }

  private rejected(err: unknown, trackingId: string, party: Party): GatewayError {
    const error = err instanceof GatewayError ? err : new GatewayError('INTERNAL_ERROR', 'Unexpected failure; nothing was forwarded');
    this.trace({ messageId: trackingId, partyOin: party.oin, step: 'gateway.validated', outcome: 'rejected', code: error.code, detail: error.message.slice(0, 500) });
    error.trackingId = trackingId;
    if (!(err instanceof GatewayError)) console.error(`INTERNAL_ERROR for ${trackingId}: ${(err as Error).message}`);
    return error;
  }
}
