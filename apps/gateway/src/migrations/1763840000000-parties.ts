import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Parties persisted (seeded from PARTIES_FILE at start), managed through the admin API, every change audited. */
export class Parties1763840000000 implements MigrationInterface {
  name = 'Parties1763840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE party (
      oin char(20) PRIMARY KEY CHECK (oin ~ '^[0-9]{20}$'),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('regional','direct')),
      convenant text NOT NULL CHECK (convenant ~ '^[0-9]{1,3}$'),
      certificates text[] NOT NULL CHECK (cardinality(certificates) <= 2),
      webhook_url text,
      pull boolean NOT NULL,
      delivery_format text NOT NULL CHECK (delivery_format IN ('json','xml')),
      local_matching boolean NOT NULL,
      rate_limit_per_second int CHECK (rate_limit_per_second > 0),
      status text NOT NULL CHECK (status IN ('active','suspended')),
      status_reason text,
      signing_key_file text,
      signing_cert_file text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE party_audit (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL CHECK (action IN ('seed','create','update','suspend','resume')),
      party_oin char(20) NOT NULL,
      before jsonb,
      after jsonb)`);
    await q.query('CREATE INDEX party_audit_party ON party_audit (party_oin, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE party_audit');
    await q.query('DROP TABLE party');
  }
}
