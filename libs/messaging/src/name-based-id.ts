import { hash } from 'node:crypto';

/**
 * A UUID (version-4 layout) from a SHA-256 of `name`: the same name always gives the same id, so
 * something produced again (a redelivery, a republished outbox row) carries the id it had and
 * consumers deduplicate it.
 */
export function nameBasedId(name: string): string {
  // One-shot: a Hash object per id (the index makes one per signal) cost twice the time, and a weak handle for each scavenge to sweep.
  const h = hash('sha256', name, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
