import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { OutboundType } from '@vir/contracts';
import type { SignalStatus } from '../delivery/signal-lifecycle';

/** A matchsignaal (or foutbericht) on its way to one party. Survives restarts; the id makes intake idempotent. */
@Entity({ name: 'signal' })
@Index('signal_due', ['nextAttemptAt'], { where: "status IN ('queued','sent','retrying')" })
export class SignalRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') type!: OutboundType;
  /** Order of arrival: signals to one party are delivered in this order. */
  @Column('bigint', { generated: 'increment' }) seq!: string;
  @Column('char', { name: 'recipient_oin', length: 20 }) recipientOin!: string;
  @Column('uuid', { name: 'correlation_ids', array: true }) correlationIds!: string[];
  @Column('text') xml!: string;
  /** The content as verified at intake (tenants get it as JSON). */
  @Column('jsonb', { nullable: true }) content!: object | null;
  @Column('text') status!: SignalStatus;
  @Column('int') attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
  @Column('timestamptz', { name: 'acknowledged_at', nullable: true }) acknowledgedAt!: Date | null;
  @Column('timestamptz', { name: 'failed_at', nullable: true }) failedAt!: Date | null;
  /** Since when delivery is being tried: intake, or an operator's resend. The give-up time counts from here. */
  @Column('timestamptz', { name: 'retry_since' }) retrySince!: Date;
}

export const GATEWAY_ENTITIES = [SignalRow];
