import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isVideoId, newVideoId, type VideoAssets } from "@aq/contracts";
import { AqError } from "@aq/contracts";
import { ladderConfigFromEnv } from "@aq/config";
import {
  DEFAULT_FIRST_CHUNK_SEGMENTS,
  encodeTimeoutMs,
  encodeVideo,
  FFMPEG_LOG_NAME,
  makeAssets,
  SEGMENT_SECONDS,
  type EncodedVideo,
} from "@aq/media";
import type { Reporter } from "./progress-output.js";

export interface EncodeCommand {
  input: string;
  out: string;
  id: string | undefined;
  /** A multiple of the segment length: encode in chunks of this length. */
  chunkSeconds?: number;
  /** Also remux the download rung into download/<id>.mp4, as the service does for a video that asks for one. */
  mp4?: boolean;
  env: Record<string, string | undefined>;
  reporter: Reporter;
  signal: AbortSignal;
}

/**
 * Encodes into `<out>/<id>` what the service stores under videos/<id>/: the guide's files, qc.json,
 * images/ (poster, thumbnails, storyboard) and, with `mp4`, the download. Work files go to a temporary folder that is removed on success and
 * kept on failure (the error names its ffmpeg log).
 */
export async function runEncode(command: EncodeCommand): Promise<EncodedVideo & { assets: VideoAssets }> {
  const videoId = command.id ?? newVideoId();
  if (!isVideoId(videoId)) {
    throw new AqError(
      "INVALID_VIDEO_ID",
      `invalid video id "${videoId}": use 1-64 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
  const ladder = ladderConfigFromEnv(command.env);
  const outDir = join(resolve(command.out), videoId);
  const workDir = await mkdtemp(join(tmpdir(), `aq-${videoId}-`));
  try {
    const result = await encodeVideo({
      source: command.input,
      workDir,
      outDir,
      videoId,
      ladder,
      ...(command.chunkSeconds
        ? {
            chunks: {
              segmentSeconds: SEGMENT_SECONDS,
              chunkSegments: command.chunkSeconds / SEGMENT_SECONDS,
              firstChunkSegments: DEFAULT_FIRST_CHUNK_SEGMENTS,
            },
          }
        : {}),
      onProgress: (p) => command.reporter.progress(p),
      signal: command.signal,
    });
    const assets = await makeAssets({
      outDir,
      workDir,
      plan: result.plan,
      logFile: result.logFile,
      download: command.mp4 ? { name: videoId, rendition: ladder.downloadRendition } : null,
      signal: command.signal,
      timeoutMs: encodeTimeoutMs(ladder, result.info.durationSeconds),
    });
    await rm(workDir, { recursive: true, force: true });
    return { ...result, assets };
  } catch (error) {
    if (!(await hasLog(workDir))) await rm(workDir, { recursive: true, force: true });
    throw error;
  } finally {
    command.reporter.finish();
  }
}

async function hasLog(workDir: string): Promise<boolean> {
  try {
    return (await stat(join(workDir, FFMPEG_LOG_NAME))).size > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
