import { UUID_PATTERN } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import type { FlowEventPublisher } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import { GatewayError } from '../ingress/gateway.error';
import { parseJson } from '../ingress/request-body';
import type { Party } from '../parties/party.registry';
import { encodeCursor, parseFollowUp, parsePullQuery, sameFollowUp, SIGNAL_STATUSES, type FollowUp, type SignalStatus } from './signal-lifecycle';
import { renderSignal } from './signal-render';
import type { SignalCount, SignalStatusView, SignalStore } from './signal.store';

const OIN = /^[0-9]{20}$/;

export interface PulledSignal {
  id: string;
  type: string;
  receivedAt: string;
  attempt: number;
  contentType: string;
  /** JSON parties: the message as an object (as pushed); XML parties: the index-signed XML. */
  bericht: object | string;
}

export interface PullAnswer {
  signalen: PulledSignal[];
  /** Pass it as `cursor` for the next page; null when this page was the last one now. */
  nextCursor: string | null;
  /** When the listed signals, unacknowledged, come again. */
  visibleAgainAt: string | null;
}

/** The party's view of one of its signals: no operator names, no other party's anything. */
export type PartySignalView = Omit<SignalStatusView, 'history'> & { history: Omit<SignalStatusView['history'][number], 'actor'>[] };

const notFound = () => new GatewayError('SIGNAL_NOT_FOUND', 'No signal with this id for your party');

/**
 * The signals as the parties and the operators use them: pull and acknowledge, status, follow-up,
 * and the operators' resend. Every change is a status transition recorded in the signal's history
 * and emitted as a flow event; a refusal changes nothing.
 */
export class SignalsService {
  constructor(
    private readonly store: SignalStore,
    private readonly trustStore: TrustStore,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
    private readonly visibilityMs: number,
    private readonly kickDelivery: () => void = () => undefined,
  ) {}

  /** GET /v1/signalen: the party's undelivered signals in production order, invisible for the visibility timeout. */
  async pull(party: Party, query: { cursor?: unknown; limit?: unknown }): Promise<PullAnswer> {
    if (!party.pull) throw new GatewayError('PULL_NOT_ENABLED', 'Pull delivery is not enabled for your party');
    const parsed = parsePullQuery(query);
    if ('problems' in parsed) throw new GatewayError('VALIDATION_FAILED', 'Invalid pull parameters', parsed.problems);
    const now = this.clock.now();
    const visibleUntil = new Date(now.getTime() + this.visibilityMs);
    const rows = await this.store.claimForPull(party.oin, parsed.afterSeq, parsed.limit, now, visibleUntil);
    const signalen = rows.map((r) => {
      const rendered = renderSignal(party.deliveryFormat, r, this.trustStore, now);
      return { id: r.id, type: r.type, receivedAt: new Date(r.received_at).toISOString(), attempt: r.attempts, contentType: rendered.contentType, bericht: rendered.json ?? rendered.body };
    });
    await Promise.all(rows.map((r) => this.flow.emit({ messageId: r.id, correlationIds: r.correlation_ids, partyOin: party.oin, step: 'gateway.signal-sent', outcome: 'ok', detail: `pull attempt ${r.attempts}` })));
    return {
      signalen,
      nextCursor: rows.length === parsed.limit ? encodeCursor(rows[rows.length - 1].seq) : null,
      visibleAgainAt: rows.length > 0 ? visibleUntil.toISOString() : null,
    };
  }

  /** POST /v1/signalen/{id}/ack. */
  async acknowledgeOne(party: Party, id: string): Promise<{ id: string; status: 'acknowledged'; replayed?: true }> {
    if (!UUID_PATTERN.test(id)) throw notFound();
    const result = await this.acknowledge(party, [id.toLowerCase()], false);
    return { id: id.toLowerCase(), status: 'acknowledged', ...(result.alreadyAcknowledged.length > 0 ? { replayed: true as const } : {}) };
  }

  /** POST /v1/signalen/ack `{ "ids": [ … ] }`: all or nothing. */
  async acknowledgeMany(party: Party, text: string): Promise<{ acknowledged: string[]; alreadyAcknowledged: string[] }> {
    const body = parseJson(text) as { ids?: unknown };
    const ids = typeof body === 'object' && body !== null && !Array.isArray(body) ? body.ids : undefined;
    const extra = typeof body === 'object' && body !== null ? Object.keys(body).filter((k) => k !== 'ids') : [];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 500 || extra.length > 0 || !ids.every((i) => typeof i === 'string')) {
      throw new GatewayError('VALIDATION_FAILED', 'The body must be { "ids": [ signal ids ] }, 1 to 500 of them', ['ids must be an array of 1 to 500 signal ids']);
    }
    const invalid = (ids as string[]).filter((i) => !UUID_PATTERN.test(i));
    if (invalid.length > 0) throw new GatewayError('SIGNAL_NOT_FOUND', 'No signal with these ids for your party; nothing was acknowledged', invalid.map((i) => i.slice(0, 40)));
    return this.acknowledge(party, [...new Set((ids as string[]).map((i) => i.toLowerCase()))], true);
  }

  private async acknowledge(party: Party, ids: string[], bulk: boolean): Promise<{ acknowledged: string[]; alreadyAcknowledged: string[] }> {
    const result = await this.store.acknowledge(ids, party.oin, this.clock.now());
    if ('missing' in result) {
      throw !bulk ? notFound() : new GatewayError('SIGNAL_NOT_FOUND', 'No signal with these ids for your party; nothing was acknowledged', result.missing);
    }
    await Promise.all(result.acknowledged.map((r) => this.flow.emit({ messageId: r.id, correlationIds: r.correlation_ids, partyOin: party.oin, step: 'gateway.acknowledged', outcome: 'ok' })));
    return { acknowledged: result.acknowledged.map((r) => r.id), alreadyAcknowledged: result.already };
  }

  /** GET /v1/signalen/{id}: the party's own signal, its status and history. */
  async statusForParty(party: Party, id: string): Promise<PartySignalView> {
    const view = UUID_PATTERN.test(id) ? await this.store.view(id.toLowerCase(), party.oin) : undefined;
    if (!view) throw notFound();
    return { ...view, history: view.history.map(({ actor: _actor, ...h }) => h) };
  }

  /**
   * POST /v1/signalen/{id}/opvolging: the party reports whether contact was made after a
   * matchsignaal it received. One report per signal: an identical repeat gets the first answer,
   * a different one FOLLOW_UP_EXISTS.
   */
  async reportFollowUp(party: Party, id: string, text: string): Promise<{ status: number; body: FollowUp & { signalId: string; reportedAt: string; replayed?: true } }> {
    const signal = UUID_PATTERN.test(id) ? await this.store.forFollowUp(id.toLowerCase(), party.oin) : undefined;
    if (!signal || signal.type !== 'matchsignaal') throw notFound();
    const now = this.clock.now();
    const parsed = parseFollowUp(parseJson(text), new Date(signal.received_at).toISOString().slice(0, 10), now.toISOString().slice(0, 10));
    if ('problems' in parsed) throw new GatewayError('VALIDATION_FAILED', 'Invalid follow-up report', parsed.problems);
    if (signal.status !== 'delivered' && signal.status !== 'acknowledged') {
      throw new GatewayError('SIGNAL_NOT_DELIVERED', `The signal is ${signal.status}, not delivered to your party yet`);
    }
    const signalId = id.toLowerCase();
    const { created, stored } = await this.store.recordFollowUp(signalId, party.oin, parsed, now);
    if (!created) {
      if (!sameFollowUp(stored, parsed)) throw new GatewayError('FOLLOW_UP_EXISTS', 'A different follow-up was already reported for this signal');
      return { status: 200, body: { signalId, ...stored, replayed: true } };
    }
    await this.flow.emit({
      messageId: signalId,
      correlationIds: signal.correlation_ids,
      partyOin: party.oin,
      step: 'gateway.follow-up-reported',
      outcome: 'ok',
      ...(parsed.redenCode ? { code: parsed.redenCode } : {}),
      // For the figures: no personal data, only the answer and its dates.
      detail: `contact=${parsed.contact} datum=${parsed.datum} received=${new Date(signal.received_at).toISOString().slice(0, 10)}${parsed.redenCode ? ` reden=${parsed.redenCode}` : ''}`,
    });
    return { status: 201, body: { signalId, ...stored } };
  }

  /** Operators: one signal with its history and follow-up. */
  async show(id: string): Promise<SignalStatusView> {
    const view = UUID_PATTERN.test(id) ? await this.store.view(id.toLowerCase()) : undefined;
    if (!view) throw notFound();
    return view;
  }

  /** Operators: signals, newest first, by party and/or status. */
  async list(query: { party?: unknown; status?: unknown; limit?: unknown }): Promise<{ signalen: Omit<SignalStatusView, 'history' | 'followUp'>[] }> {
    const problems: string[] = [];
    const party = query.party === undefined ? undefined : String(query.party);
    if (party !== undefined && !OIN.test(party)) problems.push('party must be a 20-digit OIN');
    const status = query.status === undefined ? undefined : (String(query.status) as SignalStatus);
    if (status !== undefined && !SIGNAL_STATUSES.includes(status)) problems.push(`status must be one of ${SIGNAL_STATUSES.join(', ')}`);
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) problems.push('limit must be a whole number from 1 to 1000');
    if (problems.length > 0) throw new GatewayError('VALIDATION_FAILED', 'Invalid signal query', problems);
    return { signalen: await this.store.list({ party, status, limit }) };
  }

  /** Operators: per party and status, the signals queued, sent, retrying or failed. */
  async counts(): Promise<{ counts: SignalCount[] }> {
    return { counts: await this.store.counts() };
  }

  /** Operators: resend a failed signal (audited in its history with the operator's name). */
  async resend(id: string, actor: string, text: string): Promise<SignalStatusView> {
    const body = text.trim() ? (parseJson(text) as { reason?: unknown }) : {};
    if (typeof body !== 'object' || body === null || Array.isArray(body) || (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > 500))) {
      throw new GatewayError('VALIDATION_FAILED', 'The body must be { "reason"?: text of at most 500 characters }', ['reason must be a string of at most 500 characters']);
    }
    if (!UUID_PATTERN.test(id)) throw notFound();
    const result = await this.store.resend(id.toLowerCase(), actor, (body.reason as string | undefined) ?? null, this.clock.now());
    if (result.outcome === 'missing') throw notFound();
    if (result.outcome === 'not-failed') throw new GatewayError('SIGNAL_NOT_FAILED', `The signal is ${result.status}; only a failed signal can be resent`);
    const r = result.record;
    await this.flow.emit({ messageId: r.id, correlationIds: r.correlation_ids, partyOin: r.recipient_oin, step: 'gateway.signal-resent', outcome: 'ok', detail: `resent by ${actor}` });
    this.kickDelivery();
    return this.show(r.id);
  }
}
