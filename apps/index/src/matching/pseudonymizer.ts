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
  private readonly statisticsKey: Buffer;

  /** `statisticsKeyBase64`: the key of `subject`; unset, one derived from the current pseudonym key. */
  constructor(current: PseudonymKey, previous: PseudonymKey[] = [], statisticsKeyBase64?: string) {
    this.keys = [current, ...previous].map((k) => {
      const key = Buffer.from(k.keyBase64, 'base64');
      if (key.length < 32) throw new Error(`Pseudonym key ${k.version} must be at least 32 bytes`);
      return { version: k.version, key };
    });
    if (new Set(this.keys.map((k) => k.version)).size !== this.keys.length) throw new Error('Pseudonym key versions must differ');
    this.statisticsKey = statisticsKeyBase64 ? Buffer.from(statisticsKeyBase64, 'base64') : createHmac('sha256', this.keys[0].key).update('vir-statistics-key').digest();
    if (this.statisticsKey.length < 32) throw new Error('The statistics key must be at least 32 bytes');
  }

  /**
   * The young person's statistics key for the figures: HMAC-SHA256 of the current pseudonym under
   * a separate key, cut to 128 bits (22 base64url characters). Whoever sees it (the monitor) can
   * count distinct young people, but cannot compute it from a BSN, nor match it to the index's
   * pseudonyms, without that key; the index's tables never hold it.
   */
  subject(currentPseudonym: string): string {
    return createHmac('sha256', this.statisticsKey).update(currentPseudonym).digest('base64url').slice(0, 22);
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
