import { userInfo } from 'node:os';
import { SystemClock } from '@vir/domain';
import { openDataSource } from '@vir/persistence';
import { AccountError, AccountStore } from '../../../monitor/src/access/account.store';
import { AuditLog } from '../../../monitor/src/access/audit.log';
import { generatePassword } from '../../../monitor/src/access/password-hash';
import { isRole, ROLES } from '../../../monitor/src/access/roles';
import { FlowEventRow } from '../../../monitor/src/flow/flow-event.entity';
import { MONITOR_MIGRATIONS } from '../../../monitor/src/migrations';
import { CliError, type CliIo } from './cli-io';

// `vir account …`: the console's local accounts, managed directly in the monitor's database
// (DATABASE_URL, DATABASE_SCHEMA default vir_monitor): it works while the monitor is down, and
// no account-management endpoint is exposed on the network. Every change is audited with the
// actor `cli:<OS user>`. Passwords are never taken as arguments (shell history): read from
// standard input with --password-stdin, or generated and printed once.

async function withAccounts<T>(io: CliIo, work: (accounts: AccountStore, actor: string) => Promise<T>): Promise<T> {
  const url = io.env.MONITOR_DATABASE_URL || io.env.DATABASE_URL;
  if (!url) throw new CliError("DATABASE_URL (or MONITOR_DATABASE_URL) is not set: the monitor's PostgreSQL, e.g. postgres://user:pass@host:5432/vir");
  const schema = io.env.MONITOR_DATABASE_SCHEMA || io.env.DATABASE_SCHEMA || 'vir_monitor';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new CliError(`DATABASE_SCHEMA: not a schema name: ${schema}`);
  const ds = await openDataSource({ url, schema, entities: [FlowEventRow], migrations: MONITOR_MIGRATIONS, applicationName: 'vir-cli', poolSize: 2 });
  try {
    const accounts = new AccountStore(ds, new SystemClock(), new AuditLog(ds), { maxFailures: 5, lockoutMinutes: 15 });
    return await work(accounts, `cli:${safeUser()}`);
  } catch (err) {
    if (err instanceof AccountError) throw new CliError(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    await ds.destroy();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function password(io: CliIo, fromStdin: boolean): Promise<{ value: string; generated: boolean }> {
  if (!fromStdin) return { value: generatePassword(), generated: true };
  const value = (await io.read('-')).replace(/\r?\n$/, '');
  return { value, generated: false };
}

export async function accountAdd(io: CliIo, o: { username: string; role: string; convenant?: string; passwordStdin: boolean }): Promise<number> {
  if (!isRole(o.role)) throw new CliError(`--role: one of ${ROLES.join(', ')}`);
  const role = o.role;
  const pw = await password(io, o.passwordStdin);
  const row = await withAccounts(io, (a, actor) => a.add(actor, o.username.toLowerCase(), role, o.convenant ?? null, pw.value));
  io.err(`account ${row.username} added (${row.role}${row.convenant ? `, convenant ${row.convenant}` : ''})\n`);
  if (pw.generated) io.out(`${pw.value}\n`);
  return 0;
}

export async function accountList(io: CliIo): Promise<number> {
  const now = new Date();
  const rows = await withAccounts(io, (a) => a.list());
  io.out(
    rows
      .map((r) =>
        [
          r.username.padEnd(24),
          r.role.padEnd(18),
          (r.convenant ?? '').padEnd(4),
          r.disabled ? 'disabled' : r.lockedUntil && r.lockedUntil > now ? `locked until ${r.lockedUntil.toISOString()}` : 'active',
        ].join(' '),
      )
      .join('\n') + (rows.length ? '\n' : ''),
  );
  return 0;
}

export async function accountDisable(io: CliIo, username: string, disabled: boolean): Promise<number> {
  await withAccounts(io, (a, actor) => a.setDisabled(actor, username.toLowerCase(), disabled));
  io.err(`account ${username} ${disabled ? 'disabled; its sessions ended' : 'enabled'}\n`);
  return 0;
}

export async function accountResetPassword(io: CliIo, username: string, passwordStdin: boolean): Promise<number> {
  const pw = await password(io, passwordStdin);
  await withAccounts(io, (a, actor) => a.resetPassword(actor, username.toLowerCase(), pw.value));
  io.err(`password of ${username} reset; its lockout cleared and its sessions ended\n`);
  if (pw.generated) io.out(`${pw.value}\n`);
  return 0;
}

/**
 * For `npm start` (development only): the account `admin` (beheerder) with a fresh generated
 * password each start, so the banner can show working credentials. Audited like any reset.
 */
export async function resetDemoAdministrator(databaseUrl: string, schema: string): Promise<{ username: string; password: string }> {
  const io = { env: { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } } as unknown as CliIo;
  const value = generatePassword();
  await withAccounts(io, async (a) => {
    if ((await a.list()).some((r) => r.username === 'admin')) await a.resetPassword('npm-start', 'admin', value);
    else await a.add('npm-start', 'admin', 'beheerder', null, value);
  });
  return { username: 'admin', password: value };
}
