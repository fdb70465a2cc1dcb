import { Controller, DefaultValuePipe, Get, NotFoundException, Param, ParseIntPipe, ParseUUIDPipe, Query } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import type { KafkaRecord } from '@vir/messaging';
import { FlowEventsService, type Trace } from './flow-events.service';

@Controller('v1')
export class FlowEventsController {
  constructor(private readonly flows: FlowEventsService) {}

  @EventPattern(TOPICS.flowEvents.name)
  ingest(@Payload() record: KafkaRecord): Promise<void> {
    return this.flows.ingest(record);
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
