import { AqError } from "@aq/contracts";
import { runFfmpeg } from "./ffmpeg-process.js";
import { fileArg, inputSafetyArgs } from "./input-safety.js";
import type { MediaInfo } from "./media-info.js";
import { FFMPEG_RUN_ARGS, ffmpegStageProgress, type EncodeProgress } from "./progress.js";

/** Video codecs MP4 can carry as a stream copy; anything else (VP8, Theora, FLV1...) is normalized into Matroska. */
const MP4_VIDEO_CODECS = new Set(["h264", "hevc", "av1", "vp9", "mpeg4", "mpeg2video", "mpeg1video", "mjpeg"]);

/** "normalized.mp4" (the guide's name, docs/encoding-guide.md §3) when the source's video codec fits MP4, else "normalized.mkv". */
export function normalizedFileName(info: MediaInfo): string {
  return info.video && MP4_VIDEO_CODECS.has(info.video.codec) ? "normalized.mp4" : "normalized.mkv";
}

export interface NormalizeOptions {
  input: string;
  /** Ends in .mp4 or .mkv (see normalizedFileName). */
  output: string;
  info: MediaInfo;
  /** Copying stops here whatever the container declares (`-t`). */
  durationCapSeconds?: number;
  logFile: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  stallTimeoutMs?: number;
  onProgress?: (progress: EncodeProgress) => void;
}

/**
 * The guide's (docs/encoding-guide.md) section 3: the video stream copied, the first (default) audio track re-encoded to AAC
 * 48 kHz, moov at the front. Only those two streams are kept, so the encode sees one video and at
 * most one audio track; a source without audio gives a video-only file.
 */
export function buildNormalizeArgs(options: Pick<NormalizeOptions, "input" | "output" | "info" | "durationCapSeconds">): string[] {
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
    ...(info.audio
      ? ["-map", `0:${info.audio.index}`, "-c:a", "aac", "-ar", "48000", "-b:a", info.audio.channels > 2 ? "384k" : "192k"]
      : []),
    "-c:v",
    "copy",
    "-map_chapters",
    "-1",
    ...(options.durationCapSeconds ? ["-t", String(options.durationCapSeconds)] : []),
    ...(mp4 ? ["-movflags", "+faststart", "-f", "mp4"] : ["-f", "matroska"]),
    fileArg(options.output),
  ];
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
