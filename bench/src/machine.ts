import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism, loadavg, release, totalmem } from "node:os";
import { promisify } from "node:util";
import type { Machine } from "./results.js";

const run = promisify(execFile);

async function cpuModel(): Promise<string> {
  try {
    const text = await readFile("/proc/cpuinfo", "utf8");
    return /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? "unknown (no model name in /proc/cpuinfo)";
  } catch (error) {
    return `unknown (/proc/cpuinfo unreadable: ${(error as Error).message})`;
  }
}

/** "ffmpeg version 5.1.6-0+deb12u1 Copyright..." -> "5.1.6-0+deb12u1". */
async function ffmpegVersion(): Promise<string> {
  const { stdout } = await run("ffmpeg", ["-hide_banner", "-version"]);
  return /^ffmpeg version (\S+)/m.exec(stdout)?.[1] ?? stdout.split("\n")[0] ?? "unknown";
}

/** What every report states: the machine, the software versions and when it ran. */
export async function describeMachine(): Promise<Machine> {
  return {
    cores: availableParallelism(),
    cpuModel: await cpuModel(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    node: process.version,
    ffmpeg: await ffmpegVersion(),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
