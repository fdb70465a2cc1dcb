import { ORGANISATIE_DOMEINEN, type Melder, type Organisatie, UUID_PATTERN } from '@vir/contracts';
import { violation } from './xml-tree';

// Syntax rules for the fields of the national messages, applied both before sealing (so we
// never produce what we would refuse) and after parsing. The XSD states the same rules.
// Errors name the field, never its value.

const OIN = /^\d{20}$/;
const BSN = /^\d{9}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const CONVENANT = /^[0-9A-Za-z-]{1,16}$/;
const TELEFOON = /^[0-9+()\- ]{6,20}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** XML 1.0 cannot carry most C0 controls, and a line break in a name is never intended. */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') throw violation(`${path} is missing`);
  return value;
}

export function uuid(value: unknown, path: string): string {
  if (!UUID_PATTERN.test(str(value, path))) throw violation(`${path} must be a UUID`);
  return value as string;
}

export function oin(value: unknown, path: string): string {
  if (!OIN.test(str(value, path))) throw violation(`${path} must be a 20-digit OIN`);
  return value as string;
}

export function bsn(value: unknown, path: string): string {
  if (!BSN.test(str(value, path))) throw violation(`${path} must be 9 digits`);
  return value as string;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function date(value: unknown, path: string): string {
  const m = DATE.exec(str(value, path));
  const [year, month, day] = m ? [+m[1], +m[2], +m[3]] : [0, 0, 0];
  // Years below 100 stay refused, as when this went through Date.UTC (which reads them as 19xx).
  if (!m || year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw violation(`${path} must be a date YYYY-MM-DD`);
  }
  return value as string;
}

export function dateTime(value: unknown, path: string): string {
  if (!DATE_TIME.test(str(value, path)) || Number.isNaN(Date.parse(value as string))) {
    throw violation(`${path} must be an ISO-8601 date-time with time zone`);
  }
  return value as string;
}

export function text(value: unknown, path: string, max: number): string {
  const s = str(value, path);
  if (s.trim() === '' || s.length > max || hasControlCharacter(s)) {
    throw violation(`${path} must be 1-${max} characters without control characters`);
  }
  return s;
}

export function convenant(value: unknown, path: string): string {
  if (!CONVENANT.test(str(value, path))) throw violation(`${path} must be a covenant area code`);
  return value as string;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (!allowed.includes(str(value, path) as T)) throw violation(`${path} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function melder(m: Melder, path: string): Melder {
  if (typeof m !== 'object' || m === null) throw violation(`${path} is missing`);
  text(m.id, `${path}/Id`, 64);
  text(m.naam, `${path}/Naam`, 200);
  if (m.telefoon !== undefined && !TELEFOON.test(str(m.telefoon, `${path}/Telefoon`))) {
    throw violation(`${path}/Telefoon must be a phone number`);
  }
  if (m.email !== undefined && (!EMAIL.test(str(m.email, `${path}/Email`)) || m.email.length > 254)) {
    throw violation(`${path}/Email must be an e-mail address`);
  }
  return m;
}

export function organisatie(o: Organisatie, path: string): Organisatie {
  if (typeof o !== 'object' || o === null) throw violation(`${path} is missing`);
  text(o.naam, `${path}/Naam`, 200);
  oneOf(o.domein, ORGANISATIE_DOMEINEN, `${path}/Domein`);
  return o;
}

/** Parents per melding; the regional JSON allows the same. */
export const MAX_OUDERS = 4;

const GEMEENTECODE = /^[0-9]{4}$/;
const FOUTCODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const COMPONENT = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
/** Nine digits in a row could be a BSN: never in a free-text field we send or accept. */
const DIGIT_RUN = /[0-9]{9}/;

export function gemeentecode(value: unknown, path: string): string {
  if (!GEMEENTECODE.test(str(value, path))) throw violation(`${path} must be a 4-digit CBS municipality code`);
  return value as string;
}

export function foutcode(value: unknown, path: string): string {
  if (!FOUTCODE.test(str(value, path))) throw violation(`${path} must be an error code (A-Z, 0-9, _)`);
  return value as string;
}

export function component(value: unknown, path: string): string {
  if (!COMPONENT.test(str(value, path))) throw violation(`${path} must be a component name`);
  return value as string;
}

/** Free text that must not be able to carry a BSN (error descriptions). */
export function textWithoutNumbers(value: unknown, path: string, max: number): string {
  const s = text(value, path, max);
  if (DIGIT_RUN.test(s)) throw violation(`${path} may not contain 9 or more digits in a row (it could be a BSN)`);
  return s;
}

/** BerichtId and/or Referentie of a melding: at least one. */
export function meldingVerwijzing(value: { berichtId?: string; referentie?: string } | undefined, path: string): void {
  if (typeof value !== 'object' || value === null) throw violation(`${path} is missing`);
  if (value.berichtId === undefined && value.referentie === undefined) throw violation(`${path} needs a BerichtId and/or Referentie`);
  if (value.berichtId !== undefined) uuid(value.berichtId, `${path}/BerichtId`);
  if (value.referentie !== undefined) text(value.referentie, `${path}/Referentie`, 100);
}
