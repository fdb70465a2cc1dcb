import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

import type { MeldingStatus } from '@vir/domain';

/** A processed message id: redelivery of the same id changes nothing. */
@Entity({ name: 'inbox' })
export class InboxEntry {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId!: string;
  @Column('char', { name: 'sender_oin', length: 20 }) senderOin!: string;
  @Column('text') outcome!: string;
  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' }) processedAt!: Date;
}

/** A melding as the index keeps it: the young person only as a keyed pseudonym. */
@Entity({ name: 'melding' })
@Index('melding_active_child', ['jeugdigePseudonym'], { where: "status = 'active'" })
export class MeldingRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'message_id', unique: true }) messageId!: string;
  @Column('char', { name: 'party_oin', length: 20 }) partyOin!: string;
  @Column('text') convenant!: string;
  @Column('text') referentie!: string;
  @Column('text', { name: 'professional_key' }) professionalKey!: string;
  @Column('text', { name: 'melder_id' }) melderId!: string;
  @Column('text', { name: 'melder_naam' }) melderNaam!: string;
  @Column('text', { name: 'melder_telefoon', nullable: true }) melderTelefoon!: string | null;
  @Column('text', { name: 'melder_email', nullable: true }) melderEmail!: string | null;
  @Column('text', { name: 'organisatie_naam' }) organisatieNaam!: string;
  @Column('text', { name: 'organisatie_domein' }) organisatieDomein!: string;
  @Column('text', { name: 'jeugdige_pseudonym' }) jeugdigePseudonym!: string;
  @Column('date') geboortedatum!: string;
  /** CBS code of the young person's municipality of residence, when the melding carries it. */
  @Column('text', { nullable: true }) woongemeente!: string | null;
  @Column('date') meldingsdatum!: string;
  @Column('date', { name: 'ends_on' }) endsOn!: string;
  @Column('text') status!: MeldingStatus;
  @Column('date', { name: 'ended_on', nullable: true }) endedOn!: string | null;
  @Column('date', { name: 'purge_on', nullable: true }) purgeOn!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity({ name: 'melding_ouder' })
export class MeldingOuderRow {
  @PrimaryColumn('uuid', { name: 'melding_id' }) meldingId!: string;
  @PrimaryColumn('text', { name: 'ouder_pseudonym' }) ouderPseudonym!: string;
}

@Entity({ name: 'match' })
@Unique('match_pair', ['meldingA', 'meldingB'])
export class MatchRow {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') soort!: 'kind' | 'gezin';
  @Column('text') reikwijdte!: 'binnen-convenant' | 'convenant-overstijgend';
  @Column('uuid', { name: 'melding_a' }) meldingA!: string;
  @Column('uuid', { name: 'melding_b' }) meldingB!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** Transactional outbox: written with the melding, published to Kafka by the relay. */
@Entity({ name: 'outbox' })
export class OutboxRow {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('text', { nullable: true }) topic!: string | null;
  @Column('text', { nullable: true }) key!: string | null;
  @Column('text', { nullable: true }) payload!: string | null;
  /** A whole chunk's records as a JSON array of {topic, key, value}, in order (then the three above are null). */
  @Column('text', { nullable: true }) records!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  /** Commit time by the database's clock: how long a chunk row has waited for its relay. */
  @Column('timestamptz', { name: 'written_at', default: () => 'now()' }) writtenAt!: Date;
}

export const INDEX_ENTITIES = [InboxEntry, MeldingRow, MeldingOuderRow, MatchRow, OutboxRow];
