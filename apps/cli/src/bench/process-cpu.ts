import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) per process group of this process's tree, from /proc (Linux); empty elsewhere. */
export function treeCpuSeconds(): Map<string, number> {
  const ticks = 100; // USER_HZ on Linux
  const info = new Map<number, { ppid: number; cpu: number; name: string }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return new Map();
  }
  for (const d of pids) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ');
      info.set(Number(d), { ppid: Number(rest[1]), cpu: (Number(rest[11]) + Number(rest[12])) / ticks, name: groupOf(cmd) });
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === process.pid) return true;
      p = info.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const totals = new Map<string, number>();
  for (const [pid, p] of info) if (inTree(pid)) totals.set(p.name, (totals.get(p.name) ?? 0) + p.cpu);
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
  const used = [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, v]) => v > 0.05).sort((a, b) => b[1] - a[1]);
  const total = used.reduce((n, [, v]) => n + v, 0);
  return `CPU seconds over ${wallSeconds.toFixed(1)} s: ${used.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; total ${total.toFixed(1)} (${(total / wallSeconds).toFixed(2)} cores)`;
}
