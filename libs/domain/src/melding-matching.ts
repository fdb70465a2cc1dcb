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

/**
 * Matches a sequence of new meldingen (in arrival order) against the stored ones and against
 * each other: the result is exactly what matchNewMelding would give one melding at a time, each
 * seeing the stored meldingen plus the new ones before it that were not updates. Candidates are
 * found through pseudonym indexes, so a batch costs O(related) per melding, not O(stored).
 */
export function matchBatch(incoming: MatchCandidate[], stored: MatchCandidate[]): MatchOutcome[] {
  const byChild = new Map<string, MatchCandidate[]>();
  const byParent = new Map<string, MatchCandidate[]>();
  const index = (map: Map<string, MatchCandidate[]>, key: string, c: MatchCandidate) => {
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  };
  const add = (c: MatchCandidate) => {
    if (c.status !== 'active') return;
    index(byChild, c.jeugdigePseudonym, c);
    for (const p of new Set(c.ouderPseudonyms)) index(byParent, p, c);
  };
  stored.forEach(add);
  return incoming.map((c) => {
    // In first-seen order, so matches come out as they would from the full stored list.
    const related = new Set<MatchCandidate>(byChild.get(c.jeugdigePseudonym));
    for (const p of c.ouderPseudonyms) for (const r of byParent.get(p) ?? []) related.add(r);
    const outcome = matchNewMelding(c, [...related]);
    if (outcome.kind === 'new') add(c);
    return outcome;
  });
}
