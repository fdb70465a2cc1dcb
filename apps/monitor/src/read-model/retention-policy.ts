// How long the monitor keeps what (pure; the job and the ingestion both use it).

export interface RetentionPolicy {
  /** Per-message events and message summaries (default 90 days). */
  rawDays: number;
  /** Per-minute and per-day aggregates (default 730 days); never shorter than rawDays. */
  aggregateDays: number;
}

const DAY_MS = 86_400_000;
/**
 * Per-minute counts serve only the Overview's last hour and last 24 hours (and the Parties page's
 * last day): kept 48 hours, and not written for older events (a rebuild of 90 days would otherwise
 * write about one per event).
 */
export const MINUTE_COUNTS_HOURS = 48;

export interface RetentionCutoffs {
  /** Events and summaries before this are deleted (and no longer ingested). */
  raw: Date;
  /** Aggregate buckets before this are deleted. */
  aggregate: Date;
  /** Per-minute counts before this are deleted (and not written). */
  minute: Date;
}

export function retentionCutoffs(now: Date, policy: RetentionPolicy): RetentionCutoffs {
  if (!(policy.rawDays > 0) || !(policy.aggregateDays >= policy.rawDays)) throw new Error('Retention: rawDays must be positive and aggregateDays at least rawDays');
  return {
    raw: new Date(now.getTime() - policy.rawDays * DAY_MS),
    aggregate: new Date(now.getTime() - policy.aggregateDays * DAY_MS),
    minute: new Date(now.getTime() - MINUTE_COUNTS_HOURS * 3_600_000),
  };
}

/**
 * Whether an event may still be ingested. An event older than the raw cutoff is skipped: its raw
 * row would be deleted at once, and without that row a re-read (rebuild) could not tell it had
 * been counted already, so the aggregates would count it twice.
 */
export function ingestible(at: Date, cutoffs: RetentionCutoffs): boolean {
  return at.getTime() >= cutoffs.raw.getTime();
}
