import { Controller, DefaultValuePipe, Get, NotFoundException, Param, ParseIntPipe, ParseUUIDPipe, Query } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import { batchHandler, type DeadLetter, type KafkaRecord } from '@vir/messaging';
import { FlowIngestion } from '../read-model/flow-ingestion';
import { FlowEventsService, type Trace } from './flow-events.service';

@Controller('v1')
export class FlowEventsController {
  constructor(
    private readonly flows: FlowEventsService,
    private readonly ingestion: FlowIngestion,
  ) {}

  /** Chunks of up to 1,000 flow events: one transaction each (see ReadModelStore). */
  @EventPattern(TOPICS.flowEvents.name, batchHandler(1000))
  async ingest(@Payload() records: KafkaRecord[]): Promise<DeadLetter[]> {
    return (await this.ingestion.handle(records)).dead;
  }

  /** A message's trace as JSON: every hop, with the signals it led to. */
  @Get('traces/:trackingId')
  async trace(@Param('trackingId', new ParseUUIDPipe()) trackingId: string): Promise<Trace> {
    const trace = await this.flows.trace(trackingId.toLowerCase());
    if (!trace) throw new NotFoundException({ code: 'NOT_FOUND', message: 'No flow events for this tracking id' });
    return trace;
  }

  @Get('flow-events')
  recent(@Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number) {
    return this.flows.recent(Math.min(Math.max(limit, 1), 1000));
  }
}
