import { UUID_PATTERN } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import type { FlowEventPublisher, MessageBus } from '@vir/messaging';
import type { AuditLog } from '../access/audit.log';
import type { PartyDirectory } from '../access/party-directory';
import { maySeeParty, visibleParties, type Viewer } from '../access/roles';
import type { ConsoleErrorCode } from '../console/console-errors';
import { positionMessageId, resendTarget } from './dead-letter';
import { GatewayAdminError, type GatewayAdminClient, type ForwardedXml } from './gateway-admin.client';
import { buildDelivery, buildParties, certificatesByFingerprint, EXPIRY_WARNING_DAYS, RATE_WINDOW_DAYS, type DeliveryModel, type PartyRow } from './operations-model';
import type { DeadLetterView, OperationsStore } from './operations.store';
import { maskXml, type MaskedXml } from './xml-mask';

export type Refusal = { refusal: ConsoleErrorCode; message?: string };
const OIN = /^\d{20}$/;

/**
 * The Delivery and Parties pages and the raw-XML view: what a viewer may see and do, through the
 * gateway's admin API and the monitor's read model. Only a beheerder changes anything; every
 * change, every refusal of one and every view is audited here.
 */
export class OperationsService {
  constructor(
    private readonly gateway: GatewayAdminClient,
    private readonly store: OperationsStore,
    private readonly audit: AuditLog,
    private readonly directory: PartyDirectory,
    private readonly bus: MessageBus,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
  ) {}

  private scope(viewer: Viewer): string[] | undefined {
    return visibleParties(viewer, this.directory.parties);
  }

  private async record(viewer: Viewer, action: string, target: string | null, outcome: 'ok' | 'refused' | 'forbidden', detail?: Record<string, unknown>): Promise<void> {
    await this.audit.record({ at: this.clock.now(), actor: viewer.username, action, target, outcome, detail });
  }

  private async gatewayRefusal(viewer: Viewer, action: string, target: string, err: unknown): Promise<Refusal> {
    if (!(err instanceof GatewayAdminError)) throw err;
    await this.record(viewer, action, target, 'refused', { code: err.code });
    return { refusal: err.unavailable ? 'GATEWAY_UNAVAILABLE' : 'GATEWAY_REFUSED', message: `${err.code}: ${err.message}` };
  }

  /** A beheerder only; another area's party is refused first (a convenantbeheerder acting by URL). Audited when refused. */
  private async mayAct(viewer: Viewer, action: string, target: string, partyOin?: string): Promise<Refusal | undefined> {
    if ((partyOin && !maySeeParty(this.scope(viewer), partyOin)) || viewer.role !== 'beheerder') {
      await this.record(viewer, action, target, 'forbidden');
      return { refusal: 'FORBIDDEN' };
    }
    return undefined;
  }

  async delivery(viewer: Viewer): Promise<{ model: DeliveryModel | null; gatewayProblem?: string; deadLetters: DeadLetterView[] | null }> {
    const scope = this.scope(viewer);
    // Dead letters name no party reliably: the whole system's, not a convenantbeheerder's business.
    const deadLetters = viewer.role === 'convenantbeheerder' ? null : await this.store.deadLetters(200);
    let model: DeliveryModel | null = null;
    let gatewayProblem: string | undefined;
    try {
      const [counts, failed, retrying] = await Promise.all([this.gateway.signalCounts(), this.gateway.signals('failed'), this.gateway.signals('retrying')]);
      model = buildDelivery(counts, [...failed, ...retrying], scope, this.clock.now());
    } catch (err) {
      if (!(err instanceof GatewayAdminError)) throw err;
      gatewayProblem = err.message;
    }
    await this.record(viewer, 'view-delivery', null, 'ok', { signals: model?.signals.length ?? null, deadLetters: deadLetters?.length ?? null });
    return { model, gatewayProblem, deadLetters };
  }

  async resendSignal(viewer: Viewer, id: string, reason: string | undefined): Promise<Refusal | { ok: true }> {
    const denied = await this.mayAct(viewer, 'resend-signal', id);
    if (denied) return denied;
    if (!UUID_PATTERN.test(id)) return { refusal: 'NOT_FOUND' };
    try {
      await this.gateway.resendSignal(id.toLowerCase(), `console ${viewer.username}${reason ? `: ${reason}` : ''}`);
    } catch (err) {
      return this.gatewayRefusal(viewer, 'resend-signal', id.toLowerCase(), err);
    }
    await this.record(viewer, 'resend-signal', id.toLowerCase(), 'ok', reason ? { reason } : undefined);
    return { ok: true };
  }

  async resendDeadLetter(viewer: Viewer, id: string): Promise<Refusal | { ok: true }> {
    const denied = await this.mayAct(viewer, 'resend-dead-letter', id);
    if (denied) return denied;
    const dl = /^\d{1,18}$/.test(id) ? await this.store.deadLetter(id) : undefined;
    if (!dl) return { refusal: 'NOT_FOUND' };
    const target = resendTarget(dl.sourceTopic, this.bus.topicPrefix, dl.value);
    if ('refusal' in target) {
      await this.record(viewer, 'resend-dead-letter', dl.id, 'refused', { code: 'NOT_RESENDABLE', reason: target.refusal });
      return { refusal: 'NOT_RESENDABLE', message: target.refusal };
    }
    await this.bus.publishRaw(target.topic, [{ key: target.key, value: dl.value }]);
    const now = this.clock.now();
    await this.store.markResent(dl.id, viewer.username, now);
    await this.record(viewer, 'resend-dead-letter', dl.id, 'ok', { topic: target.topic, key: target.key, position: dl.position, messageId: dl.messageId });
    await this.flow.emit({
      messageId: dl.messageId ?? positionMessageId(dl.position),
      ...(dl.partyOin ? { partyOin: dl.partyOin } : {}),
      step: 'monitor.dead-letter-resent',
      outcome: 'ok',
      detail: `back to ${target.topic} by ${viewer.username}`,
    });
    return { ok: true };
  }

  async parties(viewer: Viewer): Promise<{ rows: PartyRow[] | null; gatewayProblem?: string }> {
    const now = this.clock.now();
    let rows: PartyRow[] | null = null;
    let gatewayProblem: string | undefined;
    try {
      const [parties, activity, certificates] = await Promise.all([
        this.gateway.parties(),
        this.store.activity(new Date(now.getTime() - RATE_WINDOW_DAYS * 86_400_000), now),
        this.gateway.certificates(EXPIRY_WARNING_DAYS),
      ]);
      rows = buildParties(parties, activity, certificatesByFingerprint(certificates), this.scope(viewer), now);
    } catch (err) {
      if (!(err instanceof GatewayAdminError)) throw err;
      gatewayProblem = err.message;
    }
    await this.record(viewer, 'view-parties', null, 'ok', { parties: rows?.length ?? null });
    return { rows, gatewayProblem };
  }

  async setPartyStatus(viewer: Viewer, oin: string, to: 'suspended' | 'active', reason: string | undefined): Promise<Refusal | { ok: true }> {
    const action = to === 'suspended' ? 'suspend-party' : 'resume-party';
    if (!OIN.test(oin)) return { refusal: 'NOT_FOUND' };
    const denied = await this.mayAct(viewer, action, oin, oin);
    if (denied) return denied;
    try {
      if (to === 'suspended') await this.gateway.suspend(oin, `console ${viewer.username}${reason ? `: ${reason}` : ''}`);
      else await this.gateway.resume(oin);
    } catch (err) {
      return this.gatewayRefusal(viewer, action, oin, err);
    }
    await this.record(viewer, action, oin, 'ok', reason ? { reason } : undefined);
    return { ok: true };
  }

  /** The signed XML of a forwarded message, masked; operators (beheerder) only; every view audited. */
  async rawXml(viewer: Viewer, id: string): Promise<Refusal | { source: ForwardedXml; masked: MaskedXml }> {
    if (!UUID_PATTERN.test(id)) return { refusal: 'NOT_FOUND' };
    const trackingId = id.toLowerCase();
    const denied = await this.mayAct(viewer, 'view-raw-xml', trackingId);
    if (denied) return denied;
    let source: ForwardedXml;
    try {
      source = await this.gateway.forwardedXml(trackingId);
    } catch (err) {
      if (err instanceof GatewayAdminError && err.code === 'NOT_FOUND') {
        await this.record(viewer, 'view-raw-xml', trackingId, 'refused', { code: 'NOT_FOUND' });
        return { refusal: 'NOT_FOUND', message: 'The gateway holds no forwarded XML for this id (a signal, a refused message, or one from before the XML was kept).' };
      }
      return this.gatewayRefusal(viewer, 'view-raw-xml', trackingId, err);
    }
    const masked = maskXml(source.xml);
    await this.record(viewer, 'view-raw-xml', trackingId, 'ok', { maskedBsns: masked.maskedBsns, encryptedValues: masked.encryptedValues });
    // The unmasked text goes no further than this function.
    return { source: { ...source, xml: '' }, masked };
  }
}
