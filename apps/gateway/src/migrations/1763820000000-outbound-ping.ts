import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ping answers from the index are delivered like signals. */
export class OutboundPing1763820000000 implements MigrationInterface {
  name = 'OutboundPing1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal DROP CONSTRAINT signal_type_check');
    await q.query(`ALTER TABLE signal ADD CONSTRAINT signal_type_check CHECK (type IN ('matchsignaal','foutbericht','ping'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal DROP CONSTRAINT signal_type_check');
    await q.query(`ALTER TABLE signal ADD CONSTRAINT signal_type_check CHECK (type IN ('matchsignaal','foutbericht'))`);
  }
}
