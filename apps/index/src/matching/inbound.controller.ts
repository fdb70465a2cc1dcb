import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import type { KafkaRecord } from '@vir/messaging';
import { MeldingProcessor } from './melding-processor.service';

@Controller()
export class InboundController {
  constructor(private readonly processor: MeldingProcessor) {}

  @EventPattern(TOPICS.inbound.name)
  handle(@Payload() record: KafkaRecord): Promise<void> {
    return this.processor.process(record);
  }
}
