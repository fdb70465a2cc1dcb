import type { DataSource } from 'typeorm';
import type { FlowEventPublisher } from '@vir/messaging';
import { countFlowSteps, Metrics } from '@vir/metrics';
import type { DeliveryPolicy } from './delivery/delivery.worker';

/**
 * The gateway's metrics: steps per party (counted as flow events are built), request latency
 * (the interceptor; acceptance is the route /v1/meldingen), push latency, and the signal queue by
 * status, counted on scrape.
 */
export function gatewayMetrics(metrics: Metrics, flow: FlowEventPublisher, ds: DataSource): Pick<DeliveryPolicy, 'observePush'> {
  countFlowSteps(metrics, flow);
  const push = metrics.histogram('vir_gateway_delivery_seconds', 'Webhook pushes of signals, by outcome', ['outcome']);
  metrics.gauge('vir_gateway_signals', 'Signals not yet done, by status (delivered and acknowledged ones are not counted)', ['status'], async (set) => {
    const rows: { status: string; n: string }[] = await ds.query(
      "SELECT status, count(*) AS n FROM signal WHERE status IN ('queued', 'sent', 'retrying', 'failed') GROUP BY status",
    );
    for (const status of ['queued', 'sent', 'retrying', 'failed']) set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
  });
  return { observePush: (outcome, seconds) => push.observe({ outcome }, seconds) };
}
