import type { MatchReikwijdte, MatchSoort } from '@vir/contracts';

/** Every status but 'active' means ended: the melding is in the historical archive until purged. */
export type MeldingStatus = 'active' | 'withdrawn' | 'removed' | 'expired';

/** What matching needs to know about a stored melding: keyed pseudonyms only, never a BSN. */
export interface MatchCandidate {
  id: string;
  jeugdigePseudonym: string;
  /** Pseudonyms of the parents / legal representatives named in the melding (may be empty). */
  ouderPseudonyms: string[];
  /** Party OIN + the party's professional id: one professional across all their meldingen. */
  professionalKey: string;
  convenant: string;
  status: MeldingStatus;
}

/** `a` is the earlier (stored) melding, `b` the incoming one. */
export interface Match {
  soort: MatchSoort;
  a: MatchCandidate;
  b: MatchCandidate;
  reikwijdte: MatchReikwijdte;
}

export function classify(a: { convenant: string }, b: { convenant: string }): MatchReikwijdte {
  return a.convenant === b.convenant ? 'binnen-convenant' : 'convenant-overstijgend';
}

/**
 * Outcome of a new melding against the stored meldingen: either it updates the same
 * professional's active melding about the same young person (no new match), or it makes
 * - a child match (kind) with every other professional's active melding about the same young
 *   person, and
 * - a family match (gezin) with every other professional's active melding about a different
 *   young person who shares a parent with it (once per melding, however many parents are shared).
 * Ended (withdrawn, removed, expired: archived) meldingen never match.
 */
export type MatchOutcome = { kind: 'update'; existing: MatchCandidate } | { kind: 'new'; matches: Match[] };

export function matchNewMelding(incoming: MatchCandidate, stored: MatchCandidate[]): MatchOutcome {
  const active = stored.filter((s) => s.status === 'active' && s.id !== incoming.id);
  const own = active.find((s) => s.jeugdigePseudonym === incoming.jeugdigePseudonym && s.professionalKey === incoming.professionalKey);
  if (own) return { kind: 'update', existing: own };
  const parents = new Set(incoming.ouderPseudonyms);
  const matches: Match[] = [];
  for (const s of active) {
    if (s.professionalKey === incoming.professionalKey) continue;
    if (s.jeugdigePseudonym === incoming.jeugdigePseudonym) {
      matches.push({ soort: 'kind', a: s, b: incoming, reikwijdte: classify(s, incoming) });
    } else if (s.ouderPseudonyms.some((p) => parents.has(p))) {
      matches.push({ soort: 'gezin', a: s, b: incoming, reikwijdte: classify(s, incoming) });
    }
  }
  return { kind: 'new', matches };
}

/** Number of matches n meldingen by different professionals about one young person make. */
export function pairCount(n: number): number {
  return (n * (n - 1)) / 2;
}
