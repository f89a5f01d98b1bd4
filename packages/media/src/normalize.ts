import { AqError } from "@aq/contracts";
import { runFfmpeg } from "./ffmpeg-process.js";
import { fileArg, inputSafetyArgs } from "./input-safety.js";
import type { MediaInfo } from "./media-info.js";
import { FFMPEG_RUN_ARGS, ffmpegStageProgress, type EncodeProgress } from "./progress.js";

/** Video codecs MP4 can carry as a stream copy; anything else (VP8, Theora, FLV1...) is normalized into Matroska. */
const MP4_VIDEO_CODECS = new Set(["h264", "hevc", "av1", "vp9", "mpeg4", "mpeg2video", "mpeg1video", "mjpeg"]);

/** Audio codecs MP4 carries as a stream copy without ffmpeg's experimental flag. */
const MP4_AUDIO_CODECS = new Set(["aac", "mp3", "ac3", "eac3", "alac"]);

/**
 * What normalization does with the audio: "encode" is the guide's AAC 48 kHz; "copy" keeps the
 * source's, for a chunked encode, whose chunks encode the audio from it anyway (the first chunk its
 * start, the planner the whole) and whose first segments would otherwise wait for a whole-source
 * AAC encode before anything could start (about 70 ms per second of source on this project's machines).
 */
export type NormalizeAudio = "encode" | "copy";

/**
 * "normalized.mp4" (the guide's name, docs/encoding-guide.md §3) when the source's video codec,
 * and the audio codec when it is copied, fit MP4; else "normalized.mkv".
 */
export function normalizedFileName(info: MediaInfo, audio: NormalizeAudio = "encode"): string {
  const videoFits = info.video !== null && MP4_VIDEO_CODECS.has(info.video.codec);
  const audioFits = audio === "encode" || !info.audio || MP4_AUDIO_CODECS.has(info.audio.codec);
  return videoFits && audioFits ? "normalized.mp4" : "normalized.mkv";
}

export interface NormalizeOptions {
  input: string;
  /** Ends in .mp4 or .mkv (see normalizedFileName). */
  output: string;
  info: MediaInfo;
  /** Copying stops here whatever the container declares (`-t`). */
  durationCapSeconds?: number;
  /** "encode" unless said. */
  audio?: NormalizeAudio;
  logFile: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  stallTimeoutMs?: number;
  onProgress?: (progress: EncodeProgress) => void;
}

/**
 * The guide's (docs/encoding-guide.md) section 3: the video stream copied, the first (default) audio track re-encoded to AAC
 * 48 kHz (or copied, see NormalizeAudio), moov at the front. Only those two streams are kept, so the encode sees one video and at
 * most one audio track; a source without audio gives a video-only file.
 */
export function buildNormalizeArgs(
  options: Pick<NormalizeOptions, "input" | "output" | "info" | "durationCapSeconds" | "audio">,
): string[] {
  const { info } = options;
  if (!info.video) throw new AqError("SOURCE_NO_VIDEO", "source has no video stream");
  const mp4 = options.output.endsWith(".mp4");
  return [
    ...FFMPEG_RUN_ARGS,
    ...inputSafetyArgs(),
    "-i",
    fileArg(options.input),
    "-map",
    `0:${info.video.index}`,
    ...(info.audio ? ["-map", `0:${info.audio.index}`, ...audioArgs(info.audio.channels, options.audio ?? "encode")] : []),
    "-c:v",
    "copy",
    "-map_chapters",
    "-1",
    ...(options.durationCapSeconds ? ["-t", String(options.durationCapSeconds)] : []),
    ...(mp4 ? ["-movflags", "+faststart", "-f", "mp4"] : ["-f", "matroska"]),
    fileArg(options.output),
  ];
}

function audioArgs(channels: number, audio: NormalizeAudio): string[] {
  if (audio === "copy") return ["-c:a", "copy"];
  return ["-c:a", "aac", "-ar", "48000", "-b:a", channels > 2 ? "384k" : "192k"];
}

export async function normalizeSource(options: NormalizeOptions): Promise<void> {
  const duration = options.info.durationSeconds ?? 0;
  await runFfmpeg({
    args: buildNormalizeArgs(options),
    logFile: options.logFile,
    label: "normalize",
    failureCode: "NORMALIZE_FAILED",
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    stallTimeoutMs: options.stallTimeoutMs,
    onProgress: options.onProgress && ((p) => options.onProgress?.(ffmpegStageProgress("normalize", p, duration))),
  });
}

/**
 * The first `seconds` of a normalized file, cut by stream copy into the same container: the same
 * packets with the same timestamps, so they decode to the same frames and samples as the whole
 * file's start. The chunk planner puts this in the bucket ahead of the whole file, so the first
 * chunk does not wait for a transfer as long as the source.
 */
export async function cutNormalizedHead(options: {
  input: string;
  /** In the input's container (.mp4 or .mkv). */
  output: string;
  seconds: number;
  logFile: string;
  signal?: AbortSignal;
}): Promise<void> {
  const mp4 = options.output.endsWith(".mp4");
  await runFfmpeg({
    args: [
      ...FFMPEG_RUN_ARGS,
      ...inputSafetyArgs(),
      "-i",
      fileArg(options.input),
      // The normalized file's video and audio, at the same indices (MP4 may have added a timecode track after them).
      "-map",
      "0:v:0",
      "-map",
      "0:a:0?",
      "-c",
      "copy",
      "-t",
      options.seconds.toFixed(6),
      ...(mp4 ? ["-movflags", "+faststart", "-f", "mp4"] : ["-f", "matroska"]),
      fileArg(options.output),
    ],
    logFile: options.logFile,
    label: "head",
    failureCode: "NORMALIZE_FAILED",
    signal: options.signal,
  });
}
