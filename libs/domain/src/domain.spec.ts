import { isValidBsn } from './bsn';
import { classify, matchNewMelding, type MatchCandidate } from './child-matching';
import { addYears, ageOn, checkMelding, endOfActivePeriod } from './melding-rules';

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
  });
});

describe('child matching', () => {
  const m = (id: string, prof: string, convenant = '23', status: MatchCandidate['status'] = 'active', child = 'p1'): MatchCandidate => ({
    id,
    jeugdigePseudonym: child,
    professionalKey: prof,
    convenant,
    status,
  });

  it('matches every other professional once: n meldingen give n(n-1)/2 pairs', () => {
    const stored: MatchCandidate[] = [];
    let pairs = 0;
    for (let i = 0; i < 6; i++) {
      const incoming = m(`m${i}`, `prof${i}`);
      const out = matchNewMelding(incoming, stored);
      if (out.kind !== 'new') throw new Error('expected new');
      pairs += out.matches.length;
      stored.push(incoming);
    }
    expect(pairs).toBe((6 * 5) / 2);
  });

  it('a second melding by the same professional updates and makes no match', () => {
    const out = matchNewMelding(m('m2', 'profA'), [m('m1', 'profA'), m('m0', 'profB')]);
    expect(out).toEqual({ kind: 'update', existing: m('m1', 'profA') });
  });

  it('ignores other children and ended meldingen', () => {
    const stored = [m('x', 'p2', '23', 'active', 'other'), ...(['withdrawn', 'removed', 'expired', 'archived'] as const).map((s, i) => m(`e${i}`, `q${i}`, '23', s))];
    expect(matchNewMelding(m('n', 'p1'), stored)).toEqual({ kind: 'new', matches: [] });
  });

  it('classifies within and across covenant areas', () => {
    expect(classify({ convenant: '23' }, { convenant: '23' })).toBe('binnen-convenant');
    expect(classify({ convenant: '23' }, { convenant: '66' })).toBe('convenant-overstijgend');
    const out = matchNewMelding(m('n', 'p1', '66'), [m('o', 'p2', '23')]);
    expect(out.kind === 'new' && out.matches[0].reikwijdte).toBe('convenant-overstijgend');
  });
});
