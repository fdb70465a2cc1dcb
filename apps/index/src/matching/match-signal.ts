import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Contracts, type FlowEvent, type MatchsignaalBericht } from '@vir/contracts';
import type { OutboxRecord, SignalRecord } from './outbox.relay';

/** What a matchsignaal tells about one melding of its match (melding's columns, camelCase). */
export interface SignalSide {
  messageId: string;
  partyOin: string;
  convenant: string;
  referentie: string;
  melderId: string;
  melderNaam: string;
  melderTelefoon: string | null;
  melderEmail: string | null;
  organisatieNaam: string;
  organisatieDomein: string;
  woongemeente: string | null;
}

/** A melding's figure dimensions for its flow events. */
export function dimensions(r: Pick<SignalSide, 'convenant' | 'woongemeente' | 'organisatieDomein'>): Pick<FlowEvent, 'convenant' | 'gemeente' | 'domein'> {
  return { convenant: r.convenant, ...(r.woongemeente ? { gemeente: r.woongemeente } : {}), domein: r.organisatieDomein };
}

export interface MatchSignalSpec {
  /** The index's signing OIN: the afzender. */
  signerOin: string;
  matchId: string;
  soort: MatchsignaalBericht['soort'];
  reikwijdte: MatchsignaalBericht['reikwijdte'];
  /** The receiving melding, and which of the match's two it is. */
  self: SignalSide;
  side: 'a' | 'b';
  counterpart: SignalSide;
  /** The time of the transaction that made the match (the signal's verzonden). */
  at: Date;
  /** Its index.signal-queued event's time (default `at`): the store's index.stored event's. */
  queuedAt?: string;
  /** The signal's message id (a signal rebuilt from its match keeps the one it was queued under). */
  messageId?: string;
  bundle: boolean;
}

/**
 * The outbox record of one matchsignaal: to the receiving melding's party, with the other
 * professional's contact details and organisation and the receiver's own reference (nothing
 * about the concern). One definition for the store that queues it and the relay that rebuilds it.
 */
export function matchSignalRecord(s: MatchSignalSpec): SignalRecord {
  const { self, counterpart } = s;
  const at = s.at.toISOString();
  const bericht: MatchsignaalBericht = {
    berichtId: s.messageId ?? randomUUID(),
    afzenderOin: s.signerOin,
    ontvangerOin: self.partyOin,
    verzonden: at,
    matchId: s.matchId,
    soort: s.soort,
    reikwijdte: s.reikwijdte,
    eigenMelding: { referentie: self.referentie, berichtId: self.messageId },
    andereMelder: {
      id: counterpart.melderId,
      naam: counterpart.melderNaam,
      ...(counterpart.melderTelefoon ? { telefoon: counterpart.melderTelefoon } : {}),
      ...(counterpart.melderEmail ? { email: counterpart.melderEmail } : {}),
      convenant: counterpart.convenant,
    },
    andereOrganisatie: { naam: counterpart.organisatieNaam, domein: counterpart.organisatieDomein as MatchsignaalBericht['andereOrganisatie']['domein'] },
  };
  return {
    topic: Contracts.outbound.topic.name,
    key: self.partyOin,
    value: { messageId: bericht.berichtId, type: 'matchsignaal', recipientOin: self.partyOin, correlationIds: [self.messageId, counterpart.messageId], producedAt: at },
    sign: bericht,
    // Its index.signal-queued event is built by the relay (see QueuedSignal).
    queued: { at: s.queuedAt ?? at, detail: `${s.reikwijdte} ${s.soort}-match`, dimensions: dimensions(self) },
    match: { id: s.matchId, side: s.side },
    ...(s.bundle ? { bundle: true as const } : {}),
  };
}

/**
 * A signal as its chunk's outbox row keeps it in the table: its id and its match. Everything
 * else (the two professionals' contact details, organisations, references) is in the match's
 * meldingen already, and is read from them (expandStored) only when a row is read back, after its
 * writer died before publishing it. Stored whole, the signals were four fifths of the row: about
 * 3.4 kB per melding of JSON to build, send, write to the WAL and delete.
 */
export interface StoredSignal {
  topic: string;
  key: string;
  signal: { messageId: string; matchId: string; side: 'a' | 'b'; bundle?: true };
}

/** A chunk row's records as the table keeps them: flow events whole, signals by their match. */
export type StoredRecord = OutboxRecord | StoredSignal;

export function compactForTable(records: OutboxRecord[]): StoredRecord[] {
  return records.map((r) =>
    r.sign && r.match ? { topic: r.topic, key: r.key, signal: { messageId: r.value.messageId, matchId: r.match.id, side: r.match.side, ...(r.bundle ? { bundle: true as const } : {}) } } : r,
  );
}

const MATCHES_SQL = `SELECT id::text, soort, reikwijdte, melding_a::text AS a, melding_b::text AS b FROM match WHERE id = ANY($1::uuid[])`;
/** The SignalSide columns of melding `m` (the store reads them with its candidates too). */
export const SIGNAL_SIDE_COLUMNS = `m.message_id::text AS "messageId", m.party_oin AS "partyOin", m.convenant, m.referentie, m.melder_id AS "melderId",
  m.melder_naam AS "melderNaam", m.melder_telefoon AS "melderTelefoon", m.melder_email AS "melderEmail", m.organisatie_naam AS "organisatieNaam",
  m.organisatie_domein AS "organisatieDomein", m.woongemeente`;
const SIDES_SQL = `SELECT m.id::text, ${SIGNAL_SIDE_COLUMNS} FROM melding m WHERE m.id = ANY($1::uuid[])`;

/**
 * A chunk row read back from the table, its signals rebuilt from their matches as the store built
 * them (same message ids; details as the meldingen now read). A signal whose match is gone (its
 * melding purged) is left out: `missing` counts them.
 */
export async function expandStored(em: EntityManager, stored: StoredRecord[], at: Date, signerOin: string): Promise<{ records: OutboxRecord[]; missing: number }> {
  const compact = stored.flatMap((r) => ('signal' in r ? [r.signal] : []));
  if (compact.length === 0) return { records: stored as OutboxRecord[], missing: 0 };
  const matches = new Map(
    ((await em.query(MATCHES_SQL, [[...new Set(compact.map((s) => s.matchId))]])) as { id: string; soort: MatchsignaalBericht['soort']; reikwijdte: MatchsignaalBericht['reikwijdte']; a: string; b: string }[]).map(
      (m) => [m.id, m],
    ),
  );
  const sides = new Map(
    ((await em.query(SIDES_SQL, [[...new Set([...matches.values()].flatMap((m) => [m.a, m.b]))]])) as (SignalSide & { id: string })[]).map((s) => [s.id, s]),
  );
  let missing = 0;
  const records = stored.flatMap((r): OutboxRecord[] => {
    if (!('signal' in r)) return [r];
    const m = matches.get(r.signal.matchId);
    const [self, counterpart] = m ? (r.signal.side === 'a' ? [sides.get(m.a), sides.get(m.b)] : [sides.get(m.b), sides.get(m.a)]) : [];
    if (!m || !self || !counterpart) {
      missing++;
      return [];
    }
    return [
      matchSignalRecord({ signerOin, matchId: m.id, soort: m.soort, reikwijdte: m.reikwijdte, self, side: r.signal.side, counterpart, at, messageId: r.signal.messageId, bundle: r.signal.bundle === true }),
    ];
  });
  return { records, missing };
}
