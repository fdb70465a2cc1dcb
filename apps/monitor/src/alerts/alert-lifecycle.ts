import type { AlertRule, Evaluation, FiringCondition } from './alert-rules';

// The alert lifecycle (pure): open when a condition starts, stay open (one per rule and subject)
// while it holds, closed when it ends; acknowledged in between by an operator.

export type AlertState = 'open' | 'acknowledged' | 'closed';

export interface LiveAlert {
  id: string;
  rule: AlertRule;
  subject: string;
  state: 'open' | 'acknowledged';
  summary: string;
}

export type AlertChange =
  | { kind: 'open'; condition: FiringCondition }
  | { kind: 'update'; alert: LiveAlert; summary: string }
  | { kind: 'close'; alert: LiveAlert };

const key = (rule: string, subject: string) => `${rule}\u0000${subject}`;

/**
 * What to do with the alerts not closed yet, given an evaluation: open the new conditions, close
 * the alerts whose condition ended (only for rules that were evaluated: an input that could not be
 * read says nothing), and refresh the summary of those still firing.
 */
export function diffAlerts(live: LiveAlert[], evaluation: Evaluation): AlertChange[] {
  const changes: AlertChange[] = [];
  const firing = new Map<string, FiringCondition>();
  for (const c of evaluation.firing) if (!firing.has(key(c.rule, c.subject))) firing.set(key(c.rule, c.subject), c);
  const seen = new Set<string>();
  for (const a of live) {
    const k = key(a.rule, a.subject);
    seen.add(k);
    const c = firing.get(k);
    if (c) {
      if (c.summary !== a.summary) changes.push({ kind: 'update', alert: a, summary: c.summary });
    } else if (evaluation.evaluated.has(a.rule)) changes.push({ kind: 'close', alert: a });
  }
  for (const [k, c] of firing) if (!seen.has(k)) changes.push({ kind: 'open', condition: c });
  return changes;
}

export type AcknowledgeRefusal = 'ALERT_NOT_FOUND' | 'ALERT_NOT_OPEN';

/** Only an open alert can be acknowledged (once); an acknowledged one still closes by itself. */
export function mayAcknowledge(alert: { state: AlertState } | undefined): AcknowledgeRefusal | undefined {
  if (!alert) return 'ALERT_NOT_FOUND';
  if (alert.state !== 'open') return 'ALERT_NOT_OPEN';
  return undefined;
}
