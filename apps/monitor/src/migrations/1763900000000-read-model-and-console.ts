import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Message summaries and aggregates for the console, and its accounts, sessions and audit log. */
export class ReadModelAndConsole1763900000000 implements MigrationInterface {
  name = 'ReadModelAndConsole1763900000000';

  async up(q: QueryRunner): Promise<void> {
    // Cheaper indexes for ingestion at tens of thousands of events a second: events arrive in
    // time order, so a BRIN index serves time ranges (retention) at a fraction of a b-tree's cost;
    // only signals carry correlation ids, so only they need the GIN entry (queries use @>).
    await q.query('DROP INDEX flow_event_at');
    await q.query('CREATE INDEX flow_event_at ON flow_event USING brin (at)');
    await q.query('DROP INDEX flow_event_correlation');
    await q.query("CREATE INDEX flow_event_correlation ON flow_event USING gin (correlation_ids) WHERE correlation_ids <> '{}'");
    await q.query('CREATE INDEX flow_event_rejected ON flow_event (party_oin, code, at DESC) WHERE code IS NOT NULL');
    await q.query(`CREATE TABLE message_summary (
      message_id uuid PRIMARY KEY,
      party_oin text NOT NULL DEFAULT '',
      kind text,
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      last_step text NOT NULL,
      last_outcome text NOT NULL,
      last_code text,
      events int NOT NULL)`);
    await q.query('CREATE INDEX message_summary_last ON message_summary (last_at DESC)');
    await q.query('CREATE INDEX message_summary_party ON message_summary (party_oin, last_at DESC)');
    await q.query('CREATE INDEX message_summary_outcome ON message_summary (last_outcome, last_at DESC)');
    // One counter row per Kafka partition (shard): chunks of different partitions, written
    // concurrently, never wait for each other's row locks; readers sum over the shards. Free space
    // in each page (fillfactor) lets a count update stay on its page (HOT, no index write).
    for (const table of ['flow_minute', 'flow_day']) {
      await q.query(`CREATE TABLE ${table} (
        bucket timestamptz NOT NULL,
        party_oin text NOT NULL,
        step text NOT NULL,
        outcome text NOT NULL,
        code text NOT NULL,
        shard smallint NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (bucket, party_oin, step, outcome, code, shard)) WITH (fillfactor = 70)`);
    }
    await q.query(`CREATE TABLE console_account (
      id serial PRIMARY KEY,
      username text NOT NULL UNIQUE,
      role text NOT NULL CHECK (role IN ('beheerder', 'convenantbeheerder', 'read-only')),
      convenant text,
      password_hash text NOT NULL,
      failed_attempts int NOT NULL DEFAULT 0,
      locked_until timestamptz,
      disabled boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      password_changed_at timestamptz NOT NULL,
      CHECK ((role = 'convenantbeheerder') = (convenant IS NOT NULL)))`);
    await q.query(`CREATE TABLE console_session (
      id_hash text PRIMARY KEY,
      account_id int NOT NULL REFERENCES console_account (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX console_session_expiry ON console_session (expires_at)');
    await q.query(`CREATE TABLE console_audit (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      target text,
      outcome text NOT NULL,
      detail jsonb)`);
    await q.query('CREATE INDEX console_audit_at ON console_audit (at DESC)');
    await q.query('CREATE INDEX console_audit_actor ON console_audit (actor, at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE console_audit, console_session, console_account, flow_day, flow_minute, message_summary');
    await q.query('DROP INDEX flow_event_rejected');
    await q.query('DROP INDEX flow_event_correlation');
    await q.query('CREATE INDEX flow_event_correlation ON flow_event USING gin (correlation_ids)');
    await q.query('DROP INDEX flow_event_at');
    await q.query('CREATE INDEX flow_event_at ON flow_event (at)');
  }
}
