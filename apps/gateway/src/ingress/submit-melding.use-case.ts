import { createHash, randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { Contracts, RegionaleMeldingDto, toMeldingBericht } from '@vir/contracts';
import { checkMelding, checkMeldingDates, type Clock } from '@vir/domain';
import type { FlowEventPublisher, MessageBus } from '@vir/messaging';
import { sealMelding, verifyMelding, XmlMessageError } from '@vir/xml';
import type { TrustStore } from '@vir/pki';
import type { Party } from '../parties/party.registry';
import type { IngressLedger } from './ingress.ledger';
import { GatewayError } from './gateway.error';
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


/**
 * Ingress use cases. A melding is accepted only once it is durably on the inbound topic; every
 * refusal is a GatewayError with a documented code, and nothing is forwarded.
 */
export class SubmitMeldingUseCase {
  constructor(
    private readonly bus: MessageBus,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
    private readonly trustStore: TrustStore,
    private readonly indexCertificatePem: string,
    private readonly maxBytes: number,
    private readonly ledger: IngressLedger,
  ) {}

  /** A regional tenant's JSON melding: validate, translate, encrypt BSNs, sign, forward. */
  async submitRegional(party: Party, rawBody: string): Promise<Accepted> {
    let trackingId: string = randomUUID();
    try {
      const body = parseJson(rawBody);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('VALIDATION_FAILED', 'The body must be a JSON object');
      const dto = plainToInstance(RegionaleMeldingDto, body);
      if (typeof dto.berichtId === 'string' && UUID.test(dto.berichtId)) trackingId = dto.berichtId.toLowerCase();
      await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.received', outcome: 'ok', detail: 'regional-json' });
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) throw new GatewayError('VALIDATION_FAILED', 'The melding has missing or malformed fields', describe(errors));
      if (party.kind !== 'regional' || !party.signer) throw new GatewayError('WRONG_CHANNEL', 'This party sends signed XML to /v1/berichten');
      const now = this.clock.now();
      const melding = toMeldingBericht(dto, party, now);
      const violations = checkMelding(melding, this.clock.today());
      if (violations.length > 0) {
        throw new GatewayError(violations[0].code, violations.map((v) => v.message).join('; '), violations.map((v) => `${v.field}: ${v.code}`));
      }
      const xml = sealMelding(melding, { signer: party.signer, recipientCertificatePem: this.indexCertificatePem });
      return await this.forward(trackingId, party, 'regional-json', xml, sha256(rawBody));
    } catch (err) {
      throw await this.rejected(err, trackingId, party);
    }
  }

  /** A direct party's own signed XML: verify signature, trust and sender, then forward as is. */
  async submitDirect(party: Party, xml: string): Promise<Accepted> {
    let trackingId: string = randomUUID();
    try {
      if (party.kind !== 'direct') throw new GatewayError('WRONG_CHANNEL', 'Regional tenants send JSON to /v1/meldingen');
      let opened;
      try {
        opened = verifyMelding(xml, { trustStore: this.trustStore, at: this.clock.now(), maxBytes: this.maxBytes });
      } catch (err) {
        if (err instanceof XmlMessageError) throw xmlRefusal(err);
        throw err;
      }
      trackingId = opened.message.berichtId;
      await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.received', outcome: 'ok', detail: 'direct-xml' });
      if (opened.signerOin !== party.oin || opened.message.afzenderOin !== party.oin) {
        throw new GatewayError('OIN_MISMATCH', 'The message is signed or sent for another party');
      }
      // The BSNs are encrypted for the index (which checks them); the date rules apply here already.
      const violations = checkMeldingDates(opened.message, this.clock.today());
      if (violations.length > 0) throw new GatewayError(violations[0].code, violations[0].message);
      return await this.forward(trackingId, party, 'direct-xml', xml, sha256(xml));
    } catch (err) {
      throw await this.rejected(err, trackingId, party);
    }
  }

  private async forward(trackingId: string, party: Party, channel: 'regional-json' | 'direct-xml', xml: string, contentHash: string): Promise<Accepted> {
    const claim = await this.ledger.claim(trackingId, party.oin, contentHash, this.clock.now());
    if (claim === 'conflict') throw new GatewayError('MESSAGE_ID_REUSED', 'This message id was already used for another message');
    if (claim === 'replay') {
      await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.replayed', outcome: 'ok', detail: 'resend of an accepted message; nothing forwarded' });
      return { trackingId, status: 'accepted', replayed: true };
    }
    try {
      await this.bus.publish(Contracts.inbound, [
        { key: trackingId, value: { messageId: trackingId, type: 'melding', senderOin: party.oin, channel, receivedAt: this.clock.now().toISOString(), xml } },
      ]);
    } catch {
      await this.ledger.release(trackingId);
      throw new GatewayError('UNAVAILABLE', 'The index cannot be reached right now; nothing was accepted', undefined, 5);
    }
    await this.flow.emit({ messageId: trackingId, partyOin: party.oin, step: 'gateway.forwarded', outcome: 'ok' });
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
