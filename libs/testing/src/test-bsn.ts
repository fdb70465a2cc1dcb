import { isValidBsn } from '@vir/domain';

/**
 * A fictitious BSN that passes the 11-proef, distinct for each n below 999,999. Each n owns a
 * block of 100 numbers from 900,000,000 on; every such block holds a valid BSN (for each choice
 * of the eighth digit, at most one ninth digit would have to be 10).
 */
export function testBsn(n: number): string {
  const block = 900_000_000 + (Math.abs(Math.trunc(n)) % 999_999) * 100;
  for (let candidate = block; candidate < block + 100; candidate++) {
    const s = String(candidate);
    if (isValidBsn(s)) return s;
  }
  throw new Error('unreachable: every block of 100 holds a valid BSN');
}
