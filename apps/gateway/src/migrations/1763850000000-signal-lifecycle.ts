import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signal status lifecycle (queued → sent → delivered/acknowledged, retrying → failed, resend),
 * its history (every transition, with the operator for a resend), pull delivery, and the parties'
 * follow-up reports.
 */
export class SignalLifecycle1763850000000 implements MigrationInterface {
  name = 'SignalLifecycle1763850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signal DROP CONSTRAINT signal_status_check');
    await q.query(`ALTER TABLE signal ADD CONSTRAINT signal_status_check CHECK (status IN ('queued','sent','retrying','delivered','acknowledged','failed'))`);
    await q.query('ALTER TABLE signal ADD COLUMN sent_at timestamptz, ADD COLUMN acknowledged_at timestamptz, ADD COLUMN failed_at timestamptz, ADD COLUMN retry_since timestamptz');
    await q.query('UPDATE signal SET retry_since = received_at');
    await q.query('ALTER TABLE signal ALTER COLUMN retry_since SET NOT NULL');
    await q.query('DROP INDEX signal_due');
    await q.query(`CREATE INDEX signal_due ON signal (next_attempt_at) WHERE status IN ('queued','sent','retrying')`);
    await q.query(`CREATE INDEX signal_pending ON signal (recipient_oin, seq) WHERE status IN ('queued','sent','retrying')`);
    await q.query('CREATE INDEX signal_by_status ON signal (status, seq)');
    await q.query(`CREATE TABLE signal_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      signal_id uuid NOT NULL REFERENCES signal (id),
      at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('queued','sent','retrying','delivered','acknowledged','failed')),
      attempt int,
      channel text CHECK (channel IN ('push','pull')),
      actor text,
      detail text)`);
    await q.query('CREATE INDEX signal_event_signal ON signal_event (signal_id, id)');
    await q.query(`INSERT INTO signal_event (signal_id, at, status, detail) SELECT id, received_at, 'queued', 'received (before the status history was kept)' FROM signal`);
    await q.query(`CREATE TABLE signal_follow_up (
      signal_id uuid PRIMARY KEY REFERENCES signal (id),
      party_oin char(20) NOT NULL,
      contact boolean NOT NULL,
      reden_code text,
      datum date NOT NULL,
      reported_at timestamptz NOT NULL,
      CHECK ((contact AND reden_code IS NULL) OR (NOT contact AND reden_code IS NOT NULL)))`);
    await q.query('CREATE INDEX signal_follow_up_party ON signal_follow_up (party_oin, reported_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signal_follow_up');
    await q.query('DROP TABLE signal_event');
    await q.query('DROP INDEX signal_by_status');
    await q.query('DROP INDEX signal_pending');
    await q.query('DROP INDEX signal_due');
    await q.query(`CREATE INDEX signal_due ON signal (next_attempt_at) WHERE status IN ('queued','retrying')`);
    await q.query(`UPDATE signal SET status = CASE status WHEN 'sent' THEN 'retrying' WHEN 'acknowledged' THEN 'delivered' ELSE status END`);
    await q.query('ALTER TABLE signal DROP COLUMN sent_at, DROP COLUMN acknowledged_at, DROP COLUMN failed_at, DROP COLUMN retry_since');
    await q.query('ALTER TABLE signal DROP CONSTRAINT signal_status_check');
    await q.query(`ALTER TABLE signal ADD CONSTRAINT signal_status_check CHECK (status IN ('queued','retrying','delivered','failed'))`);
  }
}
