import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The gateway delivers foutberichten from the index the same way as matchsignalen. */
export class OutboundType1763810000000 implements MigrationInterface {
  name = 'OutboundType1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signal ADD COLUMN type text NOT NULL DEFAULT 'matchsignaal' CHECK (type IN ('matchsignaal','foutbericht'))`);
    await q.query('ALTER TABLE signal ALTER COLUMN type DROP DEFAULT');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal DROP COLUMN type');
  }
}
