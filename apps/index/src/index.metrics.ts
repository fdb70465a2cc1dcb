import type { DataSource } from 'typeorm';
import type { FlowEventPublisher } from '@vir/messaging';
import { countFlowSteps, Metrics } from '@vir/metrics';

export const CHUNK_OBSERVER = Symbol('CHUNK_OBSERVER');

/** What the inbound handler reports per chunk. */
export interface ChunkObserver {
  chunk(records: number, seconds: number): void;
}

/**
 * The index's metrics: steps per party (counted as flow events are built, before the chunk's
 * transaction commits), processing time per chunk, records processed, and the outbox backlog
 * (rows not yet relayed, each a chunk's records), counted on scrape.
 */
export function indexMetrics(metrics: Metrics, flow: FlowEventPublisher, ds: DataSource): ChunkObserver {
  countFlowSteps(metrics, flow);
  const chunkSeconds = metrics.histogram('vir_index_chunk_seconds', 'Processing of one chunk of inbound records (verify, store, match, sign, outbox)');
  const records = metrics.counter('vir_index_records_total', 'Inbound records processed');
  metrics.gauge('vir_index_outbox_backlog', 'Outbox rows not yet published to Kafka', [], async (set) => {
    const [row]: { n: string }[] = await ds.query('SELECT count(*) AS n FROM outbox');
    set({}, Number(row?.n ?? 0));
  });
  return {
    chunk(n, seconds) {
      chunkSeconds.observe(seconds);
      records.inc(n);
    },
  };
}
