import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** User + system CPU time in clock ticks, from the text of /proc/<pid>/stat. */
export function parseCpuTicks(stat: string): number {
  // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
}

let ticksPerSecond: number | undefined;

/** CPU milliseconds a process has used so far (Linux). */
export function cpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return (parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / ticksPerSecond;
}

/** Pids whose command line contains `needle` (Linux), e.g. every Postgres backend. */
export function pidsMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone since the listing
    }
  }
  return pids;
}

/**
 * CPU milliseconds used so far by every process matching `needle`, by pid; the caller
 * diffs two readings pid by pid, so processes that came and went are still counted.
 */
export function cpuMsByPid(needle: string): Map<number, number> {
  const readings = new Map<number, number>();
  for (const pid of pidsMatching(needle)) {
    try {
      readings.set(pid, cpuMs(pid));
    } catch {
      // exited between the listing and the reading
    }
  }
  return readings;
}

/** CPU ms spent between two readings; a process absent from the first started after it. */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Splits readings by pid: those of `pids` (taken out of `readings`) and the rest. */
export function setApart(readings: Map<number, number>, pids: ReadonlySet<number>): { apart: Map<number, number>; rest: Map<number, number> } {
  const apart = new Map<number, number>();
  const rest = new Map<number, number>();
  for (const [pid, ms] of readings) (pids.has(pid) ? apart : rest).set(pid, ms);
  return { apart, rest };
}
