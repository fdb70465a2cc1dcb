import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on match(melding_b): match_pair (melding_a, melding_b) serves lookups by melding_a only.
 * Without it, purging a melding cascaded into a scan of the whole match table (500 purged with a
 * million matches stored: 35 s), and an inzage scanned it too.
 */
export class MatchMeldingBIndex1764800000000 implements MigrationInterface {
  name = 'MatchMeldingBIndex1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX IF NOT EXISTS match_melding_b ON match (melding_b)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX match_melding_b');
  }
}
