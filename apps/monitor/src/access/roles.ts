// Who may see what in the console (pure).

export const ROLES = ['beheerder', 'convenantbeheerder', 'read-only'] as const;
export type Role = (typeof ROLES)[number];

export interface Viewer {
  accountId: number;
  username: string;
  role: Role;
  /** Only for a convenantbeheerder: the covenant area they administer. */
  convenant: string | null;
}

export interface PartyInfo {
  oin: string;
  name: string;
  convenant: string;
}

/**
 * The parties a viewer may see: every party (undefined: no restriction) for a beheerder and a
 * read-only account, only the parties of their own area for a convenantbeheerder (possibly none).
 */
export function visibleParties(viewer: Viewer, parties: PartyInfo[]): string[] | undefined {
  if (viewer.role !== 'convenantbeheerder') return undefined;
  return parties.filter((p) => p.convenant === viewer.convenant).map((p) => p.oin);
}

export function maySeeParty(scope: string[] | undefined, partyOin: string | null | undefined): boolean {
  if (scope === undefined) return true;
  return !!partyOin && scope.includes(partyOin);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
