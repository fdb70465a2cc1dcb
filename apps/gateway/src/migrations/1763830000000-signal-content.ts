import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The verified content of each signal, kept at intake so delivery need not verify it again. */
export class SignalContent1763830000000 implements MigrationInterface {
  name = 'SignalContent1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal ADD COLUMN content jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal DROP COLUMN content');
  }
}
