import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Retention (RetentionJob): when a delivered signal's content was removed, and what finds the old forwarded XML fast. */
export class Retention1764300000000 implements MigrationInterface {
  name = 'Retention1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal ADD COLUMN content_purged_at timestamptz');
    await q.query('CREATE INDEX ingress_message_xml_age ON ingress_message (received_at) WHERE xml IS NOT NULL');
    await q.query(`CREATE INDEX signal_content_age ON signal (received_at) WHERE content_purged_at IS NULL AND status IN ('delivered','acknowledged')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX signal_content_age');
    await q.query('DROP INDEX ingress_message_xml_age');
    await q.query('ALTER TABLE signal DROP COLUMN content_purged_at');
  }
}
