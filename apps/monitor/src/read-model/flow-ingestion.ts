import type { DeadLetter, KafkaRecord } from '@vir/messaging';
import { parseChunk } from './flow-batch';
import type { IngestResult, ReadModelStore } from './read-model.store';

/** The ingestion path for one chunk of flow-event records: parse, store, name the unprocessable. */
export class FlowIngestion {
  constructor(
    private readonly store: ReadModelStore,
    /** Told each chunk's result (metrics). */
    private readonly observe: (result: IngestResult, records: number) => void = () => undefined,
  ) {}

  async handle(records: KafkaRecord[]): Promise<{ result: IngestResult; dead: DeadLetter[] }> {
    const { events, unprocessable } = parseChunk(records);
    // A chunk is consecutive records of one partition.
    const result = await this.store.ingest(events, records[0]?.partition ?? 0);
    this.observe(result, events.length);
    return { result, dead: unprocessable };
  }
}
