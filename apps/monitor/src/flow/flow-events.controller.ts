import { Controller, DefaultValuePipe, Get, NotFoundException, Param, ParseIntPipe, ParseUUIDPipe, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@vir/contracts';
import { Clock } from '@vir/domain';
import { AuditLog } from '../access/audit.log';
import { batchHandler, type DeadLetter, type KafkaRecord } from '@vir/messaging';
import { FlowIngestion } from '../read-model/flow-ingestion';
import { FlowEventsService, type Trace } from './flow-events.service';

@Controller('v1')
export class FlowEventsController {
  constructor(
    private readonly flows: FlowEventsService,
    private readonly ingestion: FlowIngestion,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** The JSON operations API has no accounts (bind it to an operations network); its views are audited by caller address. */
  private async audited(req: Request, action: string, target: string | null, outcome: 'ok' | 'refused'): Promise<void> {
    await this.audit.record({ at: this.clock.now(), actor: `operations-api:${req.socket.remoteAddress ?? 'unknown'}`, action, target, outcome });
  }

  /** Chunks of up to 1,000 flow events: one transaction each (see ReadModelStore). */
  @EventPattern(TOPICS.flowEvents.name, batchHandler(1000))
  async ingest(@Payload() records: KafkaRecord[]): Promise<DeadLetter[]> {
    return (await this.ingestion.handle(records)).dead;
  }

  /** A message's trace as JSON: every hop, with the signals it led to. */
  @Get('traces/:trackingId')
  async trace(@Req() req: Request, @Param('trackingId', new ParseUUIDPipe()) trackingId: string): Promise<Trace> {
    const trace = await this.flows.trace(trackingId.toLowerCase());
    await this.audited(req, 'api-trace', trackingId.toLowerCase(), trace ? 'ok' : 'refused');
    if (!trace) throw new NotFoundException({ code: 'NOT_FOUND', message: 'No flow events for this tracking id' });
    return trace;
  }

  @Get('flow-events')
  async recent(@Req() req: Request, @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number) {
    await this.audited(req, 'api-flow-events', null, 'ok');
    return this.flows.recent(Math.min(Math.max(limit, 1), 1000));
  }
}
