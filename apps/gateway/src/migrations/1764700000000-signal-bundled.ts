import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a signal came in a Matchsignalen bundle: its xml is then its own Matchsignaal without a
 * signature (the bundle's covered it at intake), and it can be delivered as JSON only.
 */
export class SignalBundled1764700000000 implements MigrationInterface {
  name = 'SignalBundled1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal ADD COLUMN bundled boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal DROP COLUMN bundled');
  }
}
