import { isValidBsn } from './bsn';
import { classify, matchBatch, matchNewMelding, pairCount, type Match, type MatchCandidate } from './melding-matching';
import { addYears, ageOn, checkMelding, endOfActivePeriod, purgeDate } from './melding-rules';

describe('BSN 11-proef', () => {
  it.each(['111222333', '123456782', '999999990', '012345672'])('accepts %s', (bsn) => expect(isValidBsn(bsn)).toBe(true));
  it.each(['123456789', '111222334', '000000000', '12345678', '1234567890', '12345678a', ''])('rejects %s', (bsn) =>
    expect(isValidBsn(bsn)).toBe(false),
  );
});

describe('melding rules', () => {
  const base = { jeugdige: { bsn: '111222333', geboortedatum: '2010-06-15' }, ouders: [], meldingsdatum: '2026-11-01' };
  it('accepts a valid melding', () => expect(checkMelding(base, '2026-11-22')).toEqual([]));
  it('computes ages across birthdays', () => {
    expect(ageOn('2003-11-22', '2026-11-21')).toBe(22);
    expect(ageOn('2003-11-22', '2026-11-22')).toBe(23);
  });
  it('rejects 23 or over on the melding date, accepts the day before', () => {
    const at23 = { ...base, jeugdige: { ...base.jeugdige, geboortedatum: '2003-11-01' } };
    expect(checkMelding(at23, '2026-11-22').map((v) => v.code)).toEqual(['AGE_LIMIT']);
    const at22 = { ...base, jeugdige: { ...base.jeugdige, geboortedatum: '2003-11-02' } };
    expect(checkMelding(at22, '2026-11-22')).toEqual([]);
  });
  it('rejects future dates and births after the melding', () => {
    expect(checkMelding({ ...base, meldingsdatum: '2026-11-23' }, '2026-11-22').map((v) => v.code)).toEqual(['DATE_IN_FUTURE']);
    const born = { ...base, jeugdige: { ...base.jeugdige, geboortedatum: '2026-11-05' } };
    expect(checkMelding(born, '2026-11-22').map((v) => v.code)).toEqual(['BIRTH_AFTER_MELDING']);
  });
  it('checks parents’ BSNs and never echoes a BSN', () => {
    const v = checkMelding({ ...base, ouders: [{ bsn: '123456789' }] }, '2026-11-22');
    expect(v.map((x) => [x.code, x.field])).toEqual([['BSN_INVALID', 'ouders[0].bsn']]);
    expect(JSON.stringify(v)).not.toContain('123456789');
  });
  it('ends after two years or at 23, whichever first', () => {
    expect(endOfActivePeriod(base)).toBe('2028-11-01');
    expect(endOfActivePeriod({ ...base, jeugdige: { ...base.jeugdige, geboortedatum: '2005-03-01' } })).toBe('2028-03-01');
    expect(addYears('2024-02-29', 1)).toBe('2025-03-01');
    expect(purgeDate('2028-11-01')).toBe('2033-11-01');
  });
});

describe('matching', () => {
  const m = (
    id: string,
    prof: string,
    o: { convenant?: string; status?: MatchCandidate['status']; child?: string; ouders?: string[] } = {},
  ): MatchCandidate => ({
    id,
    jeugdigePseudonym: o.child ?? 'c1',
    ouderPseudonyms: o.ouders ?? [],
    professionalKey: prof,
    convenant: o.convenant ?? '23',
    status: o.status ?? 'active',
  });
  const run = (sequence: MatchCandidate[]) => {
    const stored: MatchCandidate[] = [];
    const matches: Match[] = [];
    for (const incoming of sequence) {
      const out = matchNewMelding(incoming, stored);
      if (out.kind === 'new') {
        matches.push(...out.matches);
        stored.push(incoming);
      }
    }
    return matches;
  };

  it.each([2, 3, 4, 6, 10])('%i meldingen by different professionals about one young person give n(n-1)/2 child matches', (n) => {
    const matches = run(Array.from({ length: n }, (_, i) => m(`m${i}`, `prof${i}`)));
    expect(matches).toHaveLength(pairCount(n));
    expect(matches.every((x) => x.soort === 'kind')).toBe(true);
    const pairs = new Set(matches.map((x) => [x.a.id, x.b.id].sort().join('-')));
    expect(pairs.size).toBe(pairCount(n));
  });

  it('three meldingen give exactly a-b, a-c, b-c', () => {
    const pairs = run([m('a', 'p1'), m('b', 'p2'), m('c', 'p3')]).map((x) => `${x.a.id}-${x.b.id}`);
    expect(pairs).toEqual(['a-b', 'a-c', 'b-c']);
  });

  it('a second melding by the same professional about the same young person updates and makes no match', () => {
    const out = matchNewMelding(m('m2', 'profA'), [m('m1', 'profA'), m('m0', 'profB')]);
    expect(out).toEqual({ kind: 'update', existing: m('m1', 'profA') });
  });

  it('the same professional about another child is a new melding, not an update, and no match with themselves', () => {
    expect(matchNewMelding(m('m2', 'profA', { child: 'c2', ouders: ['P'] }), [m('m1', 'profA', { ouders: ['P'] })])).toEqual({ kind: 'new', matches: [] });
  });

  it('ended (withdrawn, removed, expired: archived) meldingen never match, for children or families', () => {
    const ended = (['withdrawn', 'removed', 'expired'] as const).flatMap((status, i) => [
      m(`c${i}`, `q${i}`, { status }),
      m(`f${i}`, `r${i}`, { status, child: 'sibling', ouders: ['P'] }),
    ]);
    expect(matchNewMelding(m('n', 'p1', { ouders: ['P'] }), ended)).toEqual({ kind: 'new', matches: [] });
  });

  it('makes a family match with a melding about a sibling sharing a parent, once however many parents are shared', () => {
    const sibling = m('s', 'p2', { child: 'c2', ouders: ['P', 'Q'] });
    const out = matchNewMelding(m('n', 'p1', { ouders: ['Q', 'P'] }), [sibling, m('x', 'p3', { child: 'c3', ouders: ['R'] })]);
    expect(out).toEqual({ kind: 'new', matches: [{ soort: 'gezin', a: sibling, b: m('n', 'p1', { ouders: ['Q', 'P'] }), reikwijdte: 'binnen-convenant' }] });
  });

  it('no family match without a shared parent, or when the incoming melding names no parents', () => {
    expect(matchNewMelding(m('n', 'p1', { ouders: ['P'] }), [m('s', 'p2', { child: 'c2', ouders: ['Q'] })])).toEqual({ kind: 'new', matches: [] });
    expect(matchNewMelding(m('n', 'p1'), [m('s', 'p2', { child: 'c2', ouders: [] })])).toEqual({ kind: 'new', matches: [] });
  });

  it('a melding can make child and family matches at once', () => {
    const out = matchNewMelding(m('n', 'p1', { ouders: ['P'] }), [m('same', 'p2'), m('sib', 'p3', { child: 'c2', ouders: ['P'] })]);
    expect(out.kind === 'new' && out.matches.map((x) => [x.a.id, x.soort])).toEqual([
      ['same', 'kind'],
      ['sib', 'gezin'],
    ]);
  });

  it('classifies within and across covenant areas', () => {
    expect(classify({ convenant: '23' }, { convenant: '23' })).toBe('binnen-convenant');
    expect(classify({ convenant: '23' }, { convenant: '66' })).toBe('convenant-overstijgend');
    const out = matchNewMelding(m('n', 'p1', { convenant: '66', ouders: ['P'] }), [m('o', 'p2', { convenant: '23' }), m('s', 'p3', { convenant: '66', child: 'c2', ouders: ['P'] })]);
    expect(out.kind === 'new' && out.matches.map((x) => x.reikwijdte)).toEqual(['convenant-overstijgend', 'binnen-convenant']);
  });

  describe('matchBatch (one transaction for many meldingen)', () => {
    const summary = (outs: ReturnType<typeof matchBatch>) =>
      outs.map((o) => (o.kind === 'update' ? `update:${o.existing.id}` : o.matches.map((x) => `${x.soort}:${x.a.id}-${x.b.id}:${x.reikwijdte}`).join(',')));

    it('gives what one-at-a-time matching gives, for a random stream with stored meldingen', () => {
      let seed = 7;
      const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
      const make = (i: number) =>
        m(`n${i}`, `p${rnd(6)}`, { child: `c${rnd(8)}`, ouders: rnd(3) === 0 ? [] : [`P${rnd(4)}`], convenant: String(rnd(2)), status: rnd(10) === 0 ? 'withdrawn' : 'active' });
      const stored = Array.from({ length: 30 }, (_, i) => ({ ...make(i), id: `s${i}` }));
      const incoming = Array.from({ length: 60 }, (_, i) => ({ ...make(i), status: 'active' as const }));
      const sequential: string[] = [];
      const seen = [...stored];
      for (const c of incoming) {
        const out = matchNewMelding(c, seen);
        if (out.kind === 'new') seen.push(c);
        sequential.push(...summary([out]));
      }
      expect(sequential.filter((s) => s !== '').length).toBeGreaterThan(10);
      expect(summary(matchBatch(incoming, stored))).toEqual(sequential);
    });

    it('matches meldingen of the same batch with each other: n about one young person give n(n-1)/2 pairs', () => {
      const outs = matchBatch([m('a', 'p1'), m('b', 'p2'), m('c', 'p3'), m('d', 'p4')], []);
      expect(outs.flatMap((o) => (o.kind === 'new' ? o.matches : [])).length).toBe(pairCount(4));
    });

    it('a second melding by the same professional in the same batch is an update, not a match', () => {
      expect(summary(matchBatch([m('a', 'p1'), m('b', 'p1'), m('c', 'p2', { child: 'c2', ouders: ['P'] })], [m('s', 'p3', { child: 'c3', ouders: ['P'] })]))).toEqual([
        '',
        'update:a',
        'gezin:s-c:binnen-convenant',
      ]);
    });

    it('siblings in one batch make one family match; ended stored meldingen make none', () => {
      const outs = matchBatch([m('x', 'p1', { child: 'k1', ouders: ['P', 'Q'] }), m('y', 'p2', { child: 'k2', ouders: ['Q'] })], [m('old', 'p3', { child: 'k3', ouders: ['P'], status: 'expired' })]);
      expect(summary(outs)).toEqual(['', 'gezin:x-y:binnen-convenant']);
    });
  });
});

