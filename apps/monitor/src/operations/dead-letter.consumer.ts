import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import { batchHandler, type DeadLetter, type KafkaRecord } from '@vir/messaging';
import { parseDeadLetter, type DeadLetterRow } from './dead-letter';
import { OperationsStore } from './operations.store';

/** Keeps the dead-letter topic's records for the Delivery page (and an operator's resend). */
@Controller()
export class DeadLetterConsumer {
  private readonly log = new Logger('DeadLetters');

  constructor(private readonly store: OperationsStore) {}

  @EventPattern(TOPICS.deadLetter.name, batchHandler(200))
  async ingest(@Payload() records: KafkaRecord[]): Promise<DeadLetter[]> {
    const rows = records.map(parseDeadLetter).filter((r): r is DeadLetterRow => r !== undefined);
    if (rows.length < records.length) this.log.warn(`${records.length - rows.length} dead-letter record(s) violate their contract; skipped`);
    await this.store.addDeadLetters(rows);
    // Never back to the dead-letter topic: that would feed this consumer its own output.
    return [];
  }
}
