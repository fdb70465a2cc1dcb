import * as rules from './field-rules';

/** The reference the date rule once was: a round trip through Date.UTC (which reads years below 100 as 19xx). */
function validByDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return !!m && !!d && d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

describe('field rules', () => {
  it('date: calendar arithmetic gives what a Date round trip gives, leap years and all', () => {
    const pad = (x: number, w: number) => String(x).padStart(w, '0');
    for (const year of [0, 1, 99, 100, 999, 1600, 1700, 1900, 2000, 2004, 2023, 2024, 2100, 2400, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const v = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          let accepted = true;
          try {
            rules.date(v, '/x');
          } catch {
            accepted = false;
          }
          expect({ v, accepted }).toEqual({ v, accepted: validByDate(v) });
        }
      }
    }
    for (const v of ['2024-2-29', '2024-02-29T00:00:00Z', ' 2024-02-29', '２０２４-02-29']) expect(() => rules.date(v, '/x')).toThrow();
  });
});
