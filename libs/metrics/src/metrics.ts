import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// The Prometheus registry of one service, framework-free. Hot paths only increment counters and
// observe histograms; anything that costs a query (queue depths, lag, alert states) is a gauge
// collected when /metrics is scraped.

/** Buckets in seconds for latencies from a millisecond to a minute. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new Registry();

  /** `service`: the `service` label on every series (vir-gateway, vir-index, vir-monitor). */
  constructor(readonly service: string, options: { defaultMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels({ service });
    // Process metrics (CPU, memory, event-loop lag, GC): what an operator looks at first.
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'vir_' });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets = LATENCY_BUCKETS): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /**
   * A gauge set on every scrape by `collect` (e.g. a query). A failing collect leaves the gauge
   * empty for that scrape rather than failing the whole exposition.
   */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect?: (set: (labels: Partial<Record<L, string>>, value: number) => void) => Promise<void> | void): Gauge<L> {
    const gauge: Gauge<L> = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect
        ? {
            async collect() {
              gauge.reset();
              try {
                await collect((labels, value) => gauge.set(labels as never, value));
              } catch {
                gauge.reset();
              }
            },
          }
        : {}),
    });
    return gauge;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Seconds since a `process.hrtime.bigint()` start, for histograms. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
