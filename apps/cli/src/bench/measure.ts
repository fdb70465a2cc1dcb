import { readdirSync, readFileSync } from 'node:fs';

// What the benches share: percentiles, and CPU time of processes read from /proc (Linux; nothing elsewhere).

/** The p-th percentile (nearest rank); NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface ProcStat {
  ppid: number;
  /** CPU seconds, user + system. */
  cpu: number;
  cmd: string;
}

/** A process's or thread's parent and CPU seconds (user + system) from its /proc stat file. */
function readStat(file: string): { ppid: number; cpu: number } {
  const stat = readFileSync(file, 'utf8');
  // After the command name in parentheses (which may hold spaces): state, ppid, …, utime (14th), stime (15th).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // USER_HZ on Linux
  return { ppid: Number(rest[1]), cpu: (Number(rest[11]) + Number(rest[12])) / ticks };
}

/** Every process's parent, CPU seconds and command line, by pid. */
function procStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return stats;
  }
  for (const d of pids) {
    try {
      stats.set(Number(d), { ...readStat(`/proc/${d}/stat`), cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // gone meanwhile
    }
  }
  return stats;
}

/** CPU seconds used so far by a process and its children still alive (PostgreSQL's backends). */
export function processCpuSeconds(root: number): number {
  const stats = procStats();
  let total = stats.get(root)?.cpu ?? 0;
  for (const s of stats.values()) if (s.ppid === root) total += s.cpu;
  return total;
}

/** The machine's busy CPU seconds so far, all processes (from /proc/stat): it counts what exited too. */
function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle, iowait and steal.
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / 100;
  } catch {
    return undefined;
  }
}

const MACHINE = '(machine)';

/**
 * CPU seconds per process group of this process's tree (gateway, index, monitor, kafka, postgres,
 * the bench), and the whole machine's busy seconds: PostgreSQL's backends that exited meanwhile
 * are missing from its group, not from the machine's figure.
 */
export function treeCpuSeconds(): Map<string, number> {
  const info = procStats();
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === process.pid) return true;
      p = info.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const totals = new Map<string, number>();
  for (const [pid, p] of info) {
    if (!inTree(pid)) continue;
    const name = groupOf(p.cmd);
    totals.set(name, (totals.get(name) ?? 0) + p.cpu);
  }
  const machine = machineBusySeconds();
  if (machine !== undefined) totals.set(MACHINE, machine);
  return totals;
}

function groupOf(cmd: string): string {
  if (/kafka\.Kafka/.test(cmd)) return 'kafka';
  if (/postgres/.test(cmd)) return 'postgres';
  const app = /dist\/apps\/(gateway|index|monitor)\/src\/main\.js/.exec(cmd);
  if (app) return app[1];
  if (/bench\.js/.test(cmd)) return 'bench (clients, webhooks)';
  return 'other';
}

/** The CPU each group used between two readings, as a line. */
export function cpuLine(before: Map<string, number>, after: Map<string, number>, wallSeconds: number): string {
  const used = [...after].filter(([k]) => k !== MACHINE).map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, v]) => v > 0.05).sort((a, b) => b[1] - a[1]);
  const total = used.reduce((n, [, v]) => n + v, 0);
  const machine = after.has(MACHINE) && before.has(MACHINE) ? after.get(MACHINE)! - before.get(MACHINE)! : undefined;
  return (
    `CPU seconds over ${wallSeconds.toFixed(1)} s: ${used.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; total ${total.toFixed(1)} (${(total / wallSeconds).toFixed(2)} cores)` +
    (machine === undefined ? '' : `; machine ${machine.toFixed(1)} (${(machine / wallSeconds).toFixed(2)} cores)`)
  );
}

/**
 * This process's CPU seconds on its main thread and on all its other threads (worker threads,
 * the garbage collector's helpers, libuv's pool), from /proc/self/task; undefined off Linux.
 */
export function threadCpuSeconds(): { main: number; others: number } | undefined {
  try {
    let main = 0;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const { cpu } = readStat(`/proc/self/task/${tid}/stat`);
        if (Number(tid) === process.pid) main += cpu;
        else others += cpu;
      } catch {
        // a thread that ended meanwhile
      }
    }
    return { main, others };
  } catch {
    return undefined;
  }
}
