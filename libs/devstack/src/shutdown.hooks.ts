import { errorMessage } from './process.util';

export type ShutdownFn = () => Promise<void> | void;

export interface ShutdownOptions {
  /** Upper bound for all hooks together after a signal; then we exit anyway. Default 30 s. */
  timeoutMs?: number;
  /** Where hook failures are reported. Default: dropped. */
  log?: (line: string) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_NUMBERS: Record<(typeof SIGNALS)[number], number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

const hooks: ShutdownFn[] = [];
let settings: Required<ShutdownOptions> = { timeoutMs: 30_000, log: () => undefined };
let running: Promise<void> | undefined;
let installed = false;

async function runAll(): Promise<void> {
  // LIFO: whatever was started last (the app) goes down before what it depends on (infrastructure).
  while (hooks.length > 0) {
    const fn = hooks.pop() as ShutdownFn;
    try {
      await fn();
    } catch (error) {
      settings.log(`devstack: shutdown hook failed: ${errorMessage(error)}`);
    }
  }
}

/** Runs (once) every registered hook, newest first. Safe to call from anywhere. */
export function runShutdownHooks(): Promise<void> {
  running ??= runAll().finally(() => {
    running = undefined;
  });
  return running;
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  const code = 128 + SIGNAL_NUMBERS[signal];
  // A second Ctrl-C while shutting down means "now".
  if (running) process.exit(code);
  const timer = setTimeout(() => process.exit(code), settings.timeoutMs);
  void runShutdownHooks().finally(() => {
    clearTimeout(timer);
    process.exit(code);
  });
}

const signalListeners = new Map(SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const));

function onBeforeExit(): void {
  if (hooks.length > 0) void runShutdownHooks();
}

// Nothing can be awaited in 'exit'; calling the hooks still runs their synchronous part
// (our launchers send their stop signal before the first await).
function onExit(): void {
  while (hooks.length > 0) {
    try {
      void Promise.resolve((hooks.pop() as ShutdownFn)()).catch(() => undefined);
    } catch {
      // best effort only
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, listener] of signalListeners) process.on(signal, listener);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const [signal, listener] of signalListeners) process.off(signal, listener);
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
}

/**
 * Runs `fn` on SIGINT / SIGTERM / SIGHUP (then exits with 128+signal), when the event loop drains,
 * and (synchronous part only) on process exit. Signal handlers are installed only while at least one
 * hook is registered, so default Ctrl-C behaviour returns once everything is unregistered.
 * Returns a function that unregisters the hook.
 */
export function onShutdown(fn: ShutdownFn, options: ShutdownOptions = {}): () => void {
  settings = { ...settings, ...options };
  hooks.push(fn);
  install();
  return () => {
    const index = hooks.indexOf(fn);
    if (index >= 0) hooks.splice(index, 1);
    if (hooks.length === 0 && !running) uninstall();
  };
}
