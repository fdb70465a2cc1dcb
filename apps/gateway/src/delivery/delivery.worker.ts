import { Logger } from '@nestjs/common';
import type { Clock } from '@vir/domain';
import type { FlowEventPublisher } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import type { Party, PartyRegistry } from '../parties/party.registry';
import { isGivenUp, retryDelayMs } from './signal-lifecycle';
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

  constructor(
    private readonly store: SignalStore,
    private readonly parties: PartyRegistry,
    private readonly client: WebhookClient,
    private readonly trustStore: TrustStore,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.policy.pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
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
      perParty.set(r.recipient_oin, [...(perParty.get(r.recipient_oin) ?? []), r]);
    }
    await Promise.all([...perParty].map(([oin, signals]) => this.deliverInOrder(oin, signals)));
  }

  private async deliverInOrder(oin: string, signals: SignalRecord[]): Promise<void> {
    const party = this.parties.find(oin);
    for (const [i, s] of signals.entries()) {
      const ok = party ? await this.deliver(party, s) : false;
      if (!ok) {
        // Keep the party's order: later signals wait for the one that failed.
        await this.store.release(signals.slice(i + 1).map((x) => x.id), this.clock.now());
        return;
      }
    }
  }

  /** One attempt: → sent, POST, → delivered or → retrying / failed. True when the party's next signal may go. */
  private async deliver(party: Party, s: SignalRecord): Promise<boolean> {
    const base = { messageId: s.id, correlationIds: s.correlation_ids, partyOin: party.oin };
    const attempt = await this.store.markSent(s.id, this.clock.now(), 'push');
    if (attempt === undefined) return true; // acknowledged meanwhile: nothing to send
    await this.flow.emit({ ...base, step: 'gateway.signal-sent', outcome: 'ok', detail: `push attempt ${attempt}` });
    let result: { ok: boolean; error?: string };
    const started = process.hrtime.bigint();
    try {
      const { body, contentType } = renderSignal(party.deliveryFormat, s, this.trustStore, this.clock.now());
      result = party.webhookUrl
        ? await this.client.post(party.webhookUrl, body, contentType, { 'Idempotency-Key': s.id, 'X-VIR-Signal-Id': s.id, 'X-VIR-Message-Type': s.type })
        : { ok: false, error: 'no webhook configured' };
    } catch (err) {
      result = { ok: false, error: `cannot render: ${(err as Error).message}` };
    }
    this.policy.observePush?.(result.ok ? 'delivered' : 'failed', Number(process.hrtime.bigint() - started) / 1e9);
    const now = this.clock.now();
    if (result.ok) {
      if (await this.store.markDelivered(s.id, attempt, now)) await this.flow.emit({ ...base, step: 'gateway.delivered', outcome: 'ok', detail: `attempt ${attempt}` });
      return true;
    }
    const error = (result.error ?? 'failed').slice(0, 300);
    const giveUp = isGivenUp(new Date(s.retry_since), now, this.policy.giveUpMs);
    const next = new Date(now.getTime() + retryDelayMs(attempt, this.policy.retryBaseMs));
    if (!(await this.store.markAttemptFailed(s.id, attempt, giveUp ? 'failed' : 'retrying', next, error, now))) return false;
    if (giveUp) await this.raiseFailed(s, attempt, error);
    else await this.flow.emit({ ...base, step: 'gateway.delivery-attempt', outcome: 'failed', code: 'DELIVERY_RETRYING', detail: `attempt ${attempt}: ${error}`.slice(0, 500) });
    return false;
  }

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
