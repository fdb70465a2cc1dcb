import type { DataSource, EntityManager } from 'typeorm';
import type { PartyRecord } from './party';

export type PartyAuditAction = 'seed' | 'create' | 'update' | 'suspend' | 'resume';

/** One change to a party: who, what, when, and the record before and after. */
export interface PartyAuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: PartyAuditAction;
  partyOin: string;
  before: PartyRecord | null;
  after: PartyRecord | null;
}

interface PartyRow {
  oin: string;
  name: string;
  kind: PartyRecord['kind'];
  convenant: string;
  certificates: string[];
  webhook_url: string | null;
  pull: boolean;
  delivery_format: PartyRecord['deliveryFormat'];
  push_batch_size: number;
  local_matching: boolean;
  rate_limit_per_second: number | null;
  status: PartyRecord['status'];
  status_reason: string | null;
  signing_key_file: string | null;
  signing_cert_file: string | null;
}

const COLUMNS =
  'oin, name, kind, convenant, certificates, webhook_url, pull, delivery_format, local_matching, rate_limit_per_second, status, status_reason, signing_key_file, signing_cert_file, push_batch_size';

const toRecord = (r: PartyRow): PartyRecord => ({
  oin: r.oin,
  name: r.name,
  kind: r.kind,
  convenant: r.convenant,
  certificates: r.certificates,
  webhookUrl: r.webhook_url,
  pull: r.pull,
  deliveryFormat: r.delivery_format,
  localMatching: r.local_matching,
  rateLimitPerSecond: r.rate_limit_per_second,
  status: r.status,
  statusReason: r.status_reason,
  signingKeyFile: r.signing_key_file,
  signingCertFile: r.signing_cert_file,
  pushBatchSize: r.push_batch_size,
});

const values = (p: PartyRecord) => [
  p.oin,
  p.name,
  p.kind,
  p.convenant,
  p.certificates,
  p.webhookUrl,
  p.pull,
  p.deliveryFormat,
  p.localMatching,
  p.rateLimitPerSecond,
  p.status,
  p.statusReason,
  p.signingKeyFile,
  p.signingCertFile,
  p.pushBatchSize,
];

/**
 * The parties in the gateway's schema, and their audit trail. Every change is one transaction
 * that writes the party and its audit entry together, so no change goes unrecorded.
 */
export class PartyStore {
  constructor(private readonly ds: DataSource) {}

  async all(): Promise<PartyRecord[]> {
    const rows: PartyRow[] = await this.ds.query(`SELECT ${COLUMNS} FROM party ORDER BY kind DESC, convenant::int, oin`);
    return rows.map(toRecord);
  }

  /** What the index must know of every party (vir.party-settings.v1), with the time of its last change. */
  async settings(): Promise<{ oin: string; localMatching: boolean; deliveryFormat: PartyRecord['deliveryFormat']; changedAt: Date }[]> {
    const rows: { oin: string; local_matching: boolean; delivery_format: PartyRecord['deliveryFormat']; updated_at: Date }[] = await this.ds.query(
      'SELECT oin, local_matching, delivery_format, updated_at FROM party ORDER BY oin',
    );
    return rows.map((r) => ({ oin: r.oin, localMatching: r.local_matching, deliveryFormat: r.delivery_format, changedAt: r.updated_at }));
  }

  async get(oin: string): Promise<PartyRecord | undefined> {
    const rows: PartyRow[] = await this.ds.query(`SELECT ${COLUMNS} FROM party WHERE oin = $1`, [oin]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Adds a party unless its OIN exists; false when it did. */
  async insert(party: PartyRecord, actor: string, action: 'seed' | 'create', at: Date): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO party (${COLUMNS}, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)
         ON CONFLICT (oin) DO NOTHING RETURNING oin`,
        [...values(party), at],
      );
      if (inserted.length === 0) return false;
      await this.record(m, { at, actor, action, partyOin: party.oin, before: null, after: party });
      return true;
    });
  }

  /**
   * Changes a party under a row lock: `mutate` gets the current record and returns the new one
   * (or throws, and nothing changes). Undefined when there is no such party.
   */
  async change(
    oin: string,
    mutate: (current: PartyRecord) => PartyRecord,
    actor: string,
    action: Exclude<PartyAuditAction, 'seed' | 'create'>,
    at: Date,
  ): Promise<{ before: PartyRecord; after: PartyRecord } | undefined> {
    return this.ds.transaction(async (m) => {
      const rows: PartyRow[] = await m.query(`SELECT ${COLUMNS} FROM party WHERE oin = $1 FOR UPDATE`, [oin]);
      if (!rows[0]) return undefined;
      const before = toRecord(rows[0]);
      const after = { ...mutate(before), oin };
      await m.query(
        `UPDATE party SET name = $2, kind = $3, convenant = $4, certificates = $5, webhook_url = $6, pull = $7, delivery_format = $8,
           local_matching = $9, rate_limit_per_second = $10, status = $11, status_reason = $12, signing_key_file = $13, signing_cert_file = $14,
           push_batch_size = $15, updated_at = $16
         WHERE oin = $1`,
        [...values(after), at],
      );
      await this.record(m, { at, actor, action, partyOin: oin, before, after });
      return { before, after };
    });
  }

  async audit(oin: string, limit = 100): Promise<PartyAuditEntry[]> {
    const rows: { id: string; at: Date; actor: string; action: PartyAuditAction; party_oin: string; before: PartyRecord | null; after: PartyRecord | null }[] = await this.ds.query(
      'SELECT id, at, actor, action, party_oin, before, after FROM party_audit WHERE party_oin = $1 ORDER BY id DESC LIMIT $2',
      [oin, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), at: r.at, actor: r.actor, action: r.action, partyOin: r.party_oin, before: r.before, after: r.after }));
  }

  private async record(m: EntityManager, e: Omit<PartyAuditEntry, 'id'>): Promise<void> {
    await m.query('INSERT INTO party_audit (at, actor, action, party_oin, before, after) VALUES ($1, $2, $3, $4, $5, $6)', [
      e.at,
      e.actor,
      e.action,
      e.partyOin,
      e.before === null ? null : JSON.stringify(e.before),
      e.after === null ? null : JSON.stringify(e.after),
    ]);
  }
}
