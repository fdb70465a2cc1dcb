import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IngressLedger1763800000000 implements MigrationInterface {
  name = 'IngressLedger1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ingress_message (
      message_id uuid PRIMARY KEY,
      party_oin char(20) NOT NULL,
      content_hash text NOT NULL,
      received_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingress_message');
  }
}
