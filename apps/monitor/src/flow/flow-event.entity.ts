import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The monitor's read model: one row per flow event (deduplicated by event id). */
@Entity({ name: 'flow_event' })
@Index('flow_event_message', ['messageId'])
export class FlowEventRow {
  @PrimaryColumn('uuid', { name: 'event_id' }) eventId!: string;
  @Column('uuid', { name: 'message_id' }) messageId!: string;
  @Column('uuid', { name: 'correlation_ids', array: true }) correlationIds!: string[];
  @Column('char', { name: 'party_oin', length: 20, nullable: true }) partyOin!: string | null;
  @Column('text') component!: string;
  @Column('text') step!: string;
  @Column('text') outcome!: string;
  @Column('text', { nullable: true }) code!: string | null;
  @Column('timestamptz') at!: Date;
  @Column('text', { nullable: true }) detail!: string | null;
}
