import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialIndexSchema1763788800000 implements MigrationInterface {
  name = 'InitialIndexSchema1763788800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE inbox (
      message_id uuid PRIMARY KEY,
      sender_oin char(20) NOT NULL,
      outcome text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE melding (
      id uuid PRIMARY KEY,
      message_id uuid NOT NULL UNIQUE,
      party_oin char(20) NOT NULL,
      convenant text NOT NULL,
      referentie text NOT NULL,
      professional_key text NOT NULL,
      melder_id text NOT NULL,
      melder_naam text NOT NULL,
      melder_telefoon text,
      melder_email text,
      organisatie_naam text NOT NULL,
      organisatie_domein text NOT NULL,
      jeugdige_pseudonym text NOT NULL,
      geboortedatum date NOT NULL,
      meldingsdatum date NOT NULL,
      ends_on date NOT NULL,
      status text NOT NULL CHECK (status IN ('active','withdrawn','removed','expired','archived')),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX melding_active_child ON melding (jeugdige_pseudonym) WHERE status = 'active'`);
    await q.query(`CREATE TABLE match (
      id uuid PRIMARY KEY,
      soort text NOT NULL CHECK (soort IN ('kind','gezin')),
      reikwijdte text NOT NULL CHECK (reikwijdte IN ('binnen-convenant','convenant-overstijgend')),
      melding_a uuid NOT NULL REFERENCES melding(id),
      melding_b uuid NOT NULL REFERENCES melding(id),
      created_at timestamptz NOT NULL,
      CONSTRAINT match_pair UNIQUE (melding_a, melding_b))`);
    await q.query(`CREATE TABLE outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      topic text NOT NULL,
      key text NOT NULL,
      payload text NOT NULL,
      created_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox');
    await q.query('DROP TABLE match');
    await q.query('DROP TABLE melding');
    await q.query('DROP TABLE inbox');
  }
}
