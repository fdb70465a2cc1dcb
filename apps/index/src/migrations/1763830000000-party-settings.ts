import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The parties' settings as the gateway publishes them (vir.party-settings.v1): local matching. */
export class PartySettings1763830000000 implements MigrationInterface {
  name = 'PartySettings1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE party_setting (
      party_oin char(20) PRIMARY KEY,
      local_matching boolean NOT NULL,
      changed_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE party_setting');
  }
}
