import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import { batchHandler, type DeadLetter, type KafkaRecord } from '@vir/messaging';
import { MeldingProcessor } from './melding-processor.service';

@Controller()
export class InboundController {
  constructor(private readonly processor: MeldingProcessor) {}

  /** Chunks of up to 200 records: one transaction each (the advisory locks of a chunk stay well inside PostgreSQL's lock table). */
  @EventPattern(TOPICS.inbound.name, batchHandler(200))
  handle(@Payload() records: KafkaRecord[]): Promise<DeadLetter[]> {
    return this.processor.processBatch(records);
  }
}
