import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Parents' pseudonyms per melding, for family matching (gezinsmatch). */
export class MeldingOuders1763800000000 implements MigrationInterface {
  name = 'MeldingOuders1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE melding_ouder (
      melding_id uuid NOT NULL REFERENCES melding(id) ON DELETE CASCADE,
      ouder_pseudonym text NOT NULL,
      PRIMARY KEY (melding_id, ouder_pseudonym))`);
    await q.query('CREATE INDEX melding_ouder_pseudonym ON melding_ouder (ouder_pseudonym)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE melding_ouder');
  }
}
