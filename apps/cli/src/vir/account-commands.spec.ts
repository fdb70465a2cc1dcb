import type { CliIo } from './cli-io';
import { runVir, usage } from './vir-cli';

// The account and monitor commands' refusals that need no database (the rest: apps/monitor/test).

function io(env: Record<string, string> = {}): CliIo & { output: () => string } {
  let out = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (out += t),
    read: async () => '',
    write: async () => undefined,
    now: () => new Date(),
    env,
    cwd: '/',
    output: () => out,
  };
}

describe('vir account / vir monitor', () => {
  it('are in the help text', () => {
    for (const c of ['account add', 'account list', 'account disable', 'account enable', 'account reset-password', 'monitor rebuild']) expect(usage()).toContain(`vir ${c}`);
  });

  it('refuse an unknown role and a missing --role (exit 2)', async () => {
    const a = io({ DATABASE_URL: 'postgres://x@127.0.0.1:1/x' });
    expect(await runVir(['account', 'add', 'someone', '--role', 'god'], a)).toBe(2);
    expect(a.output()).toContain('--role: one of beheerder, convenantbeheerder, read-only');
    const b = io();
    expect(await runVir(['account', 'add', 'someone'], b)).toBe(2);
    expect(b.output()).toContain('--role is required');
  });

  it('say which database setting is missing', async () => {
    const a = io();
    expect(await runVir(['account', 'list'], a)).toBe(2);
    expect(a.output()).toContain('DATABASE_URL');
    const b = io();
    expect(await runVir(['monitor', 'rebuild'], b)).toBe(2);
    expect(b.output()).toContain('KAFKA_BROKERS');
  });

  it('never take a password as an argument', async () => {
    const a = io({ DATABASE_URL: 'postgres://x@127.0.0.1:1/x' });
    expect(await runVir(['account', 'add', 'someone', '--role', 'beheerder', '--password', 'secret-secret'], a)).toBe(2);
    expect(a.output()).toMatch(/Unknown option '--password'/);
  });
});
