import { createHmac } from 'node:crypto';

export interface PseudonymKey {
  version: string;
  keyBase64: string;
}

/** One person under every key in use: `current` is stored, `all` is looked up. */
export interface Pseudonyms {
  current: string;
  all: string[];
}

/**
 * Keyed pseudonyms for BSNs: HMAC-SHA256 under a secret key, prefixed with the key version.
 * Tables hold only these; the BSN itself is never stored. Rotation: a new current key is added
 * and the old ones stay as previous keys, so rows written under them are still found (an HMAC
 * cannot be re-keyed without the BSN) until the last of them is purged.
 */
export class Pseudonymizer {
  private readonly keys: { version: string; key: Buffer }[];

  constructor(current: PseudonymKey, previous: PseudonymKey[] = []) {
    this.keys = [current, ...previous].map((k) => {
      const key = Buffer.from(k.keyBase64, 'base64');
      if (key.length < 32) throw new Error(`Pseudonym key ${k.version} must be at least 32 bytes`);
      return { version: k.version, key };
    });
    if (new Set(this.keys.map((k) => k.version)).size !== this.keys.length) throw new Error('Pseudonym key versions must differ');
  }

  get version(): string {
    return this.keys[0].version;
  }

  /** Under the current key: what new rows store. */
  pseudonym(bsn: string): string {
    return this.under(this.keys[0], bsn);
  }

  pseudonyms(bsn: string): Pseudonyms {
    const all = this.keys.map((k) => this.under(k, bsn));
    return { current: all[0], all };
  }

  private under(k: { version: string; key: Buffer }, bsn: string): string {
    return `${k.version}:${createHmac('sha256', k.key).update(bsn).digest('base64url')}`;
  }
}

/** `v1:base64,v0:base64` (PSEUDONYM_PREVIOUS_KEYS) as keys. */
export function parsePseudonymKeys(spec: string | undefined): PseudonymKey[] {
  return (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf(':');
      return { version: pair.slice(0, i), keyBase64: pair.slice(i + 1) };
    });
}
