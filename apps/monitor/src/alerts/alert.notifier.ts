import type { AlertTransition } from './alert.store';

export interface NotifierOptions {
  /** ALERT_WEBHOOK_URL; unset: nothing is sent. */
  url?: string;
  attempts?: number;
  /** First pause between attempts, doubled after each. */
  backoffMs?: number;
  timeoutMs?: number;
  log: { warn(line: string): void; error(line: string): void };
}

/** The JSON body POSTed for one transition (no personal data: alerts carry ids, counts and times). */
export function webhookBody(t: AlertTransition): Record<string, unknown> {
  const a = t.alert;
  return {
    event: t.event,
    at: t.at.toISOString(),
    ...(t.actor ? { actor: t.actor } : {}),
    alert: { id: a.id, rule: a.rule, subject: a.subject, partyOin: a.partyOin, state: a.state, summary: a.summary, openedAt: new Date(a.openedAt).toISOString() },
  };
}

/**
 * Sends alert transitions to the configured webhook in the order they happened (a receiver never
 * sees an alert closed before it was opened), each with a few retries, in the background: a slow
 * or failing receiver is logged and never holds up evaluation.
 */
export class AlertNotifier {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: NotifierOptions) {}

  notify(transitions: AlertTransition[]): void {
    const url = this.o.url;
    if (!url) return;
    for (const t of transitions) {
      const body = webhookBody(t);
      // send() never rejects (a failure is logged), so one bad transition never stops the queue.
      this.queue = this.queue.then(() => this.send(url, body));
    }
  }

  /** Waits for the sends under way (shutdown, tests). */
  async settle(): Promise<void> {
    await this.queue;
  }

  private async send(url: string, body: Record<string, unknown>): Promise<void> {
    const attempts = this.o.attempts ?? 4;
    let pause = this.o.backoffMs ?? 1000;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (attempt < attempts) {
        this.o.log.warn(`alert webhook attempt ${attempt} failed (${last}); again in ${pause} ms`);
        await new Promise((r) => setTimeout(r, pause));
        pause *= 2;
      }
    }
    const alert = body.alert as { id: string; rule: string };
    this.o.log.error(`ALERT WEBHOOK FAILED after ${attempts} attempts (${last}): ${String(body.event)} alert ${alert.id} ${alert.rule}`);
  }
}
