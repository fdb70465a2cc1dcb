import type { FlowEventPublisher } from '@vir/messaging';
import { countFlowSteps, type Metrics } from '@vir/metrics';
import type { AlertStore } from './alerts/alert.store';
import type { ConsumerLag } from './console/consumer-lag';

/**
 * The monitor's metrics: flow events ingested, consumer lag per group and topic, and one gauge
 * series per alert not closed (1; its state a label), the latter two read when scraped.
 */
export function monitorMetrics(metrics: Metrics, flow: FlowEventPublisher, lag: ConsumerLag, alerts: AlertStore) {
  countFlowSteps(metrics, flow);
  const ingested = metrics.counter('vir_monitor_flow_events_total', 'Flow events consumed into the read model, by result', ['result']);
  const evaluations = metrics.counter('vir_alert_evaluations_total', 'Alert evaluation rounds, by outcome (skipped: another instance evaluated)', ['outcome']);
  metrics.gauge('vir_consumer_lag', 'Records a consumer group has not consumed yet, per topic', ['group', 'topic'], async (set) => {
    const rows = await lag.current();
    for (const r of rows ?? []) set({ group: r.group, topic: r.topic }, r.lag);
  });
  metrics.gauge('vir_alert_open', 'Alerts not closed: 1 per rule and subject, with its state (open or acknowledged)', ['rule', 'subject', 'state'], async (set) => {
    for (const a of await alerts.live()) set({ rule: a.rule, subject: a.subject, state: a.state }, 1);
  });
  return {
    ingested(result: { inserted: number; tooOld: number }, records: number) {
      ingested.inc({ result: 'inserted' }, result.inserted);
      ingested.inc({ result: 'too-old' }, result.tooOld);
      ingested.inc({ result: 'duplicate' }, Math.max(0, records - result.inserted - result.tooOld));
    },
    evaluation: (outcome: 'ok' | 'skipped' | 'error') => evaluations.inc({ outcome }),
  };
}
export type MonitorMetrics = ReturnType<typeof monitorMetrics>;
