import type { DeadLetter, KafkaRecord } from '@vir/messaging';
import { parseChunk } from './flow-batch';
import type { IngestResult, ReadModelStore } from './read-model.store';

/** The ingestion path for one chunk of flow-event records: parse, store, name the unprocessable. */
export class FlowIngestion {
  constructor(private readonly store: ReadModelStore) {}

  async handle(records: KafkaRecord[]): Promise<{ result: IngestResult; dead: DeadLetter[] }> {
    const { events, unprocessable } = parseChunk(records);
    const result = await this.store.ingest(events);
    return { result, dead: unprocessable };
  }
}
