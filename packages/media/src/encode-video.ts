import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { LadderConfig } from "@aq/config";
import { isVideoId } from "@aq/contracts";
import { AqError, type QcReport } from "@aq/contracts";
import { encodeHls } from "./encode.js";
import { planLadder, type RenditionPlan } from "./ladder.js";
import type { MediaInfo } from "./media-info.js";
import { normalizedFileName, normalizeSource, type NormalizeAudio } from "./normalize.js";
import { probeMedia } from "./probe.js";
import { stageProgress, throttleProgress, type EncodeProgress } from "./progress.js";
import { checkDecodedSource, checkSourceFile, normalizeDurationCap, validateSource } from "./source-check.js";
import { verifyHlsOutput, type VerifiedRendition } from "./verify.js";
import { assertOutputCoversSource } from "./completeness.js";
import { encodeInChunks } from "./chunks/encode-in-chunks.js";
import { chunkingHelps, type ChunkPlanOptions } from "./chunks/plan.js";
import { writeQcReport } from "./qc/qc-report.js";

export interface EncodeVideoOptions {
  source: string;
  /** Holds normalized.mp4 and ffmpeg.log. */
  workDir: string;
  /** `<out>/<video_id>`: receives exactly the guide's layout (docs/encoding-guide.md §2). */
  outDir: string;
  videoId: string;
  ladder: LadderConfig;
  /** A verdict made earlier (the probe stage's, stored): encode this plan instead of probing and planning again. */
  planned?: { info: MediaInfo; plan: RenditionPlan[] };
  /** Encode in chunks of this plan, one after the other, when the source is long enough for chunks to help (chunkingHelps). */
  chunks?: ChunkPlanOptions;
  /** Throttled to about one event per second (and the last of each stage). */
  onProgress?: (progress: EncodeProgress) => void;
  signal?: AbortSignal;
}

export interface EncodedVideo {
  videoId: string;
  info: MediaInfo;
  plan: RenditionPlan[];
  renditions: VerifiedRendition[];
  outputDir: string;
  masterPath: string;
  /** Files of outputDir, relative, sorted. */
  files: string[];
  logFile: string;
  normalizedPath: string;
  /** Also written to `<outDir>/qc.json`; null when measuring failed (said in warnings). */
  qc: QcReport | null;
  warnings: string[];
}

export const FFMPEG_LOG_NAME = "ffmpeg.log";

/**
 * The wall-clock limit of one ffmpeg run: configured, else 10 minutes plus 20 times the source
 * duration, counted at most up to the longest duration accepted (a source cannot buy itself time).
 */
export function encodeTimeoutMs(ladder: LadderConfig, durationSeconds: number | null): number {
  if (ladder.encodeTimeoutSeconds > 0) return ladder.encodeTimeoutSeconds * 1000;
  return (600 + 20 * Math.min(durationSeconds ?? 0, normalizeDurationCap(ladder))) * 1000;
}

/** The whole job on one machine: check, probe, validate, plan, normalize, encode, verify. */
export async function encodeVideo(options: EncodeVideoOptions): Promise<EncodedVideo> {
  const { ladder, signal } = options;
  if (!isVideoId(options.videoId)) throw new AqError("INVALID_VIDEO_ID", `invalid video id "${options.videoId}"`);
  const workDir = resolve(options.workDir);
  const outDir = resolve(options.outDir);
  const emit = options.onProgress ? throttleProgress(options.onProgress) : undefined;
  const ffmpegLimits = (duration: number | null) => ({
    signal,
    timeoutMs: encodeTimeoutMs(ladder, duration),
    stallTimeoutMs: ladder.stallTimeoutSeconds * 1000,
  });

  await checkSourceFile(options.source);
  const probeTimeoutMs = ladder.probeTimeoutSeconds * 1000;
  const { info, plan } = options.planned ?? (await probeAndPlan(options.source, ladder, probeTimeoutMs, signal));

  const { logFile, normalizedPath, normalizedInfo } = await prepareNormalizedSource({
    source: options.source,
    workDir,
    info,
    ladder,
    signal,
    onProgress: emit,
  });

  const encodeOptions = {
    input: normalizedPath,
    outDir,
    info: normalizedInfo,
    plan,
    logFile,
    onProgress: emit,
    preset: ladder.x264Preset,
    rateControl: ladder.rateControl,
    threads: ladder.encodeThreads,
    ...ffmpegLimits(normalizedInfo.durationSeconds),
  };
  const chunks = options.chunks;
  const encoded =
    chunks && chunkingHelps(normalizedInfo.durationSeconds ?? 0, chunks)
      ? await encodeInChunks({ ...encodeOptions, workDir, chunks })
      : await encodeHls(encodeOptions);

  emit?.(stageProgress("verify", 0));
  const verified = await verifyHlsOutput(outDir, plan);
  assertOutputCoversSource(verified.durationSeconds, info.durationSeconds, { logFile });
  const qc = await writeQcReport({ source: normalizedPath, info: normalizedInfo, outDir, plan, workDir, signal }, encoded.warnings);
  emit?.(stageProgress("verify", 100));
  return {
    videoId: options.videoId,
    info,
    plan,
    renditions: verified.renditions,
    outputDir: outDir,
    masterPath: verified.masterPath,
    files: verified.files,
    logFile,
    normalizedPath,
    qc,
    warnings: encoded.warnings,
  };
}

async function probeAndPlan(
  source: string,
  ladder: LadderConfig,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ info: MediaInfo; plan: RenditionPlan[] }> {
  const info = await probeMedia(source, { timeoutMs, signal });
  validateSource(info, ladder);
  return { info, plan: planLadder(info, ladder) };
}

export interface NormalizedSource {
  /** normalized.mp4 (or .mkv) in the work folder. */
  normalizedPath: string;
  /** Probed from the normalized file, frames counted: what the encode reads. */
  normalizedInfo: MediaInfo;
  logFile: string;
}

/**
 * The guide's normalization (docs/encoding-guide.md §3) into `workDir`, then the checks on what
 * the normalized file really holds. Shared by encodeVideo and the encoder service's chunk planner,
 * whose chunks (on any encoder) all read this one file from the bucket.
 */
export async function prepareNormalizedSource(options: {
  source: string;
  workDir: string;
  /** The probe stage's verdict on the source. */
  info: MediaInfo;
  ladder: LadderConfig;
  /** "encode" (the guide's) unless said. */
  audio?: NormalizeAudio;
  signal?: AbortSignal;
  /** Already throttled. */
  onProgress?: (progress: EncodeProgress) => void;
}): Promise<NormalizedSource> {
  const { info, ladder, signal, audio } = options;
  const workDir = resolve(options.workDir);
  await mkdir(workDir, { recursive: true });
  const logFile = join(workDir, FFMPEG_LOG_NAME);
  const normalizedPath = join(workDir, normalizedFileName(info, audio));
  options.onProgress?.(stageProgress("normalize", 0));
  await normalizeSource({
    input: options.source,
    output: normalizedPath,
    info,
    audio,
    durationCapSeconds: normalizeDurationCap(ladder),
    logFile,
    onProgress: options.onProgress,
    signal,
    timeoutMs: encodeTimeoutMs(ladder, info.durationSeconds),
    stallTimeoutMs: ladder.stallTimeoutSeconds * 1000,
  });

  // The normalized file has its own stream indices (video, then audio); its display matrix and
  // colour tags travel with the copied video stream. Its packets say what the source really
  // holds, whatever its container declared.
  const normalizedInfo = await probeMedia(normalizedPath, { timeoutMs: ladder.probeTimeoutSeconds * 1000, signal, countFrames: true });
  if (!normalizedInfo.video) throw new AqError("NORMALIZE_FAILED", "normalized file has no video stream");
  checkDecodedSource(normalizedInfo, info, ladder);
  return { normalizedPath, normalizedInfo, logFile };
}
