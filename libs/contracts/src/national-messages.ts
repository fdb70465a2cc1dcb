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
  /** `woongemeente`: CBS code (4 digits) of the municipality of residence, optional (schema 1.2), for the figures. */
  jeugdige: { bsn: string; geboortedatum: string; woongemeente?: string };
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

/**
 * Matchsignalen for one party under one signature (schema 1.4): the index's signing budget at
 * national volume. Every signal's afzender and ontvanger are the bundle's.
 */
export interface MatchsignalenBericht {
  /** Bundle id (UUID); each signal keeps its own berichtId. */
  berichtId: string;
  afzenderOin: string;
  ontvangerOin: string;
  verzonden: string;
  signalen: MatchsignaalBericht[];
}

/** Root elements of the national messages (schemas/vir-berichten-v1.xsd, version 1.4). */
export const BERICHT_SOORTEN = [
  'Melding',
  'Intrekking',
  'Verwijdering',
  'Matchsignaal',
  'Matchsignalen',
  'Ontvangstbevestiging',
  'Foutbericht',
  'Ping',
] as const;
export type BerichtSoort = (typeof BERICHT_SOORTEN)[number];

/**
 * Points at a melding without repeating anything about the young person: the melding's
 * BerichtId and/or the sender's Referentie (at least one of the two).
 */
export interface MeldingVerwijzing {
  berichtId?: string;
  referentie?: string;
}

export const INTREKKING_REDENEN = ['zorg-afgerond', 'niet-meer-betrokken', 'onterecht-gemeld', 'overig'] as const;
export type IntrekkingReden = (typeof INTREKKING_REDENEN)[number];

/** The reporter withdraws its own melding (intrekken). */
export interface IntrekkingBericht {
  /** Id of this message (UUID). */
  berichtId: string;
  /** The party that sent the melding: only it may withdraw it. */
  afzenderOin: string;
  verzonden: string;
  /** Its own melding. */
  melding: MeldingVerwijzing;
  /** YYYY-MM-DD: the day the melding ends. */
  intrekkingsdatum: string;
  reden?: IntrekkingReden;
}

export const VERWIJDERING_REDENEN = ['bezwaar-gegrond', 'onjuiste-gegevens', 'niet-meldingsbevoegd', 'overig'] as const;
export type VerwijderingReden = (typeof VERWIJDERING_REDENEN)[number];

/** A gemeente orders a melding removed after an objection (bezwaar). */
export interface VerwijderingBericht {
  berichtId: string;
  /** The ordering party (the gemeente, or the party acting for it). */
  afzenderOin: string;
  verzonden: string;
  /** CBS municipality code, 4 digits. */
  gemeentecode: string;
  /** Another party's melding: that party's OIN and the melding's id and/or reference. */
  melding: MeldingVerwijzing & { afzenderOin: string };
  reden: VerwijderingReden;
  /** YYYY-MM-DD of the gemeente's decision. */
  besluitdatum: string;
}

/** A refusal as it travels in Ontvangstbevestiging and Foutbericht: a documented code, a text without message content. */
export interface BerichtFout {
  /** e.g. SIGNATURE_DIGEST_MISMATCH, BSN_INVALID: upper case, digits, underscores. */
  code: string;
  /** For a developer; never quotes message content (a 9-digit run is refused, so no BSN fits). */
  omschrijving: string;
}

/** The outcome for one item of a message or batch. */
export type OntvangstResultaat =
  | { trackingId: string; berichtId?: string; resultaat: 'geaccepteerd' }
  | { trackingId: string; berichtId?: string; resultaat: 'afgewezen'; fout: BerichtFout };

/** Acknowledgement of receipt, one result per item (a single message is a batch of one). */
export interface OntvangstbevestigingBericht {
  berichtId: string;
  afzenderOin: string;
  ontvangerOin: string;
  verzonden: string;
  /** 1 to 1000 items. */
  resultaten: OntvangstResultaat[];
}

/** A message could not be processed. */
export interface FoutBericht extends BerichtFout {
  berichtId: string;
  afzenderOin: string;
  ontvangerOin: string;
  verzonden: string;
  /** BerichtId of the message this error is about. */
  betreft: string;
}

export type PingRichting = 'heen' | 'terug';

export interface PingHop {
  /** e.g. "gateway", "index", "regio:nhn". */
  component: string;
  /** ISO-8601 with time zone. */
  tijdstip: string;
}

/**
 * Connectivity test. Out: richting "heen"; every hop may append itself and re-signs (so
 * AfzenderOin is the last signer). Back: a new Ping with the same pingId, richting "terug".
 */
export interface PingBericht {
  berichtId: string;
  afzenderOin: string;
  ontvangerOin: string;
  verzonden: string;
  pingId: string;
  richting: PingRichting;
  /** 1 to 32 hops, in the order they were passed. */
  hops: PingHop[];
}
