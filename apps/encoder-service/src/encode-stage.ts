import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { publishProgress } from "@aq/platform/bus";
import type { ErrorValue } from "@aq/contracts";
import { beginAttempt, getVideo, releaseAttempt, setVideoProgress, transitionVideo, type VideoRow } from "@aq/platform/db";
import { isAqError, toErrorValue } from "@aq/contracts";
import { encodeVideo, FFMPEG_LOG_NAME, tailLog, type EncodeProgress } from "@aq/media";
import { downloadObject, logKey, uploadFile } from "@aq/platform/storage";
import type { DeliveryContext, StageDeps } from "@aq/pipeline";
import { assertRoomToEncode } from "@aq/pipeline";
import { attemptDir, hlsOutputDir, logsDir, sourceCopyPath } from "@aq/pipeline";

/** The guide's rule (docs/encoding-guide.md §10): retry encoding once, then fail the video and move on. */
export const ENCODE_ATTEMPTS = 2;
const LOG_TAIL_LINES = 20;

export interface EncodeStageOptions {
  /** Bytes of WORK_DIR's volume never to be used by encodes. */
  diskReserveBytes: number;
}

/**
 * probed -> encoding -> encoded | failed_encoding. Each attempt runs in a fresh directory with
 * its own ffmpeg log, kept locally and copied to the bucket (logs/<id>/) for operators.
 */
export async function runEncodeStage(deps: StageDeps, videoId: string, delivery: DeliveryContext, options: EncodeStageOptions): Promise<void> {
  const { db, log } = deps;
  const current = await getVideo(db, videoId);
  if (!current || (current.status !== "probed" && current.status !== "encoding")) {
    log.info({ videoId, status: current?.status }, "encode: video is past this stage, nothing to do");
    return;
  }
  const video = await transitionVideo(db, { id: videoId, from: ["probed", "encoding"], to: "encoding", set: { progress: 0 } });
  if (!video) return;

  try {
    await assertRoomToEncode(deps.workDir, video, options.diskReserveBytes);
  } catch (error) {
    if (!isAqError(error)) throw error;
    await failEncoding(deps, video, error.toValue(), null);
    return;
  }
  const source = sourceCopyPath(deps.workDir, videoId);
  await ensureSourceCopy(deps, video, source);

  // Attempts are counted on the row, so an encoder that dies mid-encode uses up an attempt too
  // and a video that keeps killing encoders still ends failed_encoding.
  let lastError: ErrorValue = { code: "ENCODE_FAILED", message: "the encoder stopped while encoding this video" };
  let lastLogKey: string | null = video.logLocation;
  for (let attempt = video.attempts + 1; attempt <= ENCODE_ATTEMPTS; attempt++) {
    if ((await beginAttempt(db, videoId, "encoding")) !== attempt) return;
    const dir = attemptDir(deps.workDir, videoId, attempt);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const outDir = join(dir, "hls", videoId);
    try {
      const encoded = await encodeVideo({
        source,
        workDir: dir,
        outDir,
        videoId,
        ladder: deps.ladder,
        signal: delivery.signal,
        onProgress: (p) => reportProgress(deps, videoId, p),
      });
      const finalDir = hlsOutputDir(deps.workDir, videoId);
      await rm(finalDir, { recursive: true, force: true });
      await mkdir(join(finalDir, ".."), { recursive: true });
      await rename(outDir, finalDir);
      const logLocation = await keepLog(deps, videoId, attempt, encoded.logFile);
      await transitionVideo(db, {
        id: videoId,
        from: "encoding",
        to: "encoded",
        set: { renditions: encoded.renditions, progress: 100, logLocation, errorCode: null, errorMessage: null },
        detail: `attempt ${attempt}`,
      });
      await rm(dir, { recursive: true, force: true });
      log.info({ videoId, attempt, renditions: encoded.renditions.map((r) => r.name) }, "encode: verified");
      return;
    } catch (error) {
      // Shutdown: hand the work back untouched; the redelivery resumes from "encoding".
      if (delivery.signal.aborted) {
        await releaseAttempt(db, videoId, "encoding");
        throw error;
      }
      if (!isAqError(error)) throw error;
      const logFile = join(dir, FFMPEG_LOG_NAME);
      const tail = await tailLog(logFile, LOG_TAIL_LINES);
      lastError = { code: error.code, message: tail ? `${error.message}\n${tail}` : error.message };
      lastLogKey = await keepLog(deps, videoId, attempt, logFile);
      log.warn({ videoId, attempt, code: error.code }, "encode: attempt failed");
    }
  }
  await failEncoding(deps, video, lastError, lastLogKey);
}

async function ensureSourceCopy(deps: StageDeps, video: VideoRow, path: string): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (existing && existing.size === video.sourceSizeBytes) return;
  await mkdir(join(path, ".."), { recursive: true });
  await downloadObject(deps.storage, video.sourceLocation, path);
}

async function failEncoding(deps: StageDeps, video: VideoRow, error: ErrorValue, logLocation: string | null): Promise<void> {
  await transitionVideo(deps.db, {
    id: video.id,
    from: "encoding",
    to: "failed_encoding",
    set: { errorCode: error.code, errorMessage: error.message, logLocation },
    detail: error.code,
  });
  deps.log.error({ videoId: video.id, code: error.code }, "encode: failed, moving on");
}

/** Copies an attempt's log to the bucket; returns where an operator can read it. */
async function keepLog(deps: StageDeps, videoId: string, attempt: number, logFile: string): Promise<string | null> {
  const exists = await stat(logFile).catch(() => null);
  if (!exists) return null;
  const local = join(logsDir(deps.workDir, videoId), `encode-attempt-${attempt}.log`);
  await mkdir(logsDir(deps.workDir, videoId), { recursive: true });
  await rename(logFile, local);
  const key = logKey(videoId, `encode-attempt-${attempt}.log`);
  try {
    await uploadFile(deps.storage, local, key);
    return key;
  } catch (error) {
    deps.log.warn({ videoId, err: toErrorValue(error) }, "encode: could not copy the log to the bucket; it stays on disk");
    return local;
  }
}

function reportProgress(deps: StageDeps, videoId: string, p: EncodeProgress): void {
  publishProgress(deps.nc, {
    v: 1,
    videoId,
    status: "encoding",
    stage: p.stage,
    percent: p.percent,
    fps: p.fps ?? null,
    speed: p.speed ?? null,
    etaSeconds: p.etaSeconds ?? null,
    at: new Date().toISOString(),
  });
  setVideoProgress(deps.db, videoId, "encoding", p.percent).catch((error: unknown) =>
    deps.log.warn({ videoId, err: toErrorValue(error) }, "encode: could not store progress"),
  );
}
