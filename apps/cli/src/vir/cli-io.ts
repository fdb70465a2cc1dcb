import { promises as fs } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Everything a command touches outside its arguments, so specs can run commands in-process. */
export interface CliIo {
  /** Standard output: only the command's result (PEM, XML, a report), so it can be redirected. */
  out(text: string): void;
  /** Standard error: notes and problems. */
  err(text: string): void;
  /** A file's content, or standard input for `-`. */
  read(path: string): Promise<string>;
  write(path: string, data: string): Promise<void>;
  now(): Date;
  env: Record<string, string | undefined>;
  /** Where relative paths start (npm runs scripts in the package root, not where you typed). */
  cwd: string;
}

/** A refusal with its exit status: 2 for usage and invalid input, 1 for everything else. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function resolvePath(io: CliIo, path: string): string {
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The real process. */
export function processIo(): CliIo {
  const cwd = process.env.INIT_CWD || process.cwd();
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    read: (path) => (path === '-' ? readStdin() : fs.readFile(isAbsolute(path) ? path : resolve(cwd, path), 'utf8')),
    write: (path, data) => fs.writeFile(isAbsolute(path) ? path : resolve(cwd, path), data),
    now: () => new Date(),
    env: process.env,
    cwd,
  };
}

/**
 * The tool in-process (specs, end-to-end tests): standard input given, output collected in
 * memory, files relative to `cwd`.
 */
export function memoryIo(o: { env: Record<string, string | undefined>; cwd: string; stdin?: string; now?: () => Date }): CliIo & { output(): { out: string; err: string } } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    read: async (path) => (path === '-' ? (o.stdin ?? '') : fs.readFile(resolve(o.cwd, path), 'utf8')),
    write: (path, data) => fs.writeFile(resolve(o.cwd, path), data),
    now: o.now ?? (() => new Date()),
    env: o.env,
    cwd: o.cwd,
    output: () => ({ out, err }),
  };
}
