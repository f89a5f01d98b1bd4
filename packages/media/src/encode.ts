import { resolve } from "node:path";
import { defaultLadderConfig, type RateControl, type X264Preset } from "@aq/config";
import { AqError } from "@aq/contracts";
import { buildEncodeArgs } from "./encode-args.js";
import { canToneMap } from "./ffmpeg-capabilities.js";
import { runFfmpeg } from "./ffmpeg-process.js";
import { measureRendition, writeMasterPlaylist, type MeasuredRendition } from "./hls-playlists.js";
import type { RenditionPlan } from "./ladder.js";
import type { MediaInfo } from "./media-info.js";
import { prepareOutputDir } from "./output-dir.js";
import { ffmpegStageProgress, type EncodeProgress } from "./progress.js";

export interface EncodeHlsOptions {
  /** Normally the normalized file; its probed metadata is `info`. */
  input: string;
  outDir: string;
  info: MediaInfo;
  plan: RenditionPlan[];
  logFile: string;
  onProgress?: (progress: EncodeProgress) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  stallTimeoutMs?: number;
  preset?: X264Preset;
  /** The configured default (ENCODE_RATE_CONTROL) when not given. */
  rateControl?: RateControl;
  threads?: number;
}

export interface EncodeResult {
  outDir: string;
  plan: RenditionPlan[];
  renditions: MeasuredRendition[];
  /** Things done differently from the plan, for the job log (e.g. HDR without tone mapping). */
  warnings: string[];
}

/**
 * One ffmpeg process: decode once, split, scale and encode every rendition, write HLS in the
 * guide's layout (docs/encoding-guide.md §2); then replace the master playlist with measured values.
 */
export async function encodeHls(options: EncodeHlsOptions): Promise<EncodeResult> {
  const { info, plan } = options;
  if (!info.video) throw new AqError("SOURCE_NO_VIDEO", "source has no video stream");
  if (plan.length === 0) throw new AqError("ENCODE_FAILED", "the ladder plan has no renditions");
  const outDir = resolve(options.outDir);
  const warnings: string[] = [];
  const toneMap = info.video.hdr ? await canToneMap() : false;
  if (info.video.hdr && !toneMap) {
    warnings.push(`source is HDR (${info.video.hdr}) but this ffmpeg lacks zscale/tonemap: converted to 8-bit without tone mapping`);
  }
  await prepareOutputDir(outDir);
  const duration = info.durationSeconds ?? 0;
  await runFfmpeg({
    args: buildEncodeArgs({
      input: resolve(options.input),
      info,
      plan,
      preset: options.preset ?? defaultLadderConfig.x264Preset,
      rateControl: options.rateControl ?? defaultLadderConfig.rateControl,
      threads: options.threads ?? 0,
      toneMap,
    }),
    cwd: outDir,
    logFile: resolve(options.logFile),
    label: "encode",
    failureCode: "ENCODE_FAILED",
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    stallTimeoutMs: options.stallTimeoutMs,
    onProgress: options.onProgress && ((p) => options.onProgress?.(ffmpegStageProgress("encode", p, duration))),
  });
  let renditions: MeasuredRendition[];
  try {
    renditions = await Promise.all(plan.map((r) => measureRendition(outDir, r, info.audio !== null)));
  } catch (error) {
    throw new AqError("ENCODE_FAILED", `encode output cannot be measured: ${(error as Error).message}`, { outDir }, { cause: error });
  }
  await writeMasterPlaylist(outDir, renditions);
  return { outDir, plan, renditions, warnings };
}
