import { randomUUID } from 'node:crypto';
import type { FlowEvent } from '@vir/contracts';
import { figureRows, SAME_CONVENANT, SAME_DOMEIN, SAME_GEMEENTE, SIDE_NEW, type Dimensions, type MatchCountRow } from './figure-events';

const AT = '2026-03-02T10:00:00.000Z';
let n = 0;
const ev = (e: Partial<FlowEvent> & Pick<FlowEvent, 'step' | 'messageId'>): FlowEvent => ({
  eventId: randomUUID(),
  component: 'index',
  outcome: 'ok',
  at: AT,
  partyOin: '00000003273416560001',
  ...e,
});
const matched = (messageId: string, self: Dimensions, matches: { soort: string; reikwijdte: string; other: string; dims: Dimensions }[] = [], subject = `subject-${String(++n).padStart(14, '0')}`) =>
  ev({
    step: 'index.matched',
    messageId,
    ...self,
    gemeente: self.gemeente || undefined,
    subject,
    matches: matches.map((m) => `${m.soort}|${m.reikwijdte}|${m.other}|${m.dims.convenant}|${m.dims.gemeente}|${m.dims.domein}`),
  });

describe('figureRows', () => {
  const nhn: Dimensions = { convenant: '7', gemeente: '0361', domein: 'onderwijs' };
  const nhn2: Dimensions = { convenant: '7', gemeente: '0400', domein: 'jeugdhulp' };
  const twente: Dimensions = { convenant: '12', gemeente: '0153', domein: 'onderwijs' };

  it('records a new melding with its dimensions and statistics key, and marks the other side of each match', () => {
    const a = randomUUID();
    const b = randomUUID();
    const rows = figureRows([matched(b, nhn, [{ soort: 'kind', reikwijdte: 'binnen-convenant', other: a, dims: nhn2 }], 'k'.repeat(22))]);
    expect(rows.meldingen).toEqual(
      expect.arrayContaining([
        { messageId: b, day: '2026-03-02', ...nhn, subject: 'k'.repeat(22), matched: true, touched: '2026-03-02' },
        { messageId: a, day: null, subject: null, matched: true, touched: '2026-03-02' },
      ]),
    );
    expect(rows.matches).toEqual(
      expect.arrayContaining([
        { day: '2026-03-02', ...nhn2, soort: 'kind', reikwijdte: 'binnen-convenant', side: 0, count: 1 },
        { day: '2026-03-02', ...nhn, soort: 'kind', reikwijdte: 'binnen-convenant', side: SIDE_NEW | SAME_CONVENANT, count: 1 },
      ]),
    );
  });

  it('merges the events of one chunk per row (its own event gives the dimensions, "matched" sticks)', () => {
    const a = randomUUID();
    const b = randomUUID();
    const rows = figureRows([matched(a, nhn), matched(b, twente, [{ soort: 'gezin', reikwijdte: 'convenant-overstijgend', other: a, dims: nhn }])]);
    expect(rows.meldingen.find((r) => r.messageId === a)).toMatchObject({ day: '2026-03-02', ...nhn, matched: true });
    expect(rows.meldingen).toHaveLength(2);
  });

  it('takes signals with the receiving melding’s dimensions and their follow-up reports, in either order', () => {
    const s1 = randomUUID();
    const s2 = randomUUID();
    const rows = figureRows([
      ev({ step: 'gateway.follow-up-reported', component: 'gateway', messageId: s2, code: 'GEEN_REACTIE', detail: 'contact=false datum=2026-03-03 received=2026-03-02 reden=GEEN_REACTIE' }),
      ev({ step: 'index.signal-queued', messageId: s1, ...nhn }),
      ev({ step: 'gateway.follow-up-reported', component: 'gateway', messageId: s1, detail: 'contact=true datum=2026-03-03 received=2026-03-02' }),
      ev({ step: 'index.signal-queued', messageId: s2, ...twente }),
    ]);
    expect(rows.signals.find((s) => s.signalId === s1)).toMatchObject({ day: '2026-03-02', ...nhn, followedUp: true, contact: true });
    expect(rows.signals.find((s) => s.signalId === s2)).toMatchObject({ day: '2026-03-02', ...twente, followedUp: true, contact: false });
  });

  it('ignores rejected events, other steps and events of an index without figure fields', () => {
    expect(figureRows([ev({ step: 'index.matched', messageId: randomUUID(), detail: '0 match(es)' }), ev({ step: 'index.stored', messageId: randomUUID(), ...nhn }), ev({ step: 'index.matched', outcome: 'rejected', messageId: randomUUID(), ...nhn })])).toEqual({
      meldingen: [],
      matches: [],
      signals: [],
    });
  });

  // The counting rule against brute force: every match exactly once in every group one of its
  // meldingen is in, for every combination of grouping dimensions, with and without an area filter.
  it('counts every match once per group it touches, for every grouping (random matches against brute force)', () => {
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
    const dims = (): Dimensions => ({ convenant: pick(['7', '12', '66']), gemeente: pick(['', '0361', '0153']), domein: pick(['onderwijs', 'jeugdhulp']) });
    const list = Array.from({ length: 300 }, () => ({ a: dims(), b: dims(), soort: pick(['kind', 'gezin']) }));
    const counts: MatchCountRow[] = figureRows(
      list.map((m) => matched(randomUUID(), m.b, [{ soort: m.soort, reikwijdte: m.a.convenant === m.b.convenant ? 'binnen-convenant' : 'convenant-overstijgend', other: randomUUID(), dims: m.a }])),
    ).matches;
    const keys: (keyof Dimensions)[] = ['convenant', 'gemeente', 'domein'];
    const bit = { convenant: SAME_CONVENANT, gemeente: SAME_GEMEENTE, domein: SAME_DOMEIN };
    for (let subset = 0; subset < 8; subset++) {
      for (const area of [undefined, '7']) {
        const by = keys.filter((_, i) => subset & (1 << i));
        const groupOf = (d: Dimensions) => by.map((k) => d[k]).join('/');
        const inArea = (d: Dimensions) => area === undefined || d.convenant === area;
        const expected = new Map<string, number>();
        for (const m of list) {
          const groups = new Set([m.a, m.b].filter(inArea).map(groupOf));
          for (const g of groups) expected.set(`${m.soort}:${g}`, (expected.get(`${m.soort}:${g}`) ?? 0) + 1);
        }
        const covered = SIDE_NEW | by.reduce((acc, k) => acc | bit[k], 0) | (area !== undefined ? SAME_CONVENANT : 0);
        const actual = new Map<string, number>();
        for (const r of counts.filter(inArea)) {
          const key = `${r.soort}:${groupOf(r)}`;
          actual.set(key, (actual.get(key) ?? 0) + ((r.side & covered) === covered ? 0 : r.count));
        }
        for (const [k, v] of actual) if (v === 0) actual.delete(k);
        expect([by.join('+'), area, Object.fromEntries(actual)]).toEqual([by.join('+'), area, Object.fromEntries(expected)]);
      }
    }
  });
});
