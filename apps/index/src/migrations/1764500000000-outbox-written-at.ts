import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the row was committed, by the database's clock (created_at is the application's clock,
 * which tests move): the relay takes a chunk row from the table only once it is older than the
 * orphan age, since the instance that wrote it publishes it from memory (see OutboxRelay).
 */
export class OutboxWrittenAt1764500000000 implements MigrationInterface {
  name = 'OutboxWrittenAt1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN written_at timestamptz NOT NULL DEFAULT now()');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN written_at');
  }
}
