import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import { batchHandler, type DeadLetter, type KafkaRecord } from '@vir/messaging';
import { secondsSince } from '@vir/metrics';
import { CHUNK_OBSERVER, type ChunkObserver } from '../index.metrics';
import { MeldingProcessor } from './melding-processor.service';

/** Records per chunk: one transaction each (the advisory locks of a chunk stay well inside PostgreSQL's lock table). */
export const INBOUND_CHUNK_SIZE = 200;

@Controller()
export class InboundController {
  constructor(
    private readonly processor: MeldingProcessor,
    @Inject(CHUNK_OBSERVER) private readonly observer: ChunkObserver,
  ) {}

  @EventPattern(TOPICS.inbound.name, batchHandler(INBOUND_CHUNK_SIZE))
  async handle(@Payload() records: KafkaRecord[]): Promise<DeadLetter[]> {
    const start = process.hrtime.bigint();
    const dead = await this.processor.processBatch(records);
    this.observer.chunk(records.length, secondsSince(start));
    return dead;
  }
}
