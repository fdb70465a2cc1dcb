import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import { batchHandler, type DeadLetter, type KafkaRecord } from '@vir/messaging';
import { SignalIntake } from './signal-intake.service';

@Controller()
export class OutboundController {
  constructor(private readonly intake: SignalIntake) {}

  /** Chunks of up to 200 signals: one transaction each. */
  @EventPattern(TOPICS.outbound.name, batchHandler(200))
  handle(@Payload() records: KafkaRecord[]): Promise<DeadLetter[]> {
    return this.intake.acceptBatch(records);
  }
}
