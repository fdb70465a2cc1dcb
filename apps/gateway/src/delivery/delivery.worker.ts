import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Clock } from '@vir/domain';
import type { FlowEventPublisher } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import type { OutboundType, PingBericht } from '@vir/contracts';
import { openOutbound } from './outbound-message.reader';
import type { Party, PartyRegistry } from '../parties/party.registry';
import type { WebhookClient } from './webhook.client';

interface DueSignal {
  id: string;
  type: OutboundType;
  seq: string;
  recipient_oin: string;
  correlation_ids: string[];
  xml: string;
  /** Verified at intake; older rows (before it was kept) are verified here. */
  content: object | null;
  attempts: number;
  received_at: Date;
}

export interface DeliveryPolicy {
  pollMs: number;
  retryBaseMs: number;
  giveUpMs: number;
  /** A claimed signal not finished within this time is claimed again (crash safety). */
  leaseMs: number;
}

/** A ping answer as a tenant gets it: the hops so far, the delivery hop, and the time each hop took. */
function withDeliveryHop(ping: PingBericht, now: Date): PingBericht & { hopMs: number[]; totalMs: number } {
  const hops = [...ping.hops, { component: 'gateway-delivery', tijdstip: now.toISOString() }];
  const times = hops.map((h) => Date.parse(h.tijdstip));
  return { ...ping, hops, hopMs: times.slice(1).map((t, i) => t - times[i]), totalMs: times[times.length - 1] - times[0] };
}

/**
 * Pushes queued signals to each active party's webhook. Signals are claimed with a lease (so several
 * gateway instances, or a restart mid-delivery, never lose one), delivered per party in
 * arrival order, and retried with exponential backoff until the give-up time.
 */
export class DeliveryWorker {
  private readonly log = new Logger(DeliveryWorker.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
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
    const [rows]: [DueSignal[], number] = await this.ds.query(
      // Only for active parties with a webhook: a suspended party's signals wait (nothing is lost,
      // no attempt is spent) and go out in order once it is resumed.
      `UPDATE signal SET next_attempt_at = $2
       WHERE id IN (SELECT s.id FROM signal s JOIN party p ON p.oin = s.recipient_oin
                    WHERE s.status IN ('queued','retrying') AND s.next_attempt_at <= $1
                      AND p.status = 'active' AND p.webhook_url IS NOT NULL
                    ORDER BY s.seq LIMIT 200 FOR UPDATE OF s SKIP LOCKED)
       RETURNING id, type, seq, recipient_oin, correlation_ids, xml, content, attempts, received_at`,
      [now, new Date(now.getTime() + this.policy.leaseMs)],
    );
    if (rows.length === 0) return;
    const perParty = new Map<string, DueSignal[]>();
    for (const r of rows.sort((a, b) => Number(a.seq) - Number(b.seq))) {
      perParty.set(r.recipient_oin, [...(perParty.get(r.recipient_oin) ?? []), r]);
    }
    await Promise.all([...perParty].map(([oin, signals]) => this.deliverInOrder(oin, signals)));
  }

  private async deliverInOrder(oin: string, signals: DueSignal[]): Promise<void> {
    const party = this.parties.find(oin);
    for (const [i, s] of signals.entries()) {
      const ok = party ? await this.deliver(party, s) : false;
      if (!ok) {
        // Keep the party's order: later signals wait for the one that failed.
        const rest = signals.slice(i + 1).map((x) => x.id);
        if (rest.length > 0) await this.ds.query(`UPDATE signal SET next_attempt_at = $2 WHERE id = ANY($1::uuid[])`, [rest, this.clock.now()]);
        return;
      }
    }
  }

  private async deliver(party: Party, s: DueSignal): Promise<boolean> {
    const base = { messageId: s.id, correlationIds: s.correlation_ids, partyOin: party.oin };
    const attempts = s.attempts + 1;
    const result = party.webhookUrl
      ? await this.client.post(party.webhookUrl, ...this.render(party, s), { 'Idempotency-Key': s.id, 'X-VIR-Signal-Id': s.id, 'X-VIR-Message-Type': s.type })
      : { ok: false, error: 'no webhook configured' };
    const now = this.clock.now();
    if (result.ok) {
      await this.ds.query(`UPDATE signal SET status = 'delivered', attempts = $2, delivered_at = $3, last_error = NULL WHERE id = $1`, [s.id, attempts, now]);
      await this.flow.emit({ ...base, step: 'gateway.delivered', outcome: 'ok', detail: `attempt ${attempts}` });
      return true;
    }
    const giveUp = now.getTime() - new Date(s.received_at).getTime() >= this.policy.giveUpMs;
    const next = new Date(now.getTime() + Math.min(this.policy.retryBaseMs * 2 ** (attempts - 1), 3_600_000));
    await this.ds.query(`UPDATE signal SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5 WHERE id = $1`, [
      s.id,
      giveUp ? 'failed' : 'retrying',
      attempts,
      next,
      result.error ?? null,
    ]);
    await this.flow.emit({
      ...base,
      step: giveUp ? 'gateway.delivery-failed' : 'gateway.delivery-attempt',
      outcome: 'failed',
      code: giveUp ? 'DELIVERY_GAVE_UP' : 'DELIVERY_RETRYING',
      detail: `attempt ${attempts}: ${result.error ?? 'failed'}`.slice(0, 500),
    });
    return false;
  }

  /** Direct parties get the signed XML; regional tenants the same content as JSON. */
  private render(party: Party, s: DueSignal): [string, string] {
    if (party.deliveryFormat === 'xml') return [s.xml, 'application/xml'];
    const message = s.content ?? openOutbound(s.type, s.xml, this.trustStore, new Date(s.received_at)).message;
    if (s.type === 'ping') return [JSON.stringify({ berichtType: s.type, ...withDeliveryHop(message as unknown as PingBericht, this.clock.now()) }), 'application/json'];
    return [JSON.stringify({ berichtType: s.type, ...message }), 'application/json'];
  }
}
