import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms for BSNs: HMAC-SHA256 under a secret key, prefixed with the key version
 * so a rotation can run side by side. Tables hold only these; the BSN itself is never stored.
 */
export class Pseudonymizer {
  private readonly key: Buffer;

  constructor(
    keyBase64: string,
    readonly version: string,
  ) {
    this.key = Buffer.from(keyBase64, 'base64');
    if (this.key.length < 32) throw new Error('Pseudonym key must be at least 32 bytes');
  }

  pseudonym(bsn: string): string {
    return `${this.version}:${createHmac('sha256', this.key).update(bsn).digest('base64url')}`;
  }
}
