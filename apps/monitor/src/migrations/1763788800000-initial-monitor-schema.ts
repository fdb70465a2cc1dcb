import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialMonitorSchema1763788800000 implements MigrationInterface {
  name = 'InitialMonitorSchema1763788800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE flow_event (
      event_id uuid PRIMARY KEY,
      message_id uuid NOT NULL,
      correlation_ids uuid[] NOT NULL DEFAULT '{}',
      party_oin char(20),
      component text NOT NULL,
      step text NOT NULL,
      outcome text NOT NULL,
      code text,
      at timestamptz NOT NULL,
      detail text)`);
    await q.query('CREATE INDEX flow_event_message ON flow_event (message_id)');
    await q.query('CREATE INDEX flow_event_correlation ON flow_event USING gin (correlation_ids)');
    await q.query('CREATE INDEX flow_event_at ON flow_event (at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE flow_event');
  }
}
