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

/** Answers trace queries from the raw events (ingestion: ReadModelStore). */
export class FlowEventsService {
  constructor(private readonly ds: DataSource) {}

  /** Everything that happened to a message, and to the messages it led to, in time order. */
  async trace(trackingId: string): Promise<Trace | undefined> {
    const rows: FlowEventRow[] = await this.ds
      .getRepository(FlowEventRow)
      .createQueryBuilder('e')
      .where("e.message_id = :id OR (e.correlation_ids @> ARRAY[:id]::uuid[] AND e.correlation_ids <> '{}')", { id: trackingId })
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
