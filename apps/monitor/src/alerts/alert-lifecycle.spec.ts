import { diffAlerts, mayAcknowledge, type LiveAlert } from './alert-lifecycle';
import type { AlertRule, FiringCondition } from './alert-rules';

const cond = (rule: AlertRule, subject: string, summary = 's'): FiringCondition => ({ rule, subject, summary });
const live = (id: string, rule: AlertRule, subject: string, state: LiveAlert['state'] = 'open', summary = 's'): LiveAlert => ({ id, rule, subject, state, summary });
const ALL = new Set<AlertRule>(['party-silent', 'consumer-lag', 'dead-letter']);

describe('diffAlerts', () => {
  it('opens a new condition, keeps a firing one, closes an ended one', () => {
    const changes = diffAlerts([live('1', 'party-silent', 'A'), live('2', 'party-silent', 'B', 'acknowledged')], {
      firing: [cond('party-silent', 'A'), cond('consumer-lag', 'g/t')],
      evaluated: ALL,
    });
    expect(changes).toEqual([
      { kind: 'close', alert: live('2', 'party-silent', 'B', 'acknowledged') },
      { kind: 'open', condition: cond('consumer-lag', 'g/t') },
    ]);
  });

  it('one alert per rule and subject: the same condition twice opens once; the same subject under two rules opens two', () => {
    const changes = diffAlerts([], { firing: [cond('party-silent', 'A'), cond('party-silent', 'A', 'other'), cond('dead-letter', 'A')], evaluated: ALL });
    expect(changes.map((c) => (c.kind === 'open' ? `${c.condition.rule} ${c.condition.subject} ${c.condition.summary}` : c.kind))).toEqual(['party-silent A s', 'dead-letter A s']);
  });

  it('does not close the alerts of a rule whose input could not be read', () => {
    expect(diffAlerts([live('1', 'consumer-lag', 'g/t')], { firing: [], evaluated: new Set(['party-silent']) })).toEqual([]);
  });

  it('refreshes the summary of an alert still firing, whatever its state', () => {
    const a = live('1', 'party-silent', 'A', 'acknowledged', 'silent 2 h');
    expect(diffAlerts([a], { firing: [cond('party-silent', 'A', 'silent 3 h')], evaluated: ALL })).toEqual([{ kind: 'update', alert: a, summary: 'silent 3 h' }]);
    expect(diffAlerts([a], { firing: [cond('party-silent', 'A', 'silent 2 h')], evaluated: ALL })).toEqual([]);
  });
});

describe('mayAcknowledge', () => {
  it('only an open alert, once', () => {
    expect(mayAcknowledge({ state: 'open' })).toBeUndefined();
    expect(mayAcknowledge({ state: 'acknowledged' })).toBe('ALERT_NOT_OPEN');
    expect(mayAcknowledge({ state: 'closed' })).toBe('ALERT_NOT_OPEN');
    expect(mayAcknowledge(undefined)).toBe('ALERT_NOT_FOUND');
  });
});
