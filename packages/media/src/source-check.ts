import { open, stat } from "node:fs/promises";
import type { LadderConfig } from "@aq/config";
import { AqError } from "@aq/contracts";
import { ALLOWED_DEMUXERS, SUPPORTED_DECODERS } from "./input-safety.js";
import { minimumShortSide, tooSmall } from "./ladder.js";
import type { MediaInfo } from "./media-info.js";

/** The source is a regular, readable, non-empty file (the guide's "File exists", docs/encoding-guide.md §1). */
export async function checkSourceFile(path: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new AqError("SOURCE_UNREADABLE", "source is not a regular file");
    size = s.size;
  } catch (error) {
    if (error instanceof AqError) throw error;
    throw fileError(error);
  }
  if (size === 0) throw new AqError("SOURCE_EMPTY", "source file is empty (0 bytes)");
  try {
    const handle = await open(path, "r");
    await handle.close();
  } catch (error) {
    throw fileError(error);
  }
}

function fileError(error: unknown): AqError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR")
    return new AqError("SOURCE_NOT_FOUND", "source file does not exist", undefined, { cause: error });
  return new AqError("SOURCE_UNREADABLE", `source file cannot be read (${code ?? "unknown error"})`, undefined, { cause: error });
}

/** The guide's input validation (docs/encoding-guide.md §1) on probed metadata; each failure has its own code. */
export function validateSource(info: MediaInfo, ladder: LadderConfig): void {
  if (info.streamCount === 0) throw new AqError("SOURCE_NOT_MEDIA", "source contains no audio or video streams");
  const demuxers = info.container.split(",");
  if (!demuxers.some((d) => (ALLOWED_DEMUXERS as readonly string[]).includes(d))) {
    throw new AqError("SOURCE_UNSUPPORTED_FORMAT", `source container ${info.container} is not accepted`, { container: info.container });
  }
  const video = info.video;
  if (!video) throw new AqError("SOURCE_NO_VIDEO", "source has no video stream (only audio, subtitles, data or cover art)");
  if (info.durationSeconds === null) throw new AqError("SOURCE_NOT_MEDIA", "source duration cannot be determined");
  const seconds = info.durationSeconds;
  if (seconds <= ladder.minDurationSeconds) {
    throw new AqError("SOURCE_TOO_SHORT", `source is ${seconds.toFixed(1)} s long; AQ needs more than ${ladder.minDurationSeconds} s`, {
      durationSeconds: seconds,
    });
  }
  if (seconds > ladder.maxDurationSeconds) {
    throw new AqError(
      "SOURCE_TOO_LONG",
      `source is ${formatHours(seconds)} long; AQ accepts at most ${formatHours(ladder.maxDurationSeconds)}`,
      {
        durationSeconds: seconds,
      },
    );
  }
  if (video.width <= 0 || video.height <= 0) throw new AqError("SOURCE_NOT_MEDIA", "source video has no frame size");
  const long = Math.max(video.displayWidth, video.displayHeight);
  if (long > ladder.maxDimension) {
    throw new AqError(
      "SOURCE_TOO_LARGE",
      `source is ${video.displayWidth}x${video.displayHeight}; AQ accepts at most ${ladder.maxDimension} px on the long side`,
      { displayWidth: video.displayWidth, displayHeight: video.displayHeight },
    );
  }
  const minimum = minimumShortSide(ladder);
  if (Math.min(video.displayWidth, video.displayHeight) < minimum) throw tooSmall(video, minimum);
  if (!(video.codec in SUPPORTED_DECODERS.video)) {
    throw new AqError("SOURCE_UNSUPPORTED_FORMAT", `source video is ${video.codec}, a codec AQ does not decode`, { codec: video.codec });
  }
  if (info.audio && !(info.audio.codec in SUPPORTED_DECODERS.audio)) {
    throw new AqError("SOURCE_UNSUPPORTED_FORMAT", `source audio is ${info.audio.codec}, a codec AQ does not decode`, {
      codec: info.audio.codec,
    });
  }
  const frameRate = video.avgFrameRate || video.rFrameRate;
  assertDecodedPixels(video.width * video.height * frameRate * seconds, ladder);
}

/** Slack over the duration limit for what the container says and what the packets give. */
const DURATION_SLACK_SECONDS = 1;

/**
 * The same limits on what is really in the file, after normalizing (which stops copying at
 * `normalizeDurationCap`): its duration from the packets and its frames counted one by one.
 * A container may declare 8 s and hold 40; this is where that shows.
 */
export function checkDecodedSource(normalized: MediaInfo, declared: MediaInfo, ladder: LadderConfig): void {
  const seconds = normalized.durationSeconds ?? 0;
  if (seconds > ladder.maxDurationSeconds + DURATION_SLACK_SECONDS) {
    throw new AqError(
      "SOURCE_TOO_LONG",
      `source runs longer than ${formatHours(ladder.maxDurationSeconds)} (its container declares ${(declared.durationSeconds ?? 0).toFixed(1)} s); AQ accepts at most ${formatHours(ladder.maxDurationSeconds)}`,
      { declaredSeconds: declared.durationSeconds, decodedSeconds: seconds },
    );
  }
  const video = normalized.video;
  if (video?.frameCount != null) assertDecodedPixels(video.width * video.height * video.frameCount, ladder);
}

/** Where normalizing stops copying: just past the limit, so an over-long source shows as over it. */
export function normalizeDurationCap(ladder: LadderConfig): number {
  return ladder.maxDurationSeconds + 2 * DURATION_SLACK_SECONDS;
}

function assertDecodedPixels(pixels: number, ladder: LadderConfig): void {
  if (pixels > ladder.maxDecodedPixels) {
    throw new AqError(
      "SOURCE_TOO_LARGE",
      `source has ${(pixels / 1e9).toFixed(0)} gigapixels to decode (width x height x frames); AQ accepts at most ${(ladder.maxDecodedPixels / 1e9).toFixed(0)}`,
      { pixels, maxDecodedPixels: ladder.maxDecodedPixels },
    );
  }
}

function formatHours(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
