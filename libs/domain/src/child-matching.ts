import type { MatchReikwijdte } from '@vir/contracts';

/** What matching needs to know about a stored melding; no BSN, only the keyed pseudonym. */
export interface MatchCandidate {
  id: string;
  jeugdigePseudonym: string;
  /** Party OIN + the party's professional id: one professional across all their meldingen. */
  professionalKey: string;
  convenant: string;
  status: 'active' | 'withdrawn' | 'removed' | 'expired' | 'archived';
}

export interface ChildMatch {
  a: MatchCandidate;
  b: MatchCandidate;
  reikwijdte: MatchReikwijdte;
}

export function classify(a: { convenant: string }, b: { convenant: string }): MatchReikwijdte {
  return a.convenant === b.convenant ? 'binnen-convenant' : 'convenant-overstijgend';
}

/**
 * Outcome of a new melding against the active meldingen about the same young person:
 * either it updates the same professional's earlier melding (no new match), or it matches
 * every other professional's active melding once.
 */
export type ChildMatchOutcome =
  | { kind: 'update'; existing: MatchCandidate }
  | { kind: 'new'; matches: ChildMatch[] };

export function matchNewMelding(incoming: MatchCandidate, existing: MatchCandidate[]): ChildMatchOutcome {
  const sameChild = existing.filter(
    (e) => e.status === 'active' && e.jeugdigePseudonym === incoming.jeugdigePseudonym && e.id !== incoming.id,
  );
  const own = sameChild.find((e) => e.professionalKey === incoming.professionalKey);
  if (own) return { kind: 'update', existing: own };
  return {
    kind: 'new',
    matches: sameChild.map((e) => ({ a: e, b: incoming, reikwijdte: classify(e, incoming) })),
  };
}
