import { Periodic, type Clock } from '@vir/domain';
import { diffAlerts } from './alert-lifecycle';
import { evaluateAlerts, type AlertThresholds } from './alert-rules';
import type { AlertSources } from './alert.sources';
import type { AlertStore, AlertTransition } from './alert.store';
import type { AlertNotifier } from './alert.notifier';

/**
 * Evaluates the alert rules every interval: gather the inputs, find what fires, and open, close
 * or refresh alerts (one instance at a time), then tell the webhook in the background.
 */
export class AlertEvaluator {
  private readonly periodic = new Periodic(
    () => this.evaluate(),
    (err) => {
      this.observe('error');
      this.log.warn(`alert evaluation failed: ${(err as Error).message}`);
    },
  );

  constructor(
    private readonly sources: AlertSources,
    private readonly store: AlertStore,
    private readonly notifier: AlertNotifier,
    private readonly clock: Clock,
    private readonly thresholds: AlertThresholds,
    private readonly log: { warn(line: string): void; log(line: string): void },
    private readonly observe: (outcome: 'ok' | 'skipped' | 'error') => void = () => undefined,
  ) {}

  start(intervalMs: number): void {
    this.periodic.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
    await this.notifier.settle();
  }

  /** One round; undefined when another instance was evaluating. */
  async evaluate(): Promise<AlertTransition[] | undefined> {
    const now = this.clock.now();
    const evaluation = evaluateAlerts(await this.sources.gather(now), this.thresholds);
    const transitions = await this.store.evaluate(now, (live) => diffAlerts(live, evaluation));
    this.observe(transitions ? 'ok' : 'skipped');
    if (!transitions) return undefined;
    for (const t of transitions) this.log.log(`alert ${t.event}: ${t.alert.rule} ${t.alert.subject} — ${t.alert.summary}`);
    this.notifier.notify(transitions);
    return transitions;
  }
}
