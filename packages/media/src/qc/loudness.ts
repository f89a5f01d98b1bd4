import type { QcAudio } from "@aq/contracts";
import { fileArg, inputSafetyArgs } from "../input-safety.js";
import { runMeasurement } from "./ffmpeg-measure.js";

/** EBU R128's absolute gate: programme below it counts as silence. */
const SILENCE_LUFS = -70;

/** Reads the summary ffmpeg's ebur128 filter prints at the end ("I: -23.0 LUFS", "Peak: -1.2 dBFS"). */
export function parseEbur128Summary(log: string): QcAudio {
  const summary = log.slice(log.lastIndexOf("Summary:"));
  const number = (pattern: RegExp) => {
    const match = pattern.exec(summary);
    if (!match) return null;
    const value = Number(match[1]);
    return Number.isFinite(value) ? value : null;
  };
  if (!summary.startsWith("Summary:")) throw new Error("ffmpeg printed no ebur128 summary");
  const integrated = number(/I:\s+(-?[\d.]+|-inf) LUFS/);
  const peak = number(/Peak:\s+(-?[\d.]+|-inf) dBFS/);
  const silent = integrated === null || integrated <= SILENCE_LUFS;
  return { integratedLufs: silent ? null : integrated, truePeakDbtp: peak, silent };
}

/**
 * Integrated loudness and true peak of the first audio track (EBU R128, ffmpeg's ebur128 filter).
 * Its ten lines per second go to the verbose log level: only the summary reaches the log.
 */
export async function measureLoudness(input: string, audioIndex: number, workDir: string, signal?: AbortSignal): Promise<QcAudio> {
  const log = await runMeasurement(
    workDir,
    "loudness",
    [
      ...inputSafetyArgs(),
      "-i",
      fileArg(input),
      "-map",
      `0:${audioIndex}`,
      "-af",
      "ebur128=peak=true:framelog=verbose",
      "-vn",
      "-sn",
      "-dn",
    ],
    signal,
  );
  return parseEbur128Summary(log);
}
