// What the Overview shows, computed from aggregate rows (pure).

/** The columns operators think in; a step can count in two (a rejected `gateway.validated` is "rejected"). */
export const STEP_GROUPS = ['received', 'rejected', 'forwarded', 'matched', 'signalled', 'delivered', 'failed'] as const;
export type StepGroup = (typeof STEP_GROUPS)[number];

export function stepGroupsOf(step: string, outcome: string): StepGroup[] {
  const groups: StepGroup[] = [];
  if (outcome === 'rejected') groups.push('rejected');
  if (outcome === 'failed') groups.push('failed');
  if (outcome !== 'ok') return groups;
  if (step === 'gateway.received') groups.push('received');
  else if (step === 'gateway.forwarded') groups.push('forwarded');
  else if (step === 'index.matched') groups.push('matched');
  else if (step === 'index.signal-queued') groups.push('signalled');
  else if (step === 'gateway.delivered') groups.push('delivered');
  return groups;
}

export const PERIODS = {
  hour: { label: 'last hour', spanMs: 3_600_000, bucketMs: 60_000, table: 'flow_minute', bucketSql: 'bucket' },
  day: { label: 'last 24 hours', spanMs: 86_400_000, bucketMs: 3_600_000, table: 'flow_minute', bucketSql: "date_trunc('hour', bucket, 'UTC')" },
  month: { label: 'last 30 days', spanMs: 30 * 86_400_000, bucketMs: 86_400_000, table: 'flow_day', bucketSql: 'bucket' },
} as const;
export type Period = keyof typeof PERIODS;

export function isPeriod(v: unknown): v is Period {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(PERIODS, v);
}

export interface AggregateRow {
  bucket: Date;
  partyOin: string;
  step: string;
  outcome: string;
  count: number;
}

export type GroupCounts = Record<StepGroup, number>;

const zero = (): GroupCounts => Object.fromEntries(STEP_GROUPS.map((g) => [g, 0])) as GroupCounts;

export interface OverviewModel {
  period: Period;
  /** Bucket start times, oldest first, covering the whole period. */
  buckets: Date[];
  /** Per step group, one count per bucket. */
  series: Record<StepGroup, number[]>;
  perParty: { partyOin: string; counts: GroupCounts }[];
  totals: GroupCounts;
}

/** Buckets for a period ending now, aligned to the bucket size. */
export function bucketsFor(period: Period, now: Date): Date[] {
  const { spanMs, bucketMs } = PERIODS[period];
  const last = Math.floor(now.getTime() / bucketMs) * bucketMs;
  const n = Math.round(spanMs / bucketMs);
  return Array.from({ length: n }, (_, i) => new Date(last - (n - 1 - i) * bucketMs));
}

export function buildOverview(period: Period, now: Date, rows: AggregateRow[]): OverviewModel {
  const buckets = bucketsFor(period, now);
  const { bucketMs } = PERIODS[period];
  const first = buckets[0].getTime();
  const series = Object.fromEntries(STEP_GROUPS.map((g) => [g, buckets.map(() => 0)])) as Record<StepGroup, number[]>;
  const perParty = new Map<string, GroupCounts>();
  const totals = zero();
  for (const r of rows) {
    const groups = stepGroupsOf(r.step, r.outcome);
    if (groups.length === 0) continue;
    const index = Math.floor((r.bucket.getTime() - first) / bucketMs);
    let party = perParty.get(r.partyOin);
    if (!party) perParty.set(r.partyOin, (party = zero()));
    for (const g of groups) {
      if (index >= 0 && index < buckets.length) series[g][index] += r.count;
      party[g] += r.count;
      totals[g] += r.count;
    }
  }
  return {
    period,
    buckets,
    series,
    perParty: [...perParty.entries()].map(([partyOin, counts]) => ({ partyOin, counts })).sort((a, b) => (a.partyOin < b.partyOin ? -1 : 1)),
    totals,
  };
}
