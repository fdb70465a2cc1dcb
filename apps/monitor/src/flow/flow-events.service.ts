import { ContractViolation, Contracts, type FlowEvent } from '@vir/contracts';
import { PermanentMessageError, type KafkaRecord } from '@vir/messaging';
import type { DataSource } from 'typeorm';
import { FlowEventRow } from './flow-event.entity';

export interface TraceStep {
  messageId: string;
  component: string;
  step: string;
  outcome: string;
  code?: string;
  partyOin?: string;
  at: string;
  detail?: string;
  /** Milliseconds since the previous step of the trace. */
  sincePreviousMs: number;
}

export interface Trace {
  trackingId: string;
  /** The signals (and other messages) this melding led to. */
  relatedMessageIds: string[];
  steps: TraceStep[];
}

/** Ingests flow events (idempotently) and answers trace queries. */
export class FlowEventsService {
  constructor(private readonly ds: DataSource) {}

  async ingest(record: KafkaRecord): Promise<void> {
    let e: FlowEvent;
    try {
      e = Contracts.flowEvent.parse(record.value);
    } catch (err) {
      if (err instanceof ContractViolation) throw new PermanentMessageError('CONTRACT_VIOLATION', err.message);
      throw err;
    }
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(FlowEventRow)
      .values({
        eventId: e.eventId,
        messageId: e.messageId,
        correlationIds: e.correlationIds ?? [],
        partyOin: e.partyOin ?? null,
        component: e.component,
        step: e.step,
        outcome: e.outcome,
        code: e.code ?? null,
        at: new Date(e.at),
        detail: e.detail ?? null,
      })
      .orIgnore()
      .execute();
  }

  /** Everything that happened to a message, and to the messages it led to, in time order. */
  async trace(trackingId: string): Promise<Trace | undefined> {
    const rows: FlowEventRow[] = await this.ds
      .getRepository(FlowEventRow)
      .createQueryBuilder('e')
      .where('e.message_id = :id OR :id = ANY(e.correlation_ids)', { id: trackingId })
      .orderBy('e.at', 'ASC')
      .addOrderBy('e.event_id', 'ASC')
      .getMany();
    if (rows.length === 0) return undefined;
    let previous = rows[0].at.getTime();
    return {
      trackingId,
      relatedMessageIds: [...new Set(rows.map((r) => r.messageId).filter((id) => id !== trackingId))],
      steps: rows.map((r) => {
        const t = r.at.getTime();
        const step: TraceStep = {
          messageId: r.messageId,
          component: r.component,
          step: r.step,
          outcome: r.outcome,
          ...(r.code ? { code: r.code } : {}),
          ...(r.partyOin ? { partyOin: r.partyOin } : {}),
          at: r.at.toISOString(),
          ...(r.detail ? { detail: r.detail } : {}),
          sincePreviousMs: t - previous,
        };
        previous = t;
        return step;
      }),
    };
  }

  async recent(limit: number): Promise<FlowEventRow[]> {
    return this.ds.getRepository(FlowEventRow).find({ order: { at: 'DESC' }, take: limit });
  }
}
