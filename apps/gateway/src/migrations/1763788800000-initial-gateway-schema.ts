import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialGatewaySchema1763788800000 implements MigrationInterface {
  name = 'InitialGatewaySchema1763788800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE signal (
      id uuid PRIMARY KEY,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      recipient_oin char(20) NOT NULL,
      correlation_ids uuid[] NOT NULL,
      xml text NOT NULL,
      status text NOT NULL CHECK (status IN ('queued','retrying','delivered','failed')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      received_at timestamptz NOT NULL,
      delivered_at timestamptz)`);
    await q.query(`CREATE INDEX signal_due ON signal (next_attempt_at) WHERE status IN ('queued','retrying')`);
    await q.query(`CREATE INDEX signal_recipient ON signal (recipient_oin, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signal');
  }
}
