import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dead-letter topic's records, kept by the monitor for the Delivery page and for an
 * operator's resend (the original value goes back to its source topic; resends are counted here
 * and audited in console_audit).
 */
export class DeadLetters1764100000000 implements MigrationInterface {
  name = 'DeadLetters1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dead_letter (
      id bigserial PRIMARY KEY,
      position text NOT NULL UNIQUE,
      source_key text,
      source_topic text NOT NULL,
      consumer_group text NOT NULL,
      code text NOT NULL,
      reason text NOT NULL,
      at timestamptz NOT NULL,
      value bytea NOT NULL,
      message_id uuid,
      party_oin text,
      resends int NOT NULL DEFAULT 0,
      last_resent_at timestamptz,
      last_resent_by text)`);
    await q.query('CREATE INDEX dead_letter_at ON dead_letter (at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letter');
  }
}
