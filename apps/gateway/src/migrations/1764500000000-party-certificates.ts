import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the gateway knows of each client certificate it has met (registered as a PEM, read from the
 * parties file, or presented in a TLS handshake): parties are registered by fingerprint, and a
 * fingerprint alone says nothing about expiry.
 */
export class PartyCertificates1764500000000 implements MigrationInterface {
  name = 'PartyCertificates1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE party_certificate (
      fingerprint text PRIMARY KEY,
      oin text NOT NULL,
      subject text NOT NULL,
      serial_number text NOT NULL,
      not_before timestamptz NOT NULL,
      not_after timestamptz NOT NULL,
      learned_from text NOT NULL CHECK (learned_from IN ('registration', 'parties-file', 'handshake')),
      learned_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE party_certificate');
  }
}
