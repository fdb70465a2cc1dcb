import { isValidBsn } from './bsn';

/** A young person may be registered up to (not including) this age. */
export const MAX_AGE_YEARS = 23;
/** A melding is active for at most this many years. */
export const ACTIVE_YEARS = 2;
/** An ended melding stays in the historical archive this many years, then it is purged. */
export const ARCHIVE_YEARS = 5;

export type MeldingRuleCode = 'BSN_INVALID' | 'AGE_LIMIT' | 'DATE_IN_FUTURE' | 'BIRTH_AFTER_MELDING';

export interface MeldingRuleViolation {
  code: MeldingRuleCode;
  /** Which field; messages never contain the value itself. */
  field: string;
  message: string;
}

export interface MeldingFacts {
  jeugdige: { bsn: string; geboortedatum: string };
  ouders: { bsn: string }[];
  meldingsdatum: string;
}

/** Adds whole years to a YYYY-MM-DD date; 29 February becomes 1 March in a non-leap year. */
export function addYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const date = new Date(Date.UTC(y + years, m - 1, d));
  return date.toISOString().slice(0, 10);
}

/** Age in whole years on a given date (both YYYY-MM-DD). */
export function ageOn(geboortedatum: string, on: string): number {
  const [by, bm, bd] = geboortedatum.split('-').map(Number);
  const [oy, om, od] = on.split('-').map(Number);
  const hadBirthday = om > bm || (om === bm && od >= bd);
  return oy - by - (hadBirthday ? 0 : 1);
}

/** The date a melding ends by law: 2 years after the melding date, or the 23rd birthday if earlier. */
export function endOfActivePeriod(m: Pick<MeldingFacts, 'jeugdige' | 'meldingsdatum'>): string {
  const twoYears = addYears(m.meldingsdatum, ACTIVE_YEARS);
  const birthday23 = addYears(m.jeugdige.geboortedatum, MAX_AGE_YEARS);
  return twoYears < birthday23 ? twoYears : birthday23;
}

/** The day an ended melding leaves the archive for good. */
export function purgeDate(endedOn: string): string {
  return addYears(endedOn, ARCHIVE_YEARS);
}

/**
 * The rules every melding must satisfy, wherever it enters (gateway or index).
 * `today` is YYYY-MM-DD from an injectable clock.
 */
export function checkMelding(m: MeldingFacts, today: string): MeldingRuleViolation[] {
  const out: MeldingRuleViolation[] = [];
  if (!isValidBsn(m.jeugdige.bsn)) {
    out.push({ code: 'BSN_INVALID', field: 'jeugdige.bsn', message: 'BSN of the young person fails the 11-proef' });
  }
  m.ouders.forEach((o, i) => {
    if (!isValidBsn(o.bsn)) {
      out.push({ code: 'BSN_INVALID', field: `ouders[${i}].bsn`, message: `BSN of parent ${i + 1} fails the 11-proef` });
    }
  });
  out.push(...checkMeldingDates(m, today));
  return out;
}

/** The date rules alone: usable where the BSNs are encrypted (a direct party's XML at the gateway). */
export function checkMeldingDates(
  m: { meldingsdatum: string; jeugdige: { geboortedatum: string } },
  today: string,
): MeldingRuleViolation[] {
  const out: MeldingRuleViolation[] = [];
  if (m.meldingsdatum > today) {
    out.push({ code: 'DATE_IN_FUTURE', field: 'meldingsdatum', message: 'meldingsdatum lies in the future' });
  }
  if (m.jeugdige.geboortedatum > today) {
    out.push({ code: 'DATE_IN_FUTURE', field: 'jeugdige.geboortedatum', message: 'geboortedatum lies in the future' });
  } else if (m.jeugdige.geboortedatum > m.meldingsdatum) {
    out.push({ code: 'BIRTH_AFTER_MELDING', field: 'jeugdige.geboortedatum', message: 'geboortedatum lies after meldingsdatum' });
  } else if (ageOn(m.jeugdige.geboortedatum, m.meldingsdatum) >= MAX_AGE_YEARS) {
    out.push({ code: 'AGE_LIMIT', field: 'jeugdige.geboortedatum', message: `the young person is ${MAX_AGE_YEARS} or older on the melding date` });
  }
  return out;
}
