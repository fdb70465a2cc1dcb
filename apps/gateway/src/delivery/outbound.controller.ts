import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import type { KafkaRecord } from '@vir/messaging';
import { SignalIntake } from './signal-intake.service';

@Controller()
export class OutboundController {
  constructor(private readonly intake: SignalIntake) {}

  @EventPattern(TOPICS.outbound.name)
  handle(@Payload() record: KafkaRecord): Promise<void> {
    return this.intake.accept(record);
  }
}
