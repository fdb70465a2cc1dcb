import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export type ServiceName = 'gateway' | 'index' | 'monitor';

/**
 * One of our services as a real OS process (compiled JS), as in production: started with its
 * environment, ready when /health answers 200, stopped with SIGTERM (or killed with SIGKILL in
 * crash tests). Output goes to a log file and, optionally, to a line callback.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private readonly logStream: WriteStream;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string>,
    readonly url: string,
    logFile: string,
    private readonly onLine?: (line: string) => void,
    /** Extra node options (e.g. --cpu-prof for a benchmark's profile). */
    private readonly nodeArgs: string[] = [],
  ) {
    this.logStream = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, [...this.nodeArgs, '--enable-source-maps', this.script], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'development', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let tail = '';
    const onData = (buf: Buffer) => {
      const text = buf.toString();
      this.logStream.write(text);
      tail = (tail + text).slice(-4000);
      if (this.onLine) text.split('\n').filter(Boolean).forEach((l) => this.onLine!(l));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${this.name} exited (${exitCode}) during start:\n${tail}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    await this.kill('SIGKILL');
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${tail}`);
  }

  /** SIGTERM (graceful) or SIGKILL (crash); resolves when the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    await new Promise<void>((resolve) => this.logStream.end(resolve));
  }
}
