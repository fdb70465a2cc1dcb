import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Start time of a pid in clock ticks (/proc field 22): lets the watchdog tell a pid from a reused one. '-' off Linux. */
export function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and ')', so split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '-';
  } catch {
    return '-';
  }
}

/** True while any process with this pid exists (EPERM still means it exists). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the process group led by `pgid` has members. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals a whole process group (our servers are spawned detached, so pid = pgid), falling back to the pid. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Resolves true once the child has exited, false after `timeoutMs`.
 * The timer is deliberately ref'd: our children are unref'd, so without it Node could exit mid-wait.
 */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    child.once('exit', onExit);
  });
}

/** Waits until no member of the group is left (children may outlive a SIGKILLed leader briefly). */
export async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await delay(50);
  }
  return true;
}

/**
 * Graceful stop of a detached server: `signal`, then `escalate` signals in order after each `graceMs`,
 * finally SIGKILL to the whole group. Resolves when the group is empty.
 */
export async function stopProcessTree(
  child: ChildProcess,
  steps: ReadonlyArray<{ signal: NodeJS.Signals; graceMs: number }>,
): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  for (const step of steps) {
    if (hasExited(child)) break;
    try {
      process.kill(pid, step.signal);
    } catch {
      // exited between the check and the signal
    }
    if (await waitForExit(child, step.graceMs)) break;
  }
  if (!hasExited(child)) {
    signalGroup(pid, 'SIGKILL');
    await waitForExit(child, 5000);
  }
  if (!(await waitForGroupGone(pid, 2000))) {
    signalGroup(pid, 'SIGKILL');
    await waitForGroupGone(pid, 3000);
  }
}

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a short-lived command and collects stdout+stderr; rejects only if it cannot be started. */
export function runCommand(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Throws a readable error when a required executable is not on PATH. */
export async function requireExecutable(command: string, versionArgs: readonly string[], hint: string): Promise<void> {
  try {
    await runCommand(command, versionArgs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`devstack: '${command}' was not found on PATH. ${hint}`);
    }
    throw error;
  }
}

/** Last `lines` lines of a file, or '' when it does not exist. */
export async function tailFile(path: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Free TCP ports on 127.0.0.1. All listeners are held open until every port is known,
 * so the kernel cannot hand out the same port twice.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            if (address === null || typeof address === 'string') reject(new Error('devstack: no port assigned'));
            else resolve(address.port);
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** Registers a synchronous last-resort 'exit' hook; returns its remover. */
export function onProcessExit(fn: () => void): () => void {
  process.on('exit', fn);
  return () => {
    process.off('exit', fn);
  };
}
