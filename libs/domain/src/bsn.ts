/**
 * The 11-proef for a BSN: 9 digits d1..d9 with 9·d1 + 8·d2 + … + 2·d8 − 1·d9 divisible by 11
 * (and not all zero). Never put the BSN itself in an error or a log line.
 */
export function isValidBsn(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (bsn.charCodeAt(i) - 48);
  sum -= bsn.charCodeAt(8) - 48;
  return sum % 11 === 0 && sum !== 0 && bsn !== '000000000';
}
