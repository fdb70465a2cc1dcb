import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ContractViolation, Contracts, TOPICS } from '@vir/contracts';
import { PermanentMessageError, type KafkaRecord } from '@vir/messaging';
import { PartySettingsPolicy } from './party-settings.policy';

@Controller()
export class PartySettingsController {
  constructor(private readonly policy: PartySettingsPolicy) {}

  @EventPattern(TOPICS.partySettings.name)
  async handle(@Payload() record: KafkaRecord): Promise<void> {
    let settings;
    try {
      settings = Contracts.partySettings.parse(record.value);
    } catch (err) {
      if (err instanceof ContractViolation) throw new PermanentMessageError('CONTRACT_VIOLATION', err.message);
      throw err;
    }
    await this.policy.record(settings);
  }
}
