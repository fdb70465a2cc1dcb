import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Clock } from '@vir/domain';
import type { Viewer } from './roles';

export interface Session {
  viewer: Viewer;
  csrfToken: string;
  expiresAt: Date;
}

/** Only a hash of the session id is stored: the table alone does not let anyone act as a user. */
const idHash = (id: string) => createHash('sha256').update(id).digest('base64url');

/** Compares two secrets in constant time (false for different lengths). */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Server-side console sessions with a fixed lifetime and a CSRF token each. */
export class SessionStore {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly ttlMinutes: number,
  ) {}

  async create(viewer: Viewer): Promise<{ id: string; session: Session }> {
    const id = newSecret();
    const csrfToken = newSecret();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.ttlMinutes * 60_000);
    await this.ds.query('INSERT INTO console_session (id_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      idHash(id),
      viewer.accountId,
      csrfToken,
      now.toISOString(),
      expiresAt.toISOString(),
    ]);
    return { id, session: { viewer, csrfToken, expiresAt } };
  }

  /** The live session for a cookie value: unknown, expired or of a disabled account gives undefined. */
  async find(id: string | undefined): Promise<Session | undefined> {
    if (!id || id.length > 100) return undefined;
    const rows: { account_id: number; username: string; role: Viewer['role']; convenant: string | null; csrf_token: string; expires_at: Date }[] = await this.ds.query(
      `SELECT s.account_id, a.username, a.role, a.convenant, s.csrf_token, s.expires_at
       FROM console_session s JOIN console_account a ON a.id = s.account_id
       WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT a.disabled`,
      [idHash(id), this.clock.now().toISOString()],
    );
    if (rows.length === 0) return undefined;
    const r = rows[0];
    return { viewer: { accountId: r.account_id, username: r.username, role: r.role, convenant: r.convenant }, csrfToken: r.csrf_token, expiresAt: r.expires_at };
  }

  async end(id: string | undefined): Promise<void> {
    if (id) await this.ds.query('DELETE FROM console_session WHERE id_hash = $1', [idHash(id)]);
  }
}
