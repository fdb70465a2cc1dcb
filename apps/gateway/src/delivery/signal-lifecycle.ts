// The rules of a signal's life at the gateway, framework-free (no Nest, no database): its statuses
// and transitions, the retry schedule, the give-up rule, the pull cursor, and the follow-up report.

/**
 * queued → sent → delivered (push: the webhook answered 2xx) or acknowledged (the party's ack, after
 * a pull or a push); a failed push → retrying → sent → …; after the give-up time → failed. An
 * operator may resend a failed signal: failed → queued.
 */
export const SIGNAL_STATUSES = ['queued', 'sent', 'retrying', 'delivered', 'acknowledged', 'failed'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

/** Not yet with the party: claimed for push or pull. */
export const PENDING_STATUSES: readonly SignalStatus[] = ['queued', 'sent', 'retrying'];

const TRANSITIONS: Record<SignalStatus, readonly SignalStatus[]> = {
  queued: ['sent', 'acknowledged', 'failed'],
  sent: ['sent', 'delivered', 'acknowledged', 'retrying', 'failed'],
  retrying: ['sent', 'acknowledged', 'failed'],
  delivered: ['acknowledged'],
  acknowledged: [],
  failed: ['queued', 'acknowledged'],
};

export function canTransition(from: SignalStatus, to: SignalStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isPending(status: SignalStatus): boolean {
  return PENDING_STATUSES.includes(status);
}

/** Only a failed signal can be resent by an operator. */
export const canResend = (status: SignalStatus): boolean => canTransition(status, 'queued');

/** The wait after the n-th failed attempt (n ≥ 1): base, doubling, at most `maxMs` (1 h). */
export function retryDelayMs(attempts: number, baseMs: number, maxMs = 3_600_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 40)), maxMs);
}

/** Whether a signal still not with its party since `since` (its intake, or its resend) is given up. */
export function isGivenUp(since: Date, now: Date, giveUpMs: number): boolean {
  return now.getTime() - since.getTime() >= giveUpMs;
}

/**
 * The pull cursor: opaque to the party, the production position (seq) of the last signal it was
 * given. Signals after it come in production order; the cursor stays valid however many are
 * acknowledged in between.
 */
export function encodeCursor(seq: string): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

/** The seq in a cursor, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return undefined;
  const m = /^s(0|[1-9][0-9]{0,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? m[1] : undefined;
}

export const PULL_DEFAULT_LIMIT = 100;
export const PULL_MAX_LIMIT = 500;

/** `limit` and `cursor` of a pull; problems listed as VALIDATION_FAILED details. */
export function parsePullQuery(query: { cursor?: unknown; limit?: unknown }): { afterSeq: string; limit: number } | { problems: string[] } {
  const problems: string[] = [];
  let limit = PULL_DEFAULT_LIMIT;
  if (query.limit !== undefined) {
    const n = typeof query.limit === 'string' && /^[0-9]{1,4}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > PULL_MAX_LIMIT) problems.push(`limit must be a whole number from 1 to ${PULL_MAX_LIMIT}`);
    else limit = n;
  }
  let afterSeq = '0';
  if (query.cursor !== undefined && query.cursor !== '') {
    const seq = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : undefined;
    if (seq === undefined) problems.push('cursor is not a cursor this gateway gave out');
    else afterSeq = seq;
  }
  return problems.length > 0 ? { problems } : { afterSeq, limit };
}

/**
 * Why no contact was made after a matchsignaal (the follow-up report's `redenCode`, required when
 * `contact` is false). For the figures; a code, never free text, so no personal data.
 */
export const FOLLOW_UP_REDEN_CODES = {
  GEEN_REACTIE: 'The other professional could not be reached (no answer after repeated attempts).',
  AL_IN_CONTACT: 'Already working together with the other professional; no new contact needed.',
  NIET_MEER_BETROKKEN: 'The reporting professional is no longer involved with the young person.',
  MELDING_BEEINDIGD: 'The melding was withdrawn or ended before contact was made.',
  GEEN_TOESTEMMING: 'Contact was not made for reasons of consent or confidentiality.',
  ANDERS: 'Another reason.',
} as const;
export type FollowUpRedenCode = keyof typeof FOLLOW_UP_REDEN_CODES;

export interface FollowUp {
  contact: boolean;
  redenCode: FollowUpRedenCode | null;
  /** YYYY-MM-DD: when contact was made, or when it was decided not to. */
  datum: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/**
 * Validates a follow-up report: `{ contact, redenCode?, datum }`, nothing else. `datum` must not lie
 * in the future nor before the day the gateway received the signal (`receivedOn`, YYYY-MM-DD);
 * `today` is the gateway's date (UTC).
 */
export function parseFollowUp(body: unknown, receivedOn: string, today: string): FollowUp | { problems: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { problems: ['the body must be a JSON object { contact, redenCode?, datum }'] };
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(b)) if (!['contact', 'redenCode', 'datum'].includes(k)) problems.push(`${k.slice(0, 40)}: not a field of a follow-up report`);
  if (typeof b.contact !== 'boolean') problems.push('contact must be true or false');
  const reden = b.redenCode ?? null;
  if (b.contact === false) {
    if (typeof reden !== 'string' || !(reden in FOLLOW_UP_REDEN_CODES)) problems.push(`redenCode is required when contact is false, one of ${Object.keys(FOLLOW_UP_REDEN_CODES).join(', ')}`);
  } else if (b.contact === true && reden !== null) problems.push('redenCode is only given when contact is false');
  if (typeof b.datum !== 'string' || !isRealDate(b.datum)) problems.push('datum must be a date, YYYY-MM-DD');
  else if (b.datum > today) problems.push('datum lies in the future');
  else if (b.datum < receivedOn) problems.push('datum lies before the signal was received');
  if (problems.length > 0) return { problems };
  return { contact: b.contact as boolean, redenCode: b.contact ? null : (reden as FollowUpRedenCode), datum: b.datum as string };
}

export function sameFollowUp(a: FollowUp, b: FollowUp): boolean {
  return a.contact === b.contact && a.redenCode === b.redenCode && a.datum === b.datum;
}
