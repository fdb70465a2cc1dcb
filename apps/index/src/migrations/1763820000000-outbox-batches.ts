import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An outbox row may hold a whole processed chunk's records (signals and flow events, in order)
 * as one JSON array: one row per transaction instead of several per melding.
 */
export class OutboxBatches1763820000000 implements MigrationInterface {
  name = 'OutboxBatches1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN records text');
    await q.query('ALTER TABLE outbox ALTER COLUMN topic DROP NOT NULL, ALTER COLUMN key DROP NOT NULL, ALTER COLUMN payload DROP NOT NULL');
    await q.query('ALTER TABLE outbox ADD CONSTRAINT outbox_one_form CHECK ((records IS NULL) = (payload IS NOT NULL AND topic IS NOT NULL AND key IS NOT NULL))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM outbox WHERE records IS NOT NULL');
    await q.query('ALTER TABLE outbox DROP CONSTRAINT outbox_one_form');
    await q.query('ALTER TABLE outbox ALTER COLUMN topic SET NOT NULL, ALTER COLUMN key SET NOT NULL, ALTER COLUMN payload SET NOT NULL');
    await q.query('ALTER TABLE outbox DROP COLUMN records');
  }
}
