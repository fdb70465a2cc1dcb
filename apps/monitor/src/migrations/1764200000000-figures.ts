import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Figures page's tables, fed from the index's and gateway's flow events (see
 * figures/figure-events.ts). No BSN and no index pseudonym: a young person appears only as the
 * statistics key (`subject`) the index puts on its events. `touched`: the day a row was last
 * written, so retention also finds rows that wait for their melding's or signal's own event.
 */
export class Figures1764200000000 implements MigrationInterface {
  name = 'Figures1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per new melding (day it was stored; null until its own event arrived, when a
    // match event about it came first): counts, distinct young people, young people with a match.
    await q.query(`CREATE TABLE figure_melding (
      message_id uuid PRIMARY KEY,
      day date,
      convenant text,
      gemeente text NOT NULL DEFAULT '',
      domein text,
      subject text,
      matched boolean NOT NULL DEFAULT false,
      touched date NOT NULL)`);
    await q.query('CREATE INDEX figure_melding_day ON figure_melding (day, convenant) INCLUDE (gemeente, domein, subject, matched) WHERE day IS NOT NULL');
    await q.query('CREATE INDEX figure_melding_touched ON figure_melding (touched)');
    // Matches per day × area × municipality × domain, counted per side (see figure-events.ts for
    // `side`), one counter row per Kafka partition as flow_day.
    await q.query(`CREATE TABLE figure_match_day (
      day date NOT NULL,
      convenant text NOT NULL,
      gemeente text NOT NULL,
      domein text NOT NULL,
      soort text NOT NULL,
      reikwijdte text NOT NULL,
      side smallint NOT NULL,
      shard smallint NOT NULL,
      count bigint NOT NULL,
      PRIMARY KEY (day, convenant, gemeente, domein, soort, reikwijdte, side, shard)) WITH (fillfactor = 70)`);
    // One row per matchsignaal (the receiving melding's dimensions), and its follow-up report.
    await q.query(`CREATE TABLE figure_signal (
      signal_id uuid PRIMARY KEY,
      day date,
      convenant text,
      gemeente text NOT NULL DEFAULT '',
      domein text,
      followed_up boolean NOT NULL DEFAULT false,
      contact boolean NOT NULL DEFAULT false,
      touched date NOT NULL)`);
    await q.query('CREATE INDEX figure_signal_day ON figure_signal (day, convenant) INCLUDE (gemeente, domein, followed_up, contact) WHERE day IS NOT NULL');
    await q.query('CREATE INDEX figure_signal_touched ON figure_signal (touched)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE figure_signal');
    await q.query('DROP TABLE figure_match_day');
    await q.query('DROP TABLE figure_melding');
  }
}
