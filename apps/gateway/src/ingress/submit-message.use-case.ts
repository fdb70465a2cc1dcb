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
} from '@vir/contracts';
import { checkMelding, checkMeldingDates, type Clock } from '@vir/domain';
import type { FlowEventPublisher, MessageBus } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import { openIntrekking, openPing, openVerwijdering, sealMelding, signIntrekking, signPing, signVerwijdering, verifyMelding, XmlMessageError, type Signer } from '@vir/xml';
import type { Party } from '../parties/party.registry';
import { GatewayError } from './gateway.error';
import type { IngressLedger } from './ingress.ledger';
import { parseJson } from './request-body';
import { xmlRefusal } from './xml-refusal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Accepted {
  trackingId: string;
  status: 'accepted';
  /** Present when this was a resend of an accepted message: nothing new was forwarded. */
  replayed?: true;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${m}`),
    ...describe(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

function requireReference(m: MeldingVerwijzing): void {
  if (!m.berichtId && !m.referentie) throw new GatewayError('VALIDATION_FAILED', 'Name the melding by berichtId and/or referentie', ['melding: berichtId or referentie required']);
}

/** What a regional JSON message becomes: the signed national XML and its inbound type. */
type Translate<T> = (dto: T, party: Party, signer: Signer) => { type: InboundType; xml: string };

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
  ) {}

  /** A regional tenant's JSON melding: validate, translate, encrypt BSNs, sign, forward. */
  submitRegionalMelding(party: Party, rawBody: string): Promise<Accepted> {
    return this.regional(party, rawBody, RegionaleMeldingDto, (dto, p, signer) => {
      const melding = toMeldingBericht(dto, p, this.clock.now());
      const violations = checkMelding(melding, this.clock.today());
      if (violations.length > 0) {
        throw new GatewayError(violations[0].code, violations.map((v) => v.message).join('; '), violations.map((v) => `${v.field}: ${v.code}`));
      }
      return { type: 'melding', xml: sealMelding(melding, { signer, recipientCertificatePem: this.indexCertificatePem }) };
    });
  }

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
    let trackingId: string = randomUUID();
    try {
      const body = parseJson(rawBody);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('VALIDATION_FAILED', 'The body must be a JSON object');
      const dto = plainToInstance(cls, body);
      if (typeof dto.berichtId === 'string' && UUID.test(dto.berichtId)) trackingId = dto.berichtId.toLowerCase();
      await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.received', outcome: 'ok', detail: 'regional-json' });
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) throw new GatewayError('VALIDATION_FAILED', 'The message has missing or malformed fields', describe(errors));
      // The client certificate names the sender; a body naming another party is refused, not re-attributed.
      if (dto.afzenderOin !== undefined && dto.afzenderOin !== party.oin) throw new GatewayError('OIN_MISMATCH', 'afzenderOin is not the OIN of your client certificate');
      if (party.kind !== 'regional') throw new GatewayError('WRONG_CHANNEL', 'This party sends signed XML to /v1/berichten');
      if (!party.signer) throw new GatewayError('INTERNAL_ERROR', 'The gateway has no usable signing key for this tenant; nothing was forwarded');
      const { type, xml } = translate(dto, party, party.signer);
      return await this.forward(trackingId, party, type, 'regional-json', xml, sha256(rawBody));
    } catch (err) {
      throw await this.rejected(err, trackingId, party);
    }
  }

  /** A direct party's own signed XML (melding, intrekking, verwijdering, ping): verify, then forward as is. */
  async submitDirect(party: Party, xml: string): Promise<Accepted> {
    let trackingId: string = randomUUID();
    try {
      if (party.kind !== 'direct') throw new GatewayError('WRONG_CHANNEL', 'Regional tenants send JSON to /v1/meldingen, /v1/intrekkingen, /v1/verwijderingen');
      const opened = this.verifyDirect(xml);
      trackingId = opened.berichtId;
      await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.received', outcome: 'ok', detail: `direct-xml ${opened.type}` });
      if (opened.signerOin !== party.oin || opened.afzenderOin !== party.oin) {
        throw new GatewayError('OIN_MISMATCH', 'The message is signed or sent for another party');
      }
      return await this.forward(trackingId, party, opened.type, 'direct-xml', xml, sha256(xml));
    } catch (err) {
      throw await this.rejected(err, trackingId, party);
    }
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

  private async forward(trackingId: string, party: Party, type: InboundType, channel: 'regional-json' | 'direct-xml', xml: string, contentHash: string): Promise<Accepted> {
    const claim = await this.ledger.claim(trackingId, party.oin, contentHash, this.clock.now());
    if (claim === 'conflict') throw new GatewayError('MESSAGE_ID_REUSED', 'This message id was already used for another message');
    if (claim === 'replay') {
      await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.replayed', outcome: 'ok', detail: 'resend of an accepted message; nothing forwarded' });
      return { trackingId, status: 'accepted', replayed: true };
    }
    try {
      await this.bus.publish(Contracts.inbound, [
        { key: trackingId, value: { messageId: trackingId, type, senderOin: party.oin, channel, receivedAt: this.clock.now().toISOString(), xml } },
      ]);
    } catch {
      await this.ledger.release(trackingId);
      throw new GatewayError('UNAVAILABLE', 'The index cannot be reached right now; nothing was accepted', undefined, 5);
    }
    await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.forwarded', outcome: 'ok', detail: type });
    return { trackingId, status: 'accepted' };
  }

  private async rejected(err: unknown, trackingId: string, party: Party): Promise<GatewayError> {
    const error = err instanceof GatewayError ? err : new GatewayError('INTERNAL_ERROR', 'Unexpected failure; nothing was forwarded');
    await this.flow
      .emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.validated', outcome: 'rejected', code: error.code, detail: error.message.slice(0, 500) })
      .catch(() => undefined);
    error.trackingId = trackingId;
    if (!(err instanceof GatewayError)) console.error(`INTERNAL_ERROR for ${trackingId}: ${(err as Error).message}`);
    return error;
  }
}
