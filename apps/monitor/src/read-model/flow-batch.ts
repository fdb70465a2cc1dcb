import { ContractViolation, Contracts, type FlowEvent } from '@vir/contracts';

// Pure preparation of a chunk of flow events for the read model: parse, drop what can never be
// processed, de-duplicate within the chunk, and reduce to per-message summaries and
// per-bucket counts. No I/O here; the store writes what this returns.

/** A record as the transport delivers it (structurally KafkaRecord; kept local to stay framework-free). */
export interface RawRecord {
  value: Buffer | null;
}

export interface Unprocessable<R> {
  record: R;
  code: 'CONTRACT_VIOLATION';
  reason: string;
}

export interface ParsedChunk<R> {
  events: FlowEvent[];
  unprocessable: Unprocessable<R>[];
}

/** Parses every record with the flow-event contract; a record that violates it is named, never retried. */
export function parseChunk<R extends RawRecord>(records: R[]): ParsedChunk<R> {
  const events: FlowEvent[] = [];
  const unprocessable: Unprocessable<R>[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    try {
      const e = Contracts.flowEvent.parse(record.value);
      // A redelivered event inside one chunk counts once (across chunks the table's key decides).
      if (seen.has(e.eventId)) continue;
      seen.add(e.eventId);
      events.push(e);
    } catch (err) {
      if (!(err instanceof ContractViolation)) throw err;
      unprocessable.push({ record, code: 'CONTRACT_VIOLATION', reason: err.message });
    }
  }
  return { events, unprocessable };
}

export type MessageKind = 'melding' | 'intrekking' | 'verwijdering' | 'ping' | 'signaal';

/** What kind of message an event tells us this is, when it tells (most steps do not). */
export function kindOf(e: Pick<FlowEvent, 'step' | 'detail' | 'correlationIds'>): MessageKind | undefined {
  if (e.step === 'index.signal-queued' || e.step.startsWith('gateway.signal') || e.step.startsWith('gateway.deliver')) return 'signaal';
  if (e.step.includes('ping')) return 'ping';
  if (e.step === 'gateway.forwarded' || e.step === 'gateway.received') {
    const word = (e.detail ?? '').split(' ').pop();
    if (word === 'melding' || word === 'intrekking' || word === 'verwijdering' || word === 'ping') return word;
    if (e.step === 'gateway.forwarded') return undefined;
  }
  return undefined;
}

/** One message's state after this chunk's events: the store merges it into the stored summary. */
export interface MessageSummaryDelta {
  messageId: string;
  partyOin: string;
  kind: string | null;
  firstAt: Date;
  lastAt: Date;
  lastStep: string;
  lastOutcome: string;
  lastCode: string | null;
  events: number;
}

/** Per message: first and last time, the latest step and its outcome (the message's status now). */
export function summarise(events: FlowEvent[]): MessageSummaryDelta[] {
  const byMessage = new Map<string, MessageSummaryDelta>();
  for (const e of events) {
    const at = new Date(e.at);
    const kind = kindOf(e) ?? null;
    const s = byMessage.get(e.messageId);
    if (!s) {
      byMessage.set(e.messageId, {
        messageId: e.messageId,
        partyOin: e.partyOin ?? '',
        kind,
        firstAt: at,
        lastAt: at,
        lastStep: e.step,
        lastOutcome: e.outcome,
        lastCode: e.code ?? null,
        events: 1,
      });
      continue;
    }
    s.events++;
    if (!s.partyOin && e.partyOin) s.partyOin = e.partyOin;
    if (!s.kind && kind) s.kind = kind;
    if (at < s.firstAt) s.firstAt = at;
    if (at >= s.lastAt) {
      s.lastAt = at;
      s.lastStep = e.step;
      s.lastOutcome = e.outcome;
      s.lastCode = e.code ?? null;
    }
  }
  return [...byMessage.values()];
}

export type Granularity = 'minute' | 'day';

const BUCKET_MS: Record<Granularity, number> = { minute: 60_000, day: 86_400_000 };

export function bucketStart(at: Date, granularity: Granularity): Date {
  const ms = BUCKET_MS[granularity];
  return new Date(Math.floor(at.getTime() / ms) * ms);
}

/**
 * The step a flow event is counted under in the aggregates: as it is, except that the index's
 * `index.matched` (emitted after every matching, with "N match(es)" in its detail) counts as
 * `index.no-match` when it found none, so "matched" in the figures means at least one match.
 */
export function aggregateStep(e: Pick<FlowEvent, 'step' | 'detail'>): string {
  if (e.step === 'index.matched' && /^0 match/.test(e.detail ?? '')) return 'index.no-match';
  return e.step;
}

export interface BucketCount {
  bucket: Date;
  partyOin: string;
  step: string;
  outcome: string;
  code: string;
  count: number;
}

/**
 * Counts per (bucket, party, step, outcome, code), sorted by key so concurrent chunks lock the
 * aggregate rows in the same order (no deadlocks between partitions).
 */
export function countByBucket(events: FlowEvent[], granularity: Granularity): BucketCount[] {
  const size = BUCKET_MS[granularity];
  const counts = new Map<string, BucketCount & { ms: number }>();
  for (const e of events) {
    // Numbers, not ISO strings, per event: this runs for every event twice.
    const ms = Math.floor(Date.parse(e.at) / size) * size;
    const partyOin = e.partyOin ?? '';
    const code = e.code ?? '';
    const step = aggregateStep(e);
    const key = `${ms}|${partyOin}|${step}|${e.outcome}|${code}`;
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { ms, bucket: new Date(ms), partyOin, step, outcome: e.outcome, code, count: 1 });
  }
  return [...counts.values()]
    .sort((a, b) => a.ms - b.ms || cmp(a.partyOin, b.partyOin) || cmp(a.step, b.step) || cmp(a.outcome, b.outcome) || cmp(a.code, b.code))
    .map(({ ms: _ms, ...c }) => c);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
