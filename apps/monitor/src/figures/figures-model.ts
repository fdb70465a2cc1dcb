// The Figures page's rules (pure): its form, the small-count suppression, the rates and the
// rows as shown on the page and in the CSV.

export const GROUPINGS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Grouping = (typeof GROUPINGS)[number];
export const DIMENSIONS = ['none', 'convenant', 'gemeente', 'domein'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<Dimension, string> = { none: 'all together', convenant: 'covenant area', gemeente: 'municipality', domein: 'organisation domain' };

/** Counts below this are shown as "< 5". */
export const SUPPRESS_BELOW = 5;
/** The longest period one request may cover (ten years of days). */
const MAX_DAYS = 3_660;

export interface FiguresForm {
  from: string;
  to: string;
  grouping: Grouping;
  dimension: Dimension;
  /** Only this covenant area ('' = all). */
  convenant: string;
}

/** Raw figures of one group: exact counts, never shown as they are. */
export interface FigureCounts {
  meldingen: number;
  youngPeople: number;
  youngPeopleMatched: number;
  kindBinnen: number;
  kindOver: number;
  gezinBinnen: number;
  gezinOver: number;
  signals: number;
  followedUp: number;
  contact: number;
}

export const EMPTY_COUNTS: FigureCounts = { meldingen: 0, youngPeople: 0, youngPeopleMatched: 0, kindBinnen: 0, kindOver: 0, gezinBinnen: 0, gezinOver: 0, signals: 0, followedUp: 0, contact: 0 };

export interface FigureRow {
  /** First day of the period (YYYY-MM-DD). */
  period: string;
  /** The dimension's value ('' for none, or for "municipality unknown"). */
  group: string;
  counts: FigureCounts;
}

/** The columns of the page and the CSV, in order. */
export const COLUMNS: { key: keyof FigureCounts | 'matchShare' | 'followUpRate'; label: string }[] = [
  { key: 'meldingen', label: 'meldingen' },
  { key: 'youngPeople', label: 'young people' },
  { key: 'youngPeopleMatched', label: 'young people with a match' },
  { key: 'matchShare', label: 'share with a match' },
  { key: 'kindBinnen', label: 'child matches within area' },
  { key: 'kindOver', label: 'child matches across areas' },
  { key: 'gezinBinnen', label: 'family matches within area' },
  { key: 'gezinOver', label: 'family matches across areas' },
  { key: 'signals', label: 'matchsignalen' },
  { key: 'followedUp', label: 'follow-up reported' },
  { key: 'contact', label: 'contact made' },
  { key: 'followUpRate', label: 'follow-up rate' },
];

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Defaults: the twelve months up to today, per month, all together. */
export function defaultForm(today: string): FiguresForm {
  const t = new Date(`${today}T00:00:00Z`);
  const from = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - 11, 1)).toISOString().slice(0, 10);
  return { from, to: today, grouping: 'month', dimension: 'none', convenant: '' };
}

/** The form from a query string: the form (defaults filled in) and its problems (empty when valid). */
export function parseFiguresForm(q: Record<string, unknown>, today: string): { form: FiguresForm; problems: string[] } {
  const d = defaultForm(today);
  const text = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 40) : '');
  const form: FiguresForm = {
    from: text(q.from) || d.from,
    to: text(q.to) || d.to,
    grouping: (text(q.grouping) || d.grouping) as Grouping,
    dimension: (text(q.dimension) || d.dimension) as Dimension,
    convenant: text(q.convenant),
  };
  const problems: string[] = [];
  if (!isDate(form.from)) problems.push('from: a date YYYY-MM-DD');
  if (!isDate(form.to)) problems.push('to: a date YYYY-MM-DD');
  if (isDate(form.from) && isDate(form.to)) {
    if (form.from > form.to) problems.push('from: not after to');
    else if (addDays(form.from, MAX_DAYS) < form.to) problems.push(`to: at most ${MAX_DAYS} days after from`);
  }
  if (!(GROUPINGS as readonly string[]).includes(form.grouping)) problems.push(`grouping: one of ${GROUPINGS.join(', ')}`);
  if (!(DIMENSIONS as readonly string[]).includes(form.dimension)) problems.push(`by: one of ${DIMENSIONS.join(', ')}`);
  if (form.convenant && !/^[0-9A-Za-z-]{1,16}$/.test(form.convenant)) problems.push('area: a covenant area code');
  return { form, problems };
}

/**
 * A count as it may be shown: "< 5" below SUPPRESS_BELOW (0 included, so that an absence is not
 * revealed either), otherwise the number.
 */
export function shownCount(n: number): string {
  return n < SUPPRESS_BELOW ? `< ${SUPPRESS_BELOW}` : String(n);
}

/**
 * A rate as it may be shown: only when its numerator and its denominator are both shown as numbers
 * (≥ 5), in whole percent; otherwise "—". A rate over a suppressed count would give that count
 * back (e.g. 3 of 40 = 7.5 %), so it is suppressed with it.
 */
export function shownRate(numerator: number, denominator: number): string {
  if (numerator < SUPPRESS_BELOW || denominator < SUPPRESS_BELOW) return '—';
  return `${Math.round((100 * numerator) / denominator)} %`;
}

/** One row's cells in COLUMNS order, suppressed. */
export function shownCells(c: FigureCounts): string[] {
  return COLUMNS.map(({ key }) =>
    key === 'matchShare' ? shownRate(c.youngPeopleMatched, c.youngPeople) : key === 'followUpRate' ? shownRate(c.contact, c.signals) : shownCount(c[key]),
  );
}

/** How a period is named: 2026-11-22, 2026-W47, 2026-11, 2026-Q4, 2026. */
export function periodLabel(start: string, grouping: Grouping | 'all'): string {
  const d = new Date(`${start}T00:00:00Z`);
  switch (grouping) {
    case 'day':
    case 'all':
      return start;
    case 'week': {
      // ISO week of the Monday `start`: the week's Thursday decides the year.
      const thursday = new Date(d.getTime() + 3 * 86_400_000);
      const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
      const week = Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000)) + 1;
      return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
    }
    case 'month':
      return start.slice(0, 7);
    case 'quarter':
      return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
    case 'year':
      return start.slice(0, 4);
  }
}

/** How a group is named on the page and in the CSV. */
export function groupLabel(dimension: Dimension, group: string): string {
  if (dimension === 'none') return 'all';
  if (dimension === 'gemeente') return group ? `GM${group}` : 'unknown';
  return group;
}

/** The file name of the CSV download. */
export function csvFileName(form: FiguresForm): string {
  return `vir-figures_${form.from}_${form.to}_${form.grouping}_${form.dimension}${form.convenant ? `_convenant-${form.convenant}` : ''}.csv`;
}
