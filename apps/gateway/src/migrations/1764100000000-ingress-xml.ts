import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signed XML the gateway forwarded, kept with its ledger entry for the operators' raw view
 * (every BSN inside is encrypted for the index; the gateway holds no key to read it). Older rows: null.
 */
export class IngressXml1764100000000 implements MigrationInterface {
  name = 'IngressXml1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ingress_message ADD COLUMN xml text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ingress_message DROP COLUMN xml');
  }
}
