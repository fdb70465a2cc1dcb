import type { DataSource } from 'typeorm';
import type { Clock } from '@vir/domain';
import type { AuditLog } from './audit.log';
import { DUMMY_HASH_PROMISE, hashPassword, passwordProblem, verifyPassword } from './password-hash';
import type { Role, Viewer } from './roles';
import { afterFailure, isLocked, type LockoutPolicy } from './sign-in-policy';

export interface AccountRow {
  id: number;
  username: string;
  role: Role;
  convenant: string | null;
  disabled: boolean;
  lockedUntil: Date | null;
  failedAttempts: number;
  createdAt: Date;
}

/** Why an account operation or a sign-in was refused (codes documented in the README). */
export class AccountError extends Error {
  constructor(
    readonly code: 'ACCOUNT_EXISTS' | 'ACCOUNT_NOT_FOUND' | 'PASSWORD_TOO_WEAK' | 'INVALID_ACCOUNT',
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

export type SignInResult = { ok: true; viewer: Viewer } | { ok: false; code: 'SIGN_IN_FAILED' | 'ACCOUNT_LOCKED' };

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

interface DbAccount {
  id: number;
  username: string;
  role: Role;
  convenant: string | null;
  password_hash: string;
  failed_attempts: number;
  locked_until: Date | null;
  disabled: boolean;
  created_at: Date;
}

/** Local console accounts in the monitor's schema: managed by the `vir account` commands, used by sign-in. */
export class AccountStore {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly lockout: LockoutPolicy,
  ) {}

  async add(actor: string, username: string, role: Role, convenant: string | null, password: string): Promise<AccountRow> {
    if (!USERNAME.test(username)) throw new AccountError('INVALID_ACCOUNT', 'username: 2-64 of a-z 0-9 . _ -, starting with a letter or digit');
    if ((role === 'convenantbeheerder') !== (convenant !== null)) throw new AccountError('INVALID_ACCOUNT', 'a convenantbeheerder needs --convenant <area>; other roles take none');
    if (convenant !== null && !/^\d{1,3}$/.test(convenant)) throw new AccountError('INVALID_ACCOUNT', 'convenant: 1-3 digits');
    const problem = passwordProblem(password);
    if (problem) throw new AccountError('PASSWORD_TOO_WEAK', `password: ${problem}`);
    const now = this.clock.now();
    const hash = await hashPassword(password);
    return this.ds.transaction(async (em) => {
      const rows: DbAccount[] = await em.query(
        `INSERT INTO console_account (username, role, convenant, password_hash, created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (username) DO NOTHING RETURNING *`,
        [username, role, convenant, hash, now.toISOString()],
      );
      if (rows.length === 0) throw new AccountError('ACCOUNT_EXISTS', `account ${username} exists already`);
      await this.audit.record({ at: now, actor, action: 'account-added', target: username, outcome: 'ok', detail: { role, convenant } }, em);
      return toRow(rows[0]);
    });
  }

  async list(): Promise<AccountRow[]> {
    const rows: DbAccount[] = await this.ds.query('SELECT * FROM console_account ORDER BY username');
    return rows.map(toRow);
  }

  async count(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.ds.query('SELECT count(*)::int AS n FROM console_account');
    return n;
  }

  async setDisabled(actor: string, username: string, disabled: boolean): Promise<void> {
    await this.ds.transaction(async (em) => {
      const [rows]: [{ id: number }[], number] = await em.query('UPDATE console_account SET disabled = $2 WHERE username = $1 RETURNING id', [username, disabled]);
      if (rows.length === 0) throw new AccountError('ACCOUNT_NOT_FOUND', `no account ${username}`);
      // A disabled account's sessions end at once.
      if (disabled) await em.query('DELETE FROM console_session WHERE account_id = $1', [rows[0].id]);
      await this.audit.record({ at: this.clock.now(), actor, action: disabled ? 'account-disabled' : 'account-enabled', target: username, outcome: 'ok' }, em);
    });
  }

  /** A new password; clears a lockout and ends the account's sessions. */
  async resetPassword(actor: string, username: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new AccountError('PASSWORD_TOO_WEAK', `password: ${problem}`);
    const hash = await hashPassword(password);
    const now = this.clock.now();
    await this.ds.transaction(async (em) => {
      const [rows]: [{ id: number }[], number] = await em.query(
        'UPDATE console_account SET password_hash = $2, password_changed_at = $3, failed_attempts = 0, locked_until = NULL WHERE username = $1 RETURNING id',
        [username, hash, now.toISOString()],
      );
      if (rows.length === 0) throw new AccountError('ACCOUNT_NOT_FOUND', `no account ${username}`);
      await em.query('DELETE FROM console_session WHERE account_id = $1', [rows[0].id]);
      await this.audit.record({ at: now, actor, action: 'password-reset', target: username, outcome: 'ok' }, em);
    });
  }

  /**
   * Checks a sign-in. Unknown account, disabled account and wrong password all answer
   * SIGN_IN_FAILED after the same work (no hint which); a locked account is refused without
   * its password being checked, so guessing cannot go on during the lock.
   */
  async signIn(username: string, password: string): Promise<SignInResult> {
    const now = this.clock.now();
    const [account]: DbAccount[] = await this.ds.query('SELECT * FROM console_account WHERE username = $1', [username]);
    const refuse = async (code: 'SIGN_IN_FAILED' | 'ACCOUNT_LOCKED', reason: string): Promise<SignInResult> => {
      await this.audit.record({ at: now, actor: account ? username : 'anonymous', action: 'sign-in', target: account ? username : null, outcome: 'refused', detail: { code, reason } });
      return { ok: false, code };
    };
    if (!account) {
      await verifyPassword(password, await (this.dummyHash ??= DUMMY_HASH_PROMISE()));
      return refuse('SIGN_IN_FAILED', 'unknown account');
    }
    if (isLocked({ lockedUntil: account.locked_until }, now)) return refuse('ACCOUNT_LOCKED', 'account locked');
    const good = await verifyPassword(password, account.password_hash);
    if (!good || account.disabled) {
      if (!good) {
        const next = afterFailure({ failedAttempts: account.failed_attempts, lockedUntil: account.locked_until }, now, this.lockout);
        await this.ds.query('UPDATE console_account SET failed_attempts = $2, locked_until = $3 WHERE id = $1', [account.id, next.failedAttempts, next.lockedUntil?.toISOString() ?? null]);
        if (next.lockedUntil && isLocked(next, now)) {
          await this.audit.record({ at: now, actor: 'system', action: 'account-locked', target: username, outcome: 'ok', detail: { until: next.lockedUntil.toISOString() } });
        }
      }
      return refuse('SIGN_IN_FAILED', good ? 'account disabled' : 'wrong password');
    }
    await this.ds.query('UPDATE console_account SET failed_attempts = 0, locked_until = NULL WHERE id = $1', [account.id]);
    return { ok: true, viewer: { accountId: account.id, username: account.username, role: account.role, convenant: account.convenant } };
  }
}

function toRow(a: DbAccount): AccountRow {
  return {
    id: a.id,
    username: a.username,
    role: a.role,
    convenant: a.convenant,
    disabled: a.disabled,
    lockedUntil: a.locked_until,
    failedAttempts: a.failed_attempts,
    createdAt: a.created_at,
  };
}
