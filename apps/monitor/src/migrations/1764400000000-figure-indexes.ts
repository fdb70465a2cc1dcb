import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingestion, the monitor's hot path. Fewer indexes to write per figure row: retention finds old rows
 * by their day (the figures' own index) and only the few rows still waiting for their melding's or
 * signal's own event (day unknown) by `touched`. And `ingest_checkpoint`: one row, written with a
 * synchronous commit before Kafka offsets are committed, which makes every chunk committed
 * asynchronously before it durable too (the WAL is flushed in order).
 */
export class FigureIndexes1764400000000 implements MigrationInterface {
  name = 'FigureIndexes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX figure_melding_touched');
    await q.query('DROP INDEX figure_signal_touched');
    await q.query('CREATE INDEX figure_melding_waiting ON figure_melding (touched) WHERE day IS NULL');
    await q.query('CREATE INDEX figure_signal_waiting ON figure_signal (touched) WHERE day IS NULL');
    await q.query('CREATE TABLE ingest_checkpoint (id int PRIMARY KEY CHECK (id = 1), at timestamptz NOT NULL)');
    await q.query('INSERT INTO ingest_checkpoint VALUES (1, now())');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingest_checkpoint');
    await q.query('DROP INDEX figure_signal_waiting');
    await q.query('DROP INDEX figure_melding_waiting');
    await q.query('CREATE INDEX figure_signal_touched ON figure_signal (touched)');
    await q.query('CREATE INDEX figure_melding_touched ON figure_melding (touched)');
  }
}
