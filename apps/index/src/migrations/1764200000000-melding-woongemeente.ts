import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The young person's municipality of residence (CBS code), when the melding carries it (schema 1.2): for the figures. */
export class MeldingWoongemeente1764200000000 implements MigrationInterface {
  name = 'MeldingWoongemeente1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE melding ADD COLUMN woongemeente text CHECK (woongemeente ~ '^[0-9]{4}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE melding DROP COLUMN woongemeente');
  }
}
