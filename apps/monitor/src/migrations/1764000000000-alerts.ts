import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Alerts (one not closed per rule and subject) and their history. */
export class Alerts1764000000000 implements MigrationInterface {
  name = 'Alerts1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE alert (
      id bigserial PRIMARY KEY,
      rule text NOT NULL,
      subject text NOT NULL,
      party_oin text,
      state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed')),
      summary text NOT NULL,
      opened_at timestamptz NOT NULL,
      acknowledged_at timestamptz,
      acknowledged_by text,
      closed_at timestamptz,
      CHECK ((state = 'closed') = (closed_at IS NOT NULL)))`);
    await q.query("CREATE UNIQUE INDEX alert_live ON alert (rule, subject) WHERE state <> 'closed'");
    await q.query('CREATE INDEX alert_opened ON alert (opened_at DESC)');
    await q.query(`CREATE TABLE alert_event (
      id bigserial PRIMARY KEY,
      alert_id bigint NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
      at timestamptz NOT NULL,
      kind text NOT NULL CHECK (kind IN ('opened', 'acknowledged', 'closed')),
      actor text,
      summary text)`);
    await q.query('CREATE INDEX alert_event_alert ON alert_event (alert_id, at)');
    // The signals not yet delivered, for the signal rules (a small part of the summaries).
    await q.query(
      "CREATE INDEX message_summary_open_signal ON message_summary (party_oin, first_at) WHERE kind = 'signaal' AND last_step NOT IN ('gateway.delivered', 'gateway.acknowledged')",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX message_summary_open_signal');
    await q.query('DROP TABLE alert_event, alert');
  }
}
