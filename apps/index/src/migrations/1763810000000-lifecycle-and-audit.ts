import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When and why a melding ended, when it is purged, and the audit log of every transition. */
export class LifecycleAndAudit1763810000000 implements MigrationInterface {
  name = 'LifecycleAndAudit1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE melding DROP CONSTRAINT IF EXISTS melding_status_check`);
    await q.query(`ALTER TABLE melding ADD CONSTRAINT melding_status_check CHECK (status IN ('active','withdrawn','removed','expired'))`);
    await q.query('ALTER TABLE melding ADD COLUMN ended_on date');
    await q.query('ALTER TABLE melding ADD COLUMN purge_on date');
    await q.query(`CREATE INDEX melding_due_to_end ON melding (ends_on) WHERE status = 'active'`);
    await q.query(`CREATE INDEX melding_due_to_purge ON melding (purge_on) WHERE status <> 'active'`);
    // Purging a melding takes its matches and parents with it.
    await q.query('ALTER TABLE match DROP CONSTRAINT match_melding_a_fkey, DROP CONSTRAINT match_melding_b_fkey');
    await q.query('ALTER TABLE match ADD CONSTRAINT match_melding_a_fkey FOREIGN KEY (melding_a) REFERENCES melding(id) ON DELETE CASCADE');
    await q.query('ALTER TABLE match ADD CONSTRAINT match_melding_b_fkey FOREIGN KEY (melding_b) REFERENCES melding(id) ON DELETE CASCADE');
    await q.query(`CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      melding_id uuid,
      subject text,
      reason text,
      detail jsonb NOT NULL DEFAULT '{}')`);
    await q.query('CREATE INDEX audit_log_melding ON audit_log (melding_id)');
    // The young person an entry concerns, as their pseudonym: inzage lists the last accesses.
    await q.query('CREATE INDEX audit_log_subject ON audit_log (subject, at DESC)');
    await q.query('CREATE INDEX audit_log_at ON audit_log (at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP INDEX melding_due_to_purge');
    await q.query('DROP INDEX melding_due_to_end');
    await q.query('ALTER TABLE melding DROP COLUMN purge_on, DROP COLUMN ended_on');
  }
}
