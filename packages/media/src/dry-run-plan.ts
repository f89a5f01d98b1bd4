import { availableParallelism } from "node:os";
import type { LadderConfig, X264Preset } from "@aq/config";
import { buildEncodeArgs } from "./encode-args.js";
import { canToneMap } from "./ffmpeg-capabilities.js";
import { planLadder, type RenditionPlan } from "./ladder.js";
import type { MediaInfo } from "./media-info.js";
import { normalizedFileName } from "./normalize.js";
import { probeMedia } from "./probe.js";
import { checkSourceFile, validateSource } from "./source-check.js";

/**
 * CPU-seconds x264 and ffmpeg spent per minute of video on the whole 240p-720p ladder from 1080p30
 * real footage (BENCHMARKS.md, speed section, 2026-11-29). That machine ran at load 23-50, so these
 * are on the high side; presets the bench did not time give no estimate.
 */
export const MEASURED_CPU_SECONDS_PER_VIDEO_MINUTE: Partial<Record<X264Preset, number>> = { medium: 296, faster: 205, veryfast: 151 };
/** The output pixel rate of that measurement: 426x240 + 640x360 + 854x480 + 1280x720 at 30 fps. */
const MEASURED_PIXELS_PER_SECOND = (426 * 240 + 640 * 360 + 854 * 480 + 1280 * 720) * 30;

export interface DryRunPlan {
  info: MediaInfo;
  plan: RenditionPlan[];
  /** The encode's ffmpeg arguments, reading the normalized file the encoder makes of the source first. */
  ffmpegArgs: string[];
  estimate: {
    /** Null for a preset the bench has not timed. */
    cpuSeconds: number | null;
    /** cpuSeconds spread over this machine's cores (ffmpeg rarely uses all of them, so a lower bound). */
    wallSecondsOnThisMachine: number | null;
    /** At most: every rung at its bit rate cap (capped CRF spends less on simple footage). */
    storedBytesAtMost: number;
  };
}

/** The CPU an encode of `plan` costs by the bench's figures, scaled by output pixels per second. */
export function estimateCpuSeconds(plan: RenditionPlan[], durationSeconds: number, preset: X264Preset): number | null {
  const perMinute = MEASURED_CPU_SECONDS_PER_VIDEO_MINUTE[preset];
  if (perMinute === undefined) return null;
  const pixelsPerSecond = plan.reduce((n, r) => n + r.width * r.height * r.frameRateValue, 0);
  return (perMinute * (durationSeconds / 60) * pixelsPerSecond) / MEASURED_PIXELS_PER_SECOND;
}

/** What AQ would do with a source, without encoding it: probe, validate, plan, arguments and estimates. */
export async function planDryRun(source: string, ladder: LadderConfig, signal?: AbortSignal): Promise<DryRunPlan> {
  await checkSourceFile(source);
  const info = await probeMedia(source, { timeoutMs: ladder.probeTimeoutSeconds * 1000, signal });
  validateSource(info, ladder);
  const plan = planLadder(info, ladder);
  const duration = info.durationSeconds ?? 0;
  const ffmpegArgs = buildEncodeArgs({
    input: normalizedFileName(info),
    info,
    plan,
    preset: ladder.x264Preset,
    rateControl: ladder.rateControl,
    threads: ladder.encodeThreads,
    toneMap: info.video?.hdr ? await canToneMap() : false,
  });
  const cpuSeconds = estimateCpuSeconds(plan, duration, ladder.x264Preset);
  const withAudio = info.audio !== null;
  const bitsPerSecond = plan.reduce((n, r) => n + (r.videoBitrateKbps + (withAudio ? r.audioBitrateKbps : 0)) * 1000, 0);
  return {
    info,
    plan,
    ffmpegArgs,
    estimate: {
      cpuSeconds: cpuSeconds === null ? null : Math.round(cpuSeconds),
      wallSecondsOnThisMachine: cpuSeconds === null ? null : Math.round(cpuSeconds / availableParallelism()),
      storedBytesAtMost: Math.round((bitsPerSecond / 8) * duration),
    },
  };
}
