import { spawn } from 'node:child_process';
import { processStartTime } from './process.util';

export type WatchdogSignal = 'TERM' | 'INT' | 'QUIT';

export interface WatchdogTarget {
  pid: number;
  /** First signal once the parent is gone (SIGKILL to the pid's group follows after the grace period). */
  signal: WatchdogSignal;
}

export interface WatchdogOptions {
  /** The process whose death triggers the cleanup (normally `process.pid`). */
  parentPid: number;
  targets: readonly WatchdogTarget[];
  /** Deleted after the targets are dead (per-run data). */
  removeDirs?: readonly string[];
  /** Seconds between the first signal and SIGKILL. Default 10. */
  graceSeconds?: number;
  /** Poll interval in seconds. Default 1. */
  pollSeconds?: number;
}

export interface Watchdog {
  pid: number;
  /** Disarms the watchdog (call after the targets were stopped normally). */
  stop(): void;
}

// Runs in a detached bash so that it survives SIGKILL of Node. The script comes through stdin
// (`bash -s`), so ps shows `bash -s devstack-watchdog <parent> ...` rather than the whole script.
// Pids are paired with their /proc start time so that a pid recycled by the kernel is never
// signalled; a zombie counts as dead because PID 1 in containers does not always reap.
const WATCHDOG_SCRIPT = [
  'shift', // the "devstack-watchdog" label that makes it recognisable in ps
  'set -f',
  'alive() {',
  '  local s',
  '  if [ "$2" = "-" ]; then kill -0 "$1" 2>/dev/null; return; fi',
  '  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1',
  '  s=${s##*) }',
  '  set -- $2 $s',
  '  [ "$2" != "Z" ] && [ "${21}" = "$1" ]',
  '}',
  'parent=$1 pstart=$2 grace=$3 poll=$4',
  'shift 4',
  'while alive "$parent" "$pstart"; do sleep "$poll"; done',
  'pids=() starts=() dirs=()',
  'for arg in "$@"; do',
  '  case $arg in',
  '    t:*) IFS=: read -r _ pid start sig <<<"$arg"',
  '         if alive "$pid" "$start"; then kill "-$sig" "$pid" 2>/dev/null; pids+=("$pid"); starts+=("$start"); fi ;;',
  '    d:*) dirs+=("${arg#d:}") ;;',
  '  esac',
  'done',
  'end=$((SECONDS + grace))',
  'while [ "$SECONDS" -lt "$end" ]; do',
  '  left=0',
  '  for i in "${!pids[@]}"; do alive "${pids[$i]}" "${starts[$i]}" && left=1; done',
  '  [ "$left" = 0 ] && break',
  '  sleep 0.2',
  'done',
  'for i in "${!pids[@]}"; do',
  '  kill -KILL -- "-${pids[$i]}" 2>/dev/null',
  '  alive "${pids[$i]}" "${starts[$i]}" && kill -KILL "${pids[$i]}" 2>/dev/null',
  'done',
  'sleep 0.2',
  'for d in "${dirs[@]}"; do rm -rf -- "$d"; done',
].join('\n');

/**
 * Starts a tiny detached bash process that kills `targets` (and removes `removeDirs`) as soon as
 * `parentPid` is gone — the only cleanup that still works when Node is SIGKILLed.
 */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const args = [
    '-s',
    'devstack-watchdog',
    String(options.parentPid),
    processStartTime(options.parentPid),
    String(options.graceSeconds ?? 10),
    String(options.pollSeconds ?? 1),
    ...options.targets.map((t) => `t:${t.pid}:${processStartTime(t.pid)}:${t.signal}`),
    ...(options.removeDirs ?? []).map((dir) => `d:${dir}`),
  ];
  const child = spawn('bash', args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', () => undefined); // reported below through the missing pid
  // The whole script sits in the pipe buffer, so bash can finish reading it even after Node is gone.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(`${WATCHDOG_SCRIPT}\n`);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('devstack: could not start the watchdog (is bash installed?)');
  let stopped = false;
  return {
    pid,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
