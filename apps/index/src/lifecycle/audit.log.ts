import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  at: Date;
  /** Who: a party's OIN, an operator, or 'system' for scheduled transitions. */
  actor: string;
  /** What: expired, purged, withdrawn, removed, inzage, … */
  action: string;
  meldingId?: string;
  /** The young person concerned, as pseudonym (never a BSN). */
  subject?: string;
  /** Why, in words (never personal data). */
  reason?: string;
  detail?: Record<string, unknown>;
}

/** Appends to the audit log inside the caller's transaction: no transition without its record. */
export async function recordAudit(em: EntityManager, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values: unknown[] = [];
  const rows = entries.map((e, i) => {
    values.push(e.at, e.actor, e.action, e.meldingId ?? null, e.subject ?? null, e.reason ?? null, JSON.stringify(e.detail ?? {}));
    const b = i * 7;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}::jsonb)`;
  });
  await em.query(`INSERT INTO audit_log (at, actor, action, melding_id, subject, reason, detail) VALUES ${rows.join(', ')}`, values);
}
