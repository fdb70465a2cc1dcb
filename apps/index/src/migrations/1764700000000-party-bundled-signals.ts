import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether a party takes its matchsignalen in bundles (schema 1.4 Matchsignalen), as the gateway publishes it. */
export class PartyBundledSignals1764700000000 implements MigrationInterface {
  name = 'PartyBundledSignals1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE party_setting ADD COLUMN bundled_signals boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE party_setting DROP COLUMN bundled_signals');
  }
}
