import { isValidBsn } from '@vir/domain';

/** A fictitious BSN that passes the 11-proef, distinct for each n (from a test range, 9 digits). */
export function testBsn(n: number): string {
  // Every 11th number passes; spread n over 900000000..999999999 and take the next valid one.
  let candidate = 900_000_000 + ((Math.abs(Math.trunc(n)) * 11) % 99_999_000);
  for (;;) {
    const s = String(candidate);
    if (isValidBsn(s)) return s;
    candidate++;
  }
}
