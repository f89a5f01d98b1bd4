import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** Kernel clock ticks per second, the unit of the times in /proc/<pid>/stat. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) of every child process this process has waited for, with their own
 * waited-for descendants: fields cutime and cstime of /proc/self/stat. ffmpeg and ffprobe are
 * reaped by Node when they exit, so the difference around a run is the CPU the run's children used.
 */
export function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Field 3 (state) is fields[0]: cutime (16) and cstime (17) are fields[13] and fields[14].
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/** CPU seconds every core of the machine has spent busy since boot (the first line of /proc/stat, idle and iowait left out). */
export function machineBusyCpuSeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]!
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}

function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export interface Measured<T> {
  value: T;
  wallSeconds: number;
  /** This process's CPU plus that of the children it reaped meanwhile. */
  cpuSeconds: number;
  /** CPU the rest of the machine used meanwhile: the other work a timing competed with. */
  othersCpuSeconds: number;
}

/**
 * Wall and CPU time of `fn`. The CPU figure counts this whole process, so nothing else may run in
 * it meanwhile; children still running at the end are not counted (every run here awaits them).
 */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const cpu0 = ownCpuSeconds() + reapedChildrenCpuSeconds();
  const busy0 = machineBusyCpuSeconds();
  const t0 = performance.now();
  const value = await fn();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = ownCpuSeconds() + reapedChildrenCpuSeconds() - cpu0;
  const othersCpuSeconds = Math.max(0, machineBusyCpuSeconds() - busy0 - cpuSeconds);
  return { value, wallSeconds, cpuSeconds, othersCpuSeconds };
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Linear interpolation between closest ranks; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * The order of two variants in run i: A B, B A, A B, ... so that neither always runs first while
 * the machine's load drifts.
 */
export function alternation<T>(a: T, b: T, runs: number): T[] {
  const order: T[] = [];
  for (let i = 0; i < runs; i++) order.push(...(i % 2 === 0 ? [a, b] : [b, a]));
  return order;
}
