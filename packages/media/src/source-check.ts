import { open, stat } from "node:fs/promises";
import type { LadderConfig } from "@aq/config";
import { AqError } from "@aq/contracts";
import { ALLOWED_DEMUXERS } from "./input-safety.js";
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
  if (code === "ENOENT" || code === "ENOTDIR") return new AqError("SOURCE_NOT_FOUND", "source file does not exist", undefined, { cause: error });
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
    throw new AqError("SOURCE_TOO_LONG", `source is ${formatHours(seconds)} long; AQ accepts at most ${formatHours(ladder.maxDurationSeconds)}`, {
      durationSeconds: seconds,
    });
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
}

function formatHours(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
