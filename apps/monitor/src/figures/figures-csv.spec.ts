import { csvField, csvLines, figuresCsv } from './figures-csv';
import { EMPTY_COUNTS } from './figures-model';

describe('CSV writer', () => {
  it('quotes only what needs it (RFC 4180), doubling quotes, and ends every line with CRLF', () => {
    expect(csvLines([['a', 'b,c', 'say "hi"', 'two\nlines', 'x;y', '< 5']])).toBe('a,"b,c","say ""hi""","two\nlines","x;y",< 5\r\n');
  });

  it('defuses what a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(['+1', '-1', '@SUM(A1)', '\tx'].map(csvField)).toEqual(["'+1", "'-1", "'@SUM(A1)", "'\tx"]);
  });

  it('writes the figures with the page’s suppressed cells, and the total last', () => {
    const csv = figuresCsv(
      { from: '2026-01-01', to: '2026-03-31', grouping: 'month', dimension: 'gemeente', convenant: '' },
      [
        { period: '2026-01-01', group: '0363', counts: { ...EMPTY_COUNTS, meldingen: 12, youngPeople: 10, youngPeopleMatched: 6, signals: 3 } },
        { period: '2026-02-01', group: '', counts: { ...EMPTY_COUNTS, meldingen: 2, youngPeople: 2 } },
      ],
      { period: '2026-01-01', group: '', counts: { ...EMPTY_COUNTS, meldingen: 14, youngPeople: 12, youngPeopleMatched: 6, signals: 3 } },
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'period,municipality,meldingen,young people,young people with a match,share with a match,child matches within area,child matches across areas,family matches within area,family matches across areas,matchsignalen,follow-up reported,contact made,follow-up rate',
    );
    expect(lines[1]).toBe('2026-01,GM0363,12,10,6,60 %,< 5,< 5,< 5,< 5,< 5,< 5,< 5,—');
    expect(lines[2]).toBe('2026-02,unknown,< 5,< 5,< 5,—,< 5,< 5,< 5,< 5,< 5,< 5,< 5,—');
    expect(lines[3]).toBe('2026-01-01 to 2026-03-31,total,14,12,6,50 %,< 5,< 5,< 5,< 5,< 5,< 5,< 5,—');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
  });
});
