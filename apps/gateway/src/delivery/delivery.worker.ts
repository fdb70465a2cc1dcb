import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Clock } from '@vir/domain';
import type { FlowEventPublisher } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import type { Party, PartyRegistry } from '../parties/party.registry';
import { isGivenUp, retryDelayMs } from './signal-lifecycle';
import { PushOutcomeWriter } from './push-outcome.writer';
import { renderSignal } from './signal-render';
import type { SignalRecord, SignalStore } from './signal.store';
import type { WebhookClient } from './webhook.client';

export interface DeliveryPolicy {
  pollMs: number;
  retryBaseMs: number;
  giveUpMs: number;
  /** A claimed signal not finished within this time is claimed again (crash safety). */
  leaseMs: number;
  /** Told the duration of every webhook push (metrics); must be cheap. */
  observePush?: (outcome: 'delivered' | 'failed', seconds: number) => void;
}

/**
 * Pushes queued signals to each active party's webhook, and gives up signals nobody fetched.
 * Signals are claimed with a lease (so several gateway instances, or a restart mid-delivery, never
 * lose one), delivered per party in production order (a failing signal holds back the party's
 * later ones), and retried with exponential backoff until the give-up time; then the signal is
 * failed and raised (an error log line and a failed flow event). Every transition is recorded in
 * the signal's history and emitted as a flow event.
 */
export class DeliveryWorker {
  private readonly log = new Logger(DeliveryWorker.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private lastSweep = 0;
  /** Per-party deliveries in progress (stop() waits for them). */
  private readonly chains = new Set<Promise<void>>();
  private readonly outcomes: PushOutcomeWriter;

  constructor(
    private readonly store: SignalStore,
    private readonly parties: PartyRegistry,
    private readonly client: WebhookClient,
    private readonly trustStore: TrustStore,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy,
  ) {
    this.outcomes = new PushOutcomeWriter(store);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.policy.pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([...this.chains]);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.pass()
      .catch((err: unknown) => this.log.warn(`Delivery pass failed: ${(err as Error).message}`))
      .finally(() => {
        this.running = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() - this.lastSweep >= Math.min(5_000, this.policy.giveUpMs / 2)) {
      this.lastSweep = now.getTime();
      for (const s of await this.store.failOverdueUnpushed(now, new Date(now.getTime() - this.policy.giveUpMs))) {
        await this.raiseFailed(s, s.attempts, 'not acknowledged within the give-up time (pull)');
      }
    }
    const rows = await this.store.claimForPush(now, new Date(now.getTime() + this.policy.leaseMs));
    if (rows.length === 0) return;
    const perParty = new Map<string, SignalRecord[]>();
    for (const r of rows.sort((a, b) => Number(a.seq) - Number(b.seq))) {
      const list = perParty.get(r.recipient_oin);
      if (list) list.push(r);
      else perParty.set(r.recipient_oin, [r]);
    }
    // Each party on its own: a slow or failing webhook holds back only its own party. The claim
    // gives a party's later signals only once all its earlier ones are done, so its chains never overlap.
    for (const [oin, signals] of perParty) {
      const chain = this.deliverInOrder(oin, signals)
        .catch((err: unknown) => this.log.warn(`Delivery to ${oin} interrupted (claimed signals go again after their lease): ${(err as Error).message}`))
        .finally(() => {
          this.chains.delete(chain);
          this.kick();
        });
      this.chains.add(chain);
    }
  }

  /**
   * POSTs the party's claimed signals in order, one per request or, for a party with a
   * pushBatchSize above 1 (JSON), that many per request; stops at the first request that fails.
   */
  private async deliverInOrder(oin: string, signals: SignalRecord[]): Promise<void> {
    const party = this.parties.find(oin);
    const size = party?.deliveryFormat === 'json' ? party.pushBatchSize : 1;
    const written: Promise<void>[] = [];
    try {
      for (let i = 0; i < signals.length; i += size) {
        const group = signals.slice(i, i + size);
        const result = party ? await this.attempt(party, group) : { ok: false, error: 'party unknown' };
        const doneAt = this.clock.now();
        if (result.ok) {
          for (const s of group) {
            written.push(this.outcomes.write({ id: s.id, sentAt: result.sentAt!, doneAt, status: 'delivered' }).then((applied) => this.delivered(s, applied)));
          }
          continue;
        }
        if (result.sentAt) {
          const error = (result.error ?? 'failed').slice(0, 300);
          for (const s of group) {
            const giveUp = isGivenUp(new Date(s.retry_since), doneAt, this.policy.giveUpMs);
            const next = new Date(doneAt.getTime() + retryDelayMs(s.attempts + 1, this.policy.retryBaseMs));
            written.push(
              this.outcomes
                .write({ id: s.id, sentAt: result.sentAt, doneAt, status: giveUp ? 'failed' : 'retrying', nextAttemptAt: next, error })
                .then((applied) => this.failedAttempt(s, applied, error)),
            );
          }
        }
        // Keep the party's order: later signals wait for the request that failed.
        written.push(this.store.release(signals.slice(i + group.length).map((x) => x.id), this.clock.now()));
        return;
      }
    } finally {
      await Promise.all(written);
    }
  }

  /**
   * One POST of the signals as their party wants them (one signal: its own body and Idempotency-Key,
   * the signal id; several: one JSON body, all or none); sentAt is undefined when nothing went out.
   */
  private async attempt(party: Party, group: SignalRecord[]): Promise<{ ok: boolean; error?: string; sentAt?: Date }> {
    const sentAt = this.clock.now();
    const together = group.length > 1 ? ` (${group.length} signals in one request)` : '';
    for (const s of group) {
      this.flow.record(
        { messageId: s.id, correlationIds: s.correlation_ids, partyOin: party.oin, step: 'gateway.signal-sent', outcome: 'ok', detail: `push attempt ${s.attempts + 1}${together}` },
        this.flowFailed,
      );
    }
    try {
      const { body, contentType, headers } = group.length === 1 ? this.single(party, group[0], sentAt) : this.batch(group, sentAt);
      if (!party.webhookUrl) return { ok: false, error: 'no webhook configured', sentAt };
      const started = process.hrtime.bigint();
      const result = await this.client.post(party.webhookUrl, body, contentType, headers);
      this.policy.observePush?.(result.ok ? 'delivered' : 'failed', Number(process.hrtime.bigint() - started) / 1e9);
      return { ...result, sentAt };
    } catch (err) {
      return { ok: false, error: `cannot render: ${(err as Error).message}`, sentAt };
    }
  }

  private single(party: Party, s: SignalRecord, now: Date): { body: string; contentType: string; headers: Record<string, string> } {
    const { body, contentType } = renderSignal(party.deliveryFormat, s, this.trustStore, now);
    return { body, contentType, headers: { 'Idempotency-Key': s.id, 'X-VIR-Signal-Id': s.id, 'X-VIR-Message-Type': s.type } };
  }

  /**
   * Several signals in one JSON request, in production order. The Idempotency-Key is derived from
   * their ids (the same group, the same key); a retry may carry more signals than the failed
   * request did, so receivers deduplicate per signal id (X-VIR-Signal-Ids, in the body's order).
   */
  private batch(group: SignalRecord[], now: Date): { body: string; contentType: string; headers: Record<string, string> } {
    const signalen = group.map((s) => renderSignal('json', s, this.trustStore, now).json);
    const ids = group.map((s) => s.id);
    const key = `signalen-${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 32)}`;
    return {
      body: JSON.stringify({ berichtType: 'signalen', signalen }),
      contentType: 'application/json',
      headers: { 'Idempotency-Key': key, 'X-VIR-Signal-Ids': ids.join(','), 'X-VIR-Message-Type': 'signalen' },
    };
  }

  private delivered(s: SignalRecord, applied: { attempt: number } | undefined): void {
    if (!applied) return; // acknowledged meanwhile
    this.flow.record({ messageId: s.id, correlationIds: s.correlation_ids, partyOin: s.recipient_oin, step: 'gateway.delivered', outcome: 'ok', detail: `attempt ${applied.attempt}` }, this.flowFailed);
  }

  private async failedAttempt(s: SignalRecord, applied: { status: string; attempt: number } | undefined, error: string): Promise<void> {
    if (!applied) return;
    if (applied.status === 'failed') await this.raiseFailed(s, applied.attempt, error);
    else {
      this.flow.record(
        { messageId: s.id, correlationIds: s.correlation_ids, partyOin: s.recipient_oin, step: 'gateway.delivery-attempt', outcome: 'failed', code: 'DELIVERY_RETRYING', detail: `attempt ${applied.attempt}: ${error}`.slice(0, 500) },
        this.flowFailed,
      );
    }
  }

  private readonly flowFailed = (err: unknown) => this.log.warn(`Flow event not published: ${(err as Error).message}`);

  /** A signal given up: an operator must see it (error log line, failed flow event) and may resend it. */
  private async raiseFailed(s: Pick<SignalRecord, 'id' | 'type' | 'recipient_oin' | 'correlation_ids' | 'retry_since'>, attempts: number, error: string): Promise<void> {
    const hours = ((this.clock.now().getTime() - new Date(s.retry_since).getTime()) / 3_600_000).toFixed(1);
    this.log.error(
      `SIGNAL DELIVERY FAILED: ${s.type} ${s.id} to party ${s.recipient_oin} given up after ${attempts} attempt(s) over ${hours} h (${error}); ` +
        `resend with: vir signal resend ${s.id}`,
    );
    await this.flow.emit({
      messageId: s.id,
      correlationIds: s.correlation_ids,
      partyOin: s.recipient_oin,
      step: 'gateway.delivery-failed',
      outcome: 'failed',
      code: 'DELIVERY_GAVE_UP',
      detail: `given up after ${attempts} attempt(s): ${error}`.slice(0, 500),
    });
  }
}
