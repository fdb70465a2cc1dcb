import { randomBytes } from 'node:crypto';
import { FixedClock } from '@vir/domain';
import { openDataSource } from '@vir/persistence';
import type { DataSource } from 'typeorm';
import { AccountStore } from '../src/access/account.store';
import { AuditLog } from '../src/access/audit.log';
import { SessionStore } from '../src/access/session.store';
import { FlowEventRow } from '../src/flow/flow-event.entity';
import { MONITOR_MIGRATIONS } from '../src/migrations';

// Accounts, lockout and sessions against a real PostgreSQL, with time moved by a FixedClock.

const clock = new FixedClock(new Date('2026-11-22T12:00:00Z'));
let ds: DataSource;
let audit: AuditLog;
let accounts: AccountStore;
let sessions: SessionStore;
const PW = 'a-good-long-password';

beforeAll(async () => {
  ds = await openDataSource({ url: process.env.VIR_TEST_DATABASE_URL!, schema: `t${randomBytes(4).toString('hex')}_monitor`, entities: [FlowEventRow], migrations: MONITOR_MIGRATIONS, applicationName: 'access-spec' });
  audit = new AuditLog(ds);
  accounts = new AccountStore(ds, clock, audit, { maxFailures: 3, lockoutMinutes: 15 });
  sessions = new SessionStore(ds, clock, 60);
});

afterAll(async () => {
  await ds?.destroy();
});

describe('console access (real PostgreSQL)', () => {
  it('refuses malformed accounts with their codes', async () => {
    await expect(accounts.add('t', 'area', 'convenantbeheerder', null, PW)).rejects.toMatchObject({ code: 'INVALID_ACCOUNT' });
    await expect(accounts.add('t', 'admin2', 'beheerder', '7', PW)).rejects.toMatchObject({ code: 'INVALID_ACCOUNT' });
    await expect(accounts.add('t', 'Bad Name', 'beheerder', null, PW)).rejects.toMatchObject({ code: 'INVALID_ACCOUNT' });
    await expect(accounts.add('t', 'short', 'beheerder', null, 'short')).rejects.toMatchObject({ code: 'PASSWORD_TOO_WEAK' });
    await accounts.add('t', 'dup', 'read-only', null, PW);
    await expect(accounts.add('t', 'dup', 'read-only', null, PW)).rejects.toMatchObject({ code: 'ACCOUNT_EXISTS' });
    const [row] = await ds.query("SELECT password_hash FROM console_account WHERE username = 'dup'");
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(row.password_hash).not.toContain(PW);
  });

  it('locks after 3 failures for 15 minutes, then lets the right password in', async () => {
    await accounts.add('t', 'lock', 'read-only', null, PW);
    for (let i = 0; i < 3; i++) expect(await accounts.signIn('lock', 'wrong')).toEqual({ ok: false, code: 'SIGN_IN_FAILED' });
    expect(await accounts.signIn('lock', PW)).toEqual({ ok: false, code: 'ACCOUNT_LOCKED' });
    clock.advance(15 * 60_000);
    expect(await accounts.signIn('lock', PW)).toMatchObject({ ok: true, viewer: { username: 'lock', role: 'read-only' } });
    const actions = (await audit.search({ limit: 50 })).filter((r) => r.target === 'lock').map((r) => `${r.action}:${r.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['account-locked:ok', 'sign-in:refused']));
  });

  it('an unknown account gets the same answer as a wrong password', async () => {
    expect(await accounts.signIn('nobody', PW)).toEqual({ ok: false, code: 'SIGN_IN_FAILED' });
  });

  it('sessions expire, and end when the account is disabled or its password reset', async () => {
    const a = await accounts.add('t', 'sess', 'convenantbeheerder', '7', PW);
    const viewer = { accountId: a.id, username: a.username, role: a.role, convenant: a.convenant };
    const { id } = await sessions.create(viewer);
    const [stored] = await ds.query('SELECT id_hash FROM console_session');
    expect(stored.id_hash).not.toBe(id); // only a hash of the cookie value is stored
    expect((await sessions.find(id))?.viewer).toEqual(viewer);
    clock.advance(61 * 60_000);
    expect(await sessions.find(id)).toBeUndefined();

    const second = await sessions.create(viewer);
    await accounts.resetPassword('t', 'sess', 'another-long-password');
    expect(await sessions.find(second.id)).toBeUndefined();

    const third = await sessions.create(viewer);
    await accounts.setDisabled('t', 'sess', true);
    expect(await sessions.find(third.id)).toBeUndefined();
    expect(await accounts.signIn('sess', 'another-long-password')).toEqual({ ok: false, code: 'SIGN_IN_FAILED' });
    await accounts.setDisabled('t', 'sess', false);
    expect(await accounts.signIn('sess', 'another-long-password')).toMatchObject({ ok: true });
    await expect(accounts.setDisabled('t', 'ghost', true)).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
  });
});
