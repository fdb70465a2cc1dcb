// The national messages (berichten) as plain data. Their XML form is defined by the XSDs in
// schemas/ and produced/parsed by @vir/xml; this file is the one TypeScript definition.

export const ORGANISATIE_DOMEINEN = [
  'jeugdhulp',
  'jeugdgezondheidszorg',
  'gezondheidszorg',
  'onderwijs',
  'maatschappelijke-ondersteuning',
  'werk-en-inkomen',
  'politie-en-justitie',
] as const;
export type OrganisatieDomein = (typeof ORGANISATIE_DOMEINEN)[number];

/** The reporting professional (meldingsbevoegde); `id` is unique within the sending party. */
export interface Melder {
  id: string;
  naam: string;
  telefoon?: string;
  email?: string;
}

export interface Organisatie {
  naam: string;
  domein: OrganisatieDomein;
}

/** A registration: a professional is involved with a young person. Nothing about the concern. */
export interface MeldingBericht {
  /** Message id chosen by the sender (UUID); the tracking id of the whole flow. */
  berichtId: string;
  /** 20-digit OIN of the sending party (regional index or direct party). */
  afzenderOin: string;
  /** ISO-8601 timestamp the message was created. */
  verzonden: string;
  /** Covenant area code of the reporter (RvdK: 66). */
  convenant: string;
  /** The sender's own reference for this melding, echoed in matchsignalen. */
  referentie: string;
  jeugdige: { bsn: string; geboortedatum: string };
  /** Parents / legal representatives, for family matching (may be empty). */
  ouders: { bsn: string }[];
  /** YYYY-MM-DD */
  meldingsdatum: string;
  melder: Melder;
  organisatie: Organisatie;
}

export type MatchSoort = 'kind' | 'gezin';
export type MatchReikwijdte = 'binnen-convenant' | 'convenant-overstijgend';

/** A match signal to one professional: who else is involved, never what the concern is. */
export interface MatchsignaalBericht {
  /** Signal id (UUID). */
  berichtId: string;
  /** OIN of the national index. */
  afzenderOin: string;
  /** OIN of the receiving party. */
  ontvangerOin: string;
  verzonden: string;
  matchId: string;
  soort: MatchSoort;
  reikwijdte: MatchReikwijdte;
  /** The receiving party's own melding: its reference and message id. */
  eigenMelding: { referentie: string; berichtId: string };
  /** The other professional in the match, with their covenant area and organisation. */
  andereMelder: Melder & { convenant: string };
  andereOrganisatie: Organisatie;
}
