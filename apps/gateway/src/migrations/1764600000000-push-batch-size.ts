import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per party: how many signals one push request may carry (1: one per request, as before). */
export class PushBatchSize1764600000000 implements MigrationInterface {
  name = 'PushBatchSize1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE party ADD COLUMN push_batch_size integer NOT NULL DEFAULT 1 CHECK (push_batch_size BETWEEN 1 AND 100)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE party DROP COLUMN push_batch_size');
  }
}
