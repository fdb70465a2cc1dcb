import { csvFileName, EMPTY_COUNTS, parseFiguresForm, periodLabel, shownCells, shownCount, shownRate } from './figures-model';

describe('small-count suppression', () => {
  it('shows counts under 5 (0 included) as "< 5" and the rest as they are', () => {
    expect([0, 1, 4, 5, 6, 1234].map(shownCount)).toEqual(['< 5', '< 5', '< 5', '5', '6', '1234']);
  });

  it('shows a rate only when both its counts are shown, so it never gives a suppressed count back', () => {
    expect(shownRate(3, 40)).toBe('—'); // 7.5 % of 40 would reveal the 3
    expect(shownRate(40, 3)).toBe('—');
    expect(shownRate(0, 100)).toBe('—');
    expect(shownRate(5, 5)).toBe('100 %');
    expect(shownRate(7, 9)).toBe('78 %');
  });

  it('applies both to a whole row', () => {
    const cells = shownCells({ ...EMPTY_COUNTS, meldingen: 12, youngPeople: 9, youngPeopleMatched: 4, kindBinnen: 5, signals: 10, followedUp: 6, contact: 5 });
    expect(cells).toEqual(['12', '9', '< 5', '—', '5', '< 5', '< 5', '< 5', '10', '6', '5', '50 %']);
  });
});

describe('parseFiguresForm', () => {
  it('fills in the defaults: the twelve months up to today, per month', () => {
    expect(parseFiguresForm({}, '2026-11-22')).toEqual({ form: { from: '2025-12-01', to: '2026-11-22', grouping: 'month', dimension: 'none', convenant: '' }, problems: [] });
  });

  it('names every malformed field', () => {
    expect(parseFiguresForm({ from: '2026-02-30', to: 'x', grouping: 'decade', dimension: 'bsn', convenant: '<script>' }, '2026-11-22').problems).toEqual([
      'from: a date YYYY-MM-DD',
      'to: a date YYYY-MM-DD',
      'grouping: one of day, week, month, quarter, year',
      'by: one of none, convenant, gemeente, domein',
      'area: a covenant area code',
    ]);
    expect(parseFiguresForm({ from: '2026-05-01', to: '2026-04-01' }, '2026-11-22').problems).toEqual(['from: not after to']);
    expect(parseFiguresForm({ from: '2000-01-01', to: '2026-04-01' }, '2026-11-22').problems).toEqual(['to: at most 3660 days after from']);
  });
});

describe('labels', () => {
  it('names periods as people read them', () => {
    expect(periodLabel('2026-03-02', 'day')).toBe('2026-03-02');
    expect(periodLabel('2025-12-29', 'week')).toBe('2026-W01'); // ISO week: the Thursday decides
    expect(periodLabel('2026-11-16', 'week')).toBe('2026-W47');
    expect(periodLabel('2026-11-01', 'month')).toBe('2026-11');
    expect(periodLabel('2026-10-01', 'quarter')).toBe('2026-Q4');
    expect(periodLabel('2026-01-01', 'year')).toBe('2026');
  });

  it('gives the CSV a file name from the (validated) form', () => {
    expect(csvFileName({ from: '2026-01-01', to: '2026-11-22', grouping: 'month', dimension: 'gemeente', convenant: '7' })).toBe('vir-figures_2026-01-01_2026-11-22_month_gemeente_convenant-7.csv');
  });
});
