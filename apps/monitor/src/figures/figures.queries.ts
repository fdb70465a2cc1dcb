import type { DataSource } from 'typeorm';
import { SAME_CONVENANT, SAME_DOMEIN, SAME_GEMEENTE, SIDE_NEW } from './figure-events';
import { EMPTY_COUNTS, type Dimension, type FigureCounts, type FigureRow, type Grouping } from './figures-model';

// Only these strings are ever put into the SQL text; every value is a parameter.
const BUCKET: Record<Grouping | 'all', string> = {
  all: '$1::date',
  day: 'day',
  week: "date_trunc('week', day)::date",
  month: "date_trunc('month', day)::date",
  quarter: "date_trunc('quarter', day)::date",
  year: "date_trunc('year', day)::date",
};
const COLUMN: Record<Dimension, string> = { none: "''", convenant: 'convenant', gemeente: 'gemeente', domein: 'domein' };
const SAME: Record<Dimension, number> = { none: 0, convenant: SAME_CONVENANT, gemeente: SAME_GEMEENTE, domein: SAME_DOMEIN };

export interface FiguresQuery {
  from: string;
  to: string;
  grouping: Grouping | 'all';
  dimension: Dimension;
  /** Only this covenant area; undefined: all. */
  convenant?: string;
}

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** The Figures page's numbers, exact (suppression is the page's and the CSV's job). */
export class FiguresQueries {
  constructor(private readonly ds: DataSource) {}

  async figures(q: FiguresQuery): Promise<FigureRow[]> {
    const bucket = BUCKET[q.grouping];
    const group = COLUMN[q.dimension];
    const params: unknown[] = [q.from, q.to];
    let area = '';
    if (q.convenant !== undefined) {
      params.push(q.convenant);
      area = 'AND convenant = $3';
    }
    // A match is counted once in every group one of its meldingen is in; see SIDE_NEW. Filtering
    // on an area makes the area a grouping dimension too.
    const covered = SIDE_NEW | SAME[q.dimension] | (q.convenant !== undefined ? SAME_CONVENANT : 0);
    const match = (soort: string, reikwijdte: string) =>
      `coalesce(sum(CASE WHEN side & ${covered} = ${covered} THEN 0 ELSE count END) FILTER (WHERE soort = '${soort}' AND reikwijdte = '${reikwijdte}'), 0)::int`;
    const [meldingen, matches, signals] = await Promise.all([
      // Distinct young people: one row per (period, group, subject) first, by hashing (count(DISTINCT)
      // sorts every group), with the memory to do it in one go.
      this.ds.transaction(async (m) => {
        await m.query("SET LOCAL work_mem = '64MB'");
        return m.query(
          `SELECT period, grp, sum(n)::int AS meldingen, count(subject)::int AS young, count(subject) FILTER (WHERE any_matched)::int AS matched
           FROM (SELECT ${bucket} AS period, ${group} AS grp, subject, count(*) AS n, bool_or(matched) AS any_matched
                 FROM figure_melding WHERE day IS NOT NULL AND day >= $1::date AND day <= $2::date ${area} GROUP BY 1, 2, 3) AS per_subject
           GROUP BY 1, 2`,
          params,
        );
      }) as Promise<{ period: unknown; grp: string; meldingen: number; young: number; matched: number }[]>,
      this.ds.query(
        `SELECT ${bucket} AS period, ${group} AS grp, ${match('kind', 'binnen-convenant')} AS kb, ${match('kind', 'convenant-overstijgend')} AS ko,
                ${match('gezin', 'binnen-convenant')} AS gb, ${match('gezin', 'convenant-overstijgend')} AS go
         FROM figure_match_day WHERE day >= $1::date AND day <= $2::date ${area} GROUP BY 1, 2`,
        params,
      ) as Promise<{ period: unknown; grp: string; kb: number; ko: number; gb: number; go: number }[]>,
      this.ds.query(
        `SELECT ${bucket} AS period, ${group} AS grp, count(*)::int AS signals, count(*) FILTER (WHERE followed_up)::int AS reported,
                count(*) FILTER (WHERE followed_up AND contact)::int AS contact
         FROM figure_signal WHERE day IS NOT NULL AND day >= $1::date AND day <= $2::date ${area} GROUP BY 1, 2`,
        params,
      ) as Promise<{ period: unknown; grp: string; signals: number; reported: number; contact: number }[]>,
    ]);
    const rows = new Map<string, FigureRow>();
    const row = (period: unknown, grp: string): FigureCounts => {
      const key = `${day(period)}\u0000${grp}`;
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { period: day(period), group: grp, counts: { ...EMPTY_COUNTS } }));
      return r.counts;
    };
    for (const m of meldingen) Object.assign(row(m.period, m.grp), { meldingen: m.meldingen, youngPeople: m.young, youngPeopleMatched: m.matched });
    for (const m of matches) {
      const c = row(m.period, m.grp);
      Object.assign(c, { kindBinnen: m.kb, kindOver: m.ko, gezinBinnen: m.gb, gezinOver: m.go });
    }
    for (const s of signals) Object.assign(row(s.period, s.grp), { signals: s.signals, followedUp: s.reported, contact: s.contact });
    // A group whose matches all counted elsewhere (subtracted to 0) and that has nothing else is no row.
    return [...rows.values()]
      .filter((r) => Object.values(r.counts).some((n) => n > 0))
      .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  /** One row for the whole range (distinct young people are not additive, so not a sum of rows). */
  async total(q: Omit<FiguresQuery, 'grouping' | 'dimension'>): Promise<FigureRow> {
    const [r] = await this.figures({ ...q, grouping: 'all', dimension: 'none' });
    return r ?? { period: q.from, group: '', counts: { ...EMPTY_COUNTS } };
  }
}
