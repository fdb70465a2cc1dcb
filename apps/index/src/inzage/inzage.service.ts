import type { DataSource } from 'typeorm';
import type { Clock } from '@vir/domain';
import { recordAudit } from '../lifecycle/audit.log';
import type { Pseudonymizer } from '../matching/pseudonymizer';

export interface InzageMatch {
  matchId: string;
  soort: string;
  reikwijdte: string;
  signalledOn: string;
  other: { organisatie: { naam: string; domein: string }; melder: string; convenant: string };
}

export interface InzageMelding {
  id: string;
  status: string;
  archived: boolean;
  meldingsdatum: string;
  endsOn: string;
  endedOn: string | null;
  purgeOn: string | null;
  partyOin: string;
  convenant: string;
  referentie: string;
  organisatie: { naam: string; domein: string };
  melder: { naam: string; telefoon: string | null; email: string | null };
  matches: InzageMatch[];
}

export interface InzageAccess {
  at: string;
  actor: string;
  action: string;
  reason: string | null;
}

export interface InzageReport {
  meldingen: InzageMelding[];
  /** The latest accesses to and changes of this young person's data, newest first (this request included). */
  accesses: InzageAccess[];
}

/** A young person's meldingen, active and archived (by the index melding_child). */
export const INZAGE_MELDINGEN_SQL = `SELECT id, status, to_char(meldingsdatum, 'YYYY-MM-DD') AS meldingsdatum, to_char(ends_on, 'YYYY-MM-DD') AS ends_on,
                to_char(ended_on, 'YYYY-MM-DD') AS ended_on, to_char(purge_on, 'YYYY-MM-DD') AS purge_on, party_oin, convenant, referentie,
                organisatie_naam, organisatie_domein, melder_naam, melder_telefoon, melder_email
         FROM melding WHERE jeugdige_pseudonym = ANY($1) ORDER BY meldingsdatum, created_at`;

/**
 * The matches of those meldingen, each side of a match on its own index (melding_a: match_pair,
 * melding_b: match_melding_b); one join on `own.id IN (melding_a, melding_b)` could use neither and
 * scanned every match.
 */
export const INZAGE_MATCHES_SQL = `SELECT m.id AS match_id, m.soort, m.reikwijdte, to_char(m.created_at, 'YYYY-MM-DD') AS signalled_on, m.own_id,
                    other.organisatie_naam, other.organisatie_domein, other.melder_naam, other.convenant
             FROM (SELECT id, soort, reikwijdte, created_at, melding_a AS own_id, melding_b AS other_id FROM match WHERE melding_a = ANY($1::uuid[])
                   UNION ALL
                   SELECT id, soort, reikwijdte, created_at, melding_b, melding_a FROM match WHERE melding_b = ANY($1::uuid[])) AS m
             JOIN melding other ON other.id = m.other_id
             ORDER BY m.created_at, m.id, m.own_id`;

/**
 * Inzage: everything the index holds about one young person, active and archived, with the
 * matches that were signalled. Every request is itself written to the audit log before the
 * answer is built, in the same transaction.
 */
export class InzageService {
  constructor(
    private readonly ds: DataSource,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly clock: Clock,
  ) {}

  async report(bsn: string, actor: string, reason: string | undefined): Promise<InzageReport> {
    const { current: subject, all: subjects } = this.pseudonymizer.pseudonyms(bsn);
    return this.ds.transaction(async (em) => {
      await recordAudit(em, [{ at: this.clock.now(), actor, action: 'inzage', subject, reason }]);
      const rows: Record<string, string | null>[] = await em.query(
        INZAGE_MELDINGEN_SQL,
        [subjects],
      );
      const ids = rows.map((r) => r.id as string);
      const matches: Record<string, string>[] = ids.length
        ? await em.query(
            INZAGE_MATCHES_SQL,
            [ids],
          )
        : [];
      const accesses: InzageAccess[] = (
        await em.query(`SELECT at, actor, action, reason FROM audit_log WHERE subject = ANY($1) ORDER BY at DESC, id DESC LIMIT 20`, [subjects])
      ).map((a: { at: Date; actor: string; action: string; reason: string | null }) => ({ at: a.at.toISOString(), actor: a.actor, action: a.action, reason: a.reason }));
      return {
        meldingen: rows.map((r) => ({
          id: r.id as string,
          status: r.status as string,
          archived: r.status !== 'active',
          meldingsdatum: r.meldingsdatum as string,
          endsOn: r.ends_on as string,
          endedOn: r.ended_on,
          purgeOn: r.purge_on,
          partyOin: r.party_oin as string,
          convenant: r.convenant as string,
          referentie: r.referentie as string,
          organisatie: { naam: r.organisatie_naam as string, domein: r.organisatie_domein as string },
          melder: { naam: r.melder_naam as string, telefoon: r.melder_telefoon, email: r.melder_email },
          matches: matches
            .filter((x) => x.own_id === r.id)
            .map((x) => ({
              matchId: x.match_id,
              soort: x.soort,
              reikwijdte: x.reikwijdte,
              signalledOn: x.signalled_on,
              other: { organisatie: { naam: x.organisatie_naam, domein: x.organisatie_domein }, melder: x.melder_naam, convenant: x.convenant },
            })),
        })),
        accesses,
      };
    });
  }
}
