import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { runFfmpeg } from "../ffmpeg-process.js";
import { FFMPEG_RUN_ARGS } from "../progress.js";

/**
 * Runs one measuring ffmpeg (output to the null muxer) with its own log file and returns what it
 * printed: the ssim, psnr and ebur128 filters report their summaries on stderr.
 */
export async function runMeasurement(workDir: string, label: string, args: string[], signal?: AbortSignal): Promise<string> {
  const logFile = join(workDir, `qc-${label}.log`);
  await rm(logFile, { force: true });
  await runFfmpeg({
    args: [...FFMPEG_RUN_ARGS, ...args, "-f", "null", "-"],
    logFile,
    label: `qc ${label}`,
    failureCode: "QC_FAILED",
    signal,
    timeoutMs: 10 * 60_000,
    stallTimeoutMs: 60_000,
  });
  return readFile(logFile, "utf8");
}
