import type { FlowEvent } from '@vir/contracts';

// From flow events to the rows of the figure tables (pure). Only events that are new to the read
// model come here, so every counter is incremented once; the per-melding and per-signal rows are
// merged here per key, because one INSERT … ON CONFLICT may not touch a row twice.

/** A melding's figure dimensions; `gemeente` is '' when the melding does not carry it. */
export interface Dimensions {
  convenant: string;
  gemeente: string;
  domein: string;
}

/** A new melding (from its own index.matched event) or, with `day` null, only the news that it was matched. */
export interface MeldingFigureRow extends Partial<Dimensions> {
  messageId: string;
  day: string | null;
  subject: string | null;
  matched: boolean;
  touched: string;
}

export interface MatchCountRow extends Dimensions {
  day: string;
  soort: string;
  reikwijdte: string;
  /** See SIDE_NEW. */
  side: number;
  count: number;
}

export interface SignalFigureRow extends Partial<Dimensions> {
  signalId: string;
  day: string | null;
  followedUp: boolean;
  contact: boolean;
  touched: string;
}

export interface FigureRows {
  meldingen: MeldingFigureRow[];
  matches: MatchCountRow[];
  signals: SignalFigureRow[];
}

/**
 * Every match is counted once for each of its two meldingen, under that melding's dimensions.
 * The side of the melding that made the match (the newer one) carries SIDE_NEW plus a bit for each
 * dimension it shares with the other side (SAME_*). A group then holds
 *   its sides − its new sides whose SAME bits cover the grouping's dimensions,
 * i.e. every match with at least one melding in the group exactly once (both meldingen in the group:
 * two sides, one subtracted). With no dimension that is the number of matches.
 */
export const SAME_CONVENANT = 1;
export const SAME_GEMEENTE = 2;
export const SAME_DOMEIN = 4;
export const SIDE_NEW = 8;

const day = (at: string) => new Date(at).toISOString().slice(0, 10);

function dimensionsOf(e: Pick<FlowEvent, 'convenant' | 'gemeente' | 'domein'>): Dimensions | undefined {
  if (!e.convenant || !e.domein) return undefined;
  return { convenant: e.convenant, gemeente: e.gemeente ?? '', domein: e.domein };
}

/** `soort|reikwijdte|messageId|convenant|gemeente|domein` (FIGURE_MATCH in @vir/contracts). */
function parseMatch(s: string): { soort: string; reikwijdte: string; messageId: string; other: Dimensions } | undefined {
  const [soort, reikwijdte, messageId, convenant, gemeente, domein] = s.split('|');
  if (!soort || !reikwijdte || !messageId || !convenant || gemeente === undefined || !domein) return undefined;
  return { soort, reikwijdte, messageId: messageId.toLowerCase(), other: { convenant, gemeente, domein } };
}

function sameMask(a: Dimensions, b: Dimensions): number {
  return (a.convenant === b.convenant ? SAME_CONVENANT : 0) | (a.gemeente === b.gemeente ? SAME_GEMEENTE : 0) | (a.domein === b.domein ? SAME_DOMEIN : 0);
}

/** Follow-up report detail written by the gateway: `contact=true|false datum=… received=…`. */
function contactOf(detail: string | undefined): boolean | undefined {
  const m = /(?:^|\s)contact=(true|false)(?:\s|$)/.exec(detail ?? '');
  return m ? m[1] === 'true' : undefined;
}

export function figureRows(events: FlowEvent[]): FigureRows {
  const meldingen = new Map<string, MeldingFigureRow>();
  const matches = new Map<string, MatchCountRow>();
  const signals = new Map<string, SignalFigureRow>();

  const melding = (row: MeldingFigureRow) => {
    const prev = meldingen.get(row.messageId);
    if (!prev) return void meldingen.set(row.messageId, row);
    // Its own event wins for the dimensions; "matched" from any event sticks.
    const own = row.day !== null ? row : prev;
    meldingen.set(row.messageId, { ...own, matched: prev.matched || row.matched, touched: prev.touched > row.touched ? prev.touched : row.touched });
  };
  const count = (r: Omit<MatchCountRow, 'count'>) => {
    const key = [r.day, r.convenant, r.gemeente, r.domein, r.soort, r.reikwijdte, r.side].join('\u0000');
    const prev = matches.get(key);
    if (prev) prev.count++;
    else matches.set(key, { ...r, count: 1 });
  };
  const signal = (row: SignalFigureRow) => {
    const prev = signals.get(row.signalId);
    if (!prev) return void signals.set(row.signalId, row);
    const own = row.day !== null ? row : prev;
    const report = row.followedUp ? row : prev;
    signals.set(row.signalId, { ...own, followedUp: report.followedUp, contact: report.contact, touched: prev.touched > row.touched ? prev.touched : row.touched });
  };

  for (const e of events) {
    if (e.outcome !== 'ok') continue;
    const d = day(e.at);
    if (e.step === 'index.matched') {
      const self = dimensionsOf(e);
      if (!self) continue; // an index from before the figures: nothing to count
      const made = (e.matches ?? []).map(parseMatch).filter((m) => m !== undefined);
      melding({ messageId: e.messageId.toLowerCase(), day: d, ...self, subject: e.subject ?? null, matched: made.length > 0, touched: d });
      for (const m of made) {
        melding({ messageId: m.messageId, day: null, subject: null, matched: true, touched: d });
        count({ day: d, ...m.other, soort: m.soort, reikwijdte: m.reikwijdte, side: 0 });
        count({ day: d, ...self, soort: m.soort, reikwijdte: m.reikwijdte, side: SIDE_NEW | sameMask(self, m.other) });
      }
    } else if (e.step === 'index.signal-queued') {
      const self = dimensionsOf(e);
      if (!self) continue;
      signal({ signalId: e.messageId.toLowerCase(), day: d, ...self, followedUp: false, contact: false, touched: d });
    } else if (e.step === 'gateway.follow-up-reported') {
      const contact = contactOf(e.detail);
      if (contact === undefined) continue;
      signal({ signalId: e.messageId.toLowerCase(), day: null, followedUp: true, contact, touched: d });
    }
  }
  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  // Sorted by key: concurrent chunks lock the rows they share in one order (no deadlock).
  return { meldingen: byKey(meldingen), matches: byKey(matches), signals: byKey(signals) };
}
