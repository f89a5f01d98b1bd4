import { mkdir, rename, rm, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { publishProgress } from "@aq/platform/bus";
import type { ErrorValue } from "@aq/contracts";
import { beginAttempt, getChunks, releaseAttempt, setVideoProgress, transitionVideo, type LeaseRef, type VideoRow } from "@aq/platform/db";
import { AqError, downloadName, ENCODE_ATTEMPTS, isAqError, stagedOutputPrefix, toErrorValue } from "@aq/contracts";
import { encodeTimeoutMs, encodeVideo, FFMPEG_LOG_NAME, makeAssets, type EncodeProgress } from "@aq/media";
import { deletePrefixWithBackoff, downloadObject, listLocalTree, uploadDirectory, workKey, type TreeEntry } from "@aq/platform/storage";
import type { DeliveryContext, StageDeps } from "@aq/pipeline";
import { assertRoomToEncode } from "@aq/pipeline";
import { attemptDir, logsDir, sourceCopyPath, videoWorkDir } from "@aq/pipeline";
import { chunkedStep, makeChunkedAssets } from "./chunk-finish.js";
import { isChunked, planChunkedEncode, type ChunkingOptions } from "./chunk-planner.js";
import { bucketReachable } from "./bucket-reachable.js";
import { keepLog } from "./job-log.js";

export interface EncodeStageOptions {
  /** Bytes of WORK_DIR's volume never to be used by encodes. */
  diskReserveBytes: number;
  chunking: ChunkingOptions;
  /** Objects put in the bucket at once when staging the output (UPLOAD_FILE_CONCURRENCY). */
  stageConcurrency: number;
}

/**
 * encoding -> encoded | failed_encoding, under the stage's lease (the runner took it and moved
 * the video from probed). The stored plan is encoded; a long source is instead planned into
 * chunk jobs (chunk-planner.ts) that every encoder instance takes up (chunk-stage.ts); once they
 * are all done the fan-in hands the video back here and its assets are made (chunk-finish.ts),
 * with the attempts, lease and failure of any encode. Each attempt runs in a directory of its
 * own with its own ffmpeg log, kept locally and copied to the bucket (logs/<id>/) for operators.
 */
export async function runEncodeStage(
  deps: StageDeps,
  videoId: string,
  delivery: DeliveryContext,
  options: EncodeStageOptions,
): Promise<void> {
  const { db, log } = deps;
  const { video, lease } = delivery;
  const chunked = isChunked(video, options.chunking);
  const chunks = video.chunkSource ? await getChunks(db, videoId) : [];
  const step = chunked ? chunkedStep(video, chunks) : null;
  if (step === "wait") {
    log.info({ videoId }, "encode: chunks still running; nothing to do");
    return;
  }
  try {
    await assertRoomToEncode(deps.workDir, video, options.diskReserveBytes);
  } catch (error) {
    if (!isAqError(error)) throw error;
    await failEncoding(deps, video, error.toValue(), null, lease.ref);
    return;
  }
  const source = sourceCopyPath(deps.workDir, videoId);
  // A chunked video planned before reads its normalized source from the bucket.
  if (!video.chunkSource) await ensureSourceCopy(deps, video, source, lease.ref);

  // Attempts are counted on the row, so an encoder that dies mid-encode uses up an attempt too
  // and a video that keeps killing encoders still ends failed_encoding.
  let lastError: ErrorValue = { code: "ENCODE_FAILED", message: "the encoder stopped while encoding this video" };
  let lastLogKey: string | null = video.logLocation;
  for (let attempt = video.attempts + 1; attempt <= ENCODE_ATTEMPTS; attempt++) {
    if ((await beginAttempt(db, lease.ref, "encoding")) !== attempt) {
      log.warn({ videoId, attempt }, "encode: the attempt count moved under this lease; stopping");
      return;
    }
    const dir = attemptDir(deps.workDir, videoId, attempt, lease.ref.token);
    await mkdir(dir, { recursive: true });
    const outDir = join(dir, "hls", videoId);
    try {
      if (step === "finish") {
        const assets = await makeChunkedAssets(deps, video, chunks, delivery, { dir, concurrency: options.stageConcurrency });
        const logLocation = await keepLog(deps, videoId, `encode-assets-attempt-${attempt}.log`, join(dir, FFMPEG_LOG_NAME));
        const recorded = await transitionVideo(db, {
          id: videoId,
          from: "encoding",
          to: "encoded",
          set: { assets, progress: 100, logLocation, errorCode: null, errorMessage: null },
          detail: `${chunks.length} chunks`,
          lease: lease.ref,
          releaseLease: true,
        });
        if (!recorded) return log.warn({ videoId, attempt }, "encode: lease lost before the assets were recorded; the new owner decides");
        await rm(videoWorkDir(deps.workDir, videoId), { recursive: true, force: true });
        log.info({ videoId, attempt, chunks: chunks.length }, "encode: chunked output finished with its assets");
        return;
      }
      if (step === "plan") {
        const queued = await planChunkedEncode(deps, video, delivery, { source, dir }, options.chunking);
        if (!queued) log.warn({ videoId, attempt }, "encode: lease lost before the chunks were queued; the new owner decides");
        await keepLog(deps, videoId, `encode-plan-attempt-${attempt}.log`, join(dir, FFMPEG_LOG_NAME));
        // Nothing local outlives the planner: the chunks read their inputs from the bucket. Only
        // its own files go: the first chunk may be running on this host already, in the same folder.
        await Promise.all([rm(dir, { recursive: true, force: true }), rm(source, { force: true })]);
        for (const empty of [logsDir(deps.workDir, videoId), videoWorkDir(deps.workDir, videoId)])
          await rmdir(empty).catch(() => undefined);
        return;
      }
      const encoded = await encodeVideo({
        source,
        workDir: dir,
        outDir,
        videoId,
        ladder: deps.ladder,
        planned: storedPlan(video),
        signal: delivery.signal,
        onProgress: (p) => reportProgress(deps, lease.ref, p),
      });
      // Poster, thumbnails, storyboard and the MP4 download come from the verified renditions.
      const assets = await makeAssets({
        outDir,
        workDir: dir,
        plan: encoded.plan,
        logFile: encoded.logFile,
        download: video.mp4Download ? { name: downloadName(video.title, videoId), rendition: deps.ladder.downloadRendition } : null,
        signal: delivery.signal,
        timeoutMs: encodeTimeoutMs(deps.ladder, encoded.info.durationSeconds),
      });
      // The staged output is replaced only by the lease holder.
      await lease.assertHeld();
      const stagedOutput = await stageOutput(deps, videoId, outDir, delivery.signal, options.stageConcurrency);
      const logLocation = await keepLog(deps, videoId, `encode-attempt-${attempt}.log`, encoded.logFile);
      const recorded = await transitionVideo(db, {
        id: videoId,
        from: "encoding",
        to: "encoded",
        set: { renditions: encoded.renditions, assets, stagedOutput, progress: 100, logLocation, errorCode: null, errorMessage: null },
        detail: `attempt ${attempt}`,
        lease: lease.ref,
        releaseLease: true,
      });
      if (!recorded) {
        log.warn({ videoId, attempt }, "encode: lease lost before the encode was recorded; the new owner decides");
        return;
      }
      // Everything the uploader needs is in the bucket: this host keeps nothing of the video.
      await rm(videoWorkDir(deps.workDir, videoId), { recursive: true, force: true });
      log.info({ videoId, attempt, renditions: encoded.renditions.map((r) => r.name) }, "encode: verified and staged");
      return;
    } catch (error) {
      // Lease lost: the new owner counts its own attempts and stages its own output.
      if (lease.lost) throw error;
      // Shutdown: hand the work back untouched; the redelivery resumes from "encoding".
      if (delivery.signal.aborted) {
        await releaseAttempt(db, lease.ref, "encoding");
        throw error;
      }
      // A planner whose bucket stopped answering gives its attempt back and is redelivered after the
      // consumer's backoff, as a chunk is: the first chunk may be out already, and a video whose
      // planner failed on a passing outage would fail with it.
      if (step === "plan" && !(await bucketReachable(deps, workKey(videoId, "normalized.mp4")))) {
        await releaseAttempt(db, lease.ref, "encoding");
        log.warn(
          { videoId, attempt, err: isAqError(error) ? error.toValue() : String(error) },
          "encode: bucket unreachable; plan handed back",
        );
        throw error;
      }
      if (!isAqError(error)) throw error;
      // The stored message is the error's own sentence; the ffmpeg log it came from stays in the
      // bucket (logs/<id>/), where Video.logUrl leads.
      lastError = error.toValue();
      lastLogKey = await keepLog(deps, videoId, `encode-attempt-${attempt}.log`, join(dir, FFMPEG_LOG_NAME));
      log.warn({ videoId, attempt, code: error.code }, "encode: attempt failed");
      // What the source really holds (longer or larger than declared) is a verdict: another attempt
      // would repeat it. So is a bucket that refused the staged output after its retries: another
      // attempt would encode again only to meet the same bucket; retryVideo does, once it is back.
      if (error.code.startsWith("SOURCE_") || error.code === "UPLOAD_FAILED") break;
    }
  }
  await failEncoding(deps, video, lastError, lastLogKey, lease.ref);
}

/**
 * Puts the verified output tree (the guide's HLS files, the assets, qc.json) under the video's
 * staged-output prefix, replacing what an earlier attempt left there, and checks the listing
 * against the local tree. Returns what the uploader copies: every object's path and size.
 */
async function stageOutput(
  deps: StageDeps,
  videoId: string,
  outDir: string,
  signal: AbortSignal,
  concurrency: number,
): Promise<TreeEntry[]> {
  const prefix = stagedOutputPrefix(videoId);
  try {
    await deletePrefixWithBackoff(deps.storage, prefix, { log: deps.log });
  } catch (error) {
    // The bucket refused the staging's first step: the same verdict as a refused put.
    if (isAqError(error) && error.code === "CLEANUP_FAILED")
      throw new AqError("UPLOAD_FAILED", `staging the output failed: ${error.message}`);
    throw error;
  }
  await uploadDirectory(deps.storage, outDir, prefix, { concurrency, log: deps.log, signal });
  return (await listLocalTree(outDir)).map((file) => ({ path: file.relativePath, size: file.size }));
}

/** The probe stage's verdict, when the row holds a complete one (rows from before it was stored typed do not). */
function storedPlan(video: VideoRow) {
  const { probe, plannedRenditions } = video;
  if (!probe || !plannedRenditions?.length || !plannedRenditions.every((r) => typeof r.gopFrames === "number")) return undefined;
  return { info: probe, plan: plannedRenditions };
}

/** Downloaded under a name of this lease's own, then renamed: no reader ever sees half a copy. */
async function ensureSourceCopy(deps: StageDeps, video: VideoRow, path: string, lease: LeaseRef): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (existing && existing.size === video.sourceSizeBytes) return;
  await mkdir(join(path, ".."), { recursive: true });
  const partial = `${path}.${lease.token.slice(0, 8)}.part`;
  await downloadObject(deps.storage, video.sourceLocation, partial);
  await rename(partial, path);
}

async function failEncoding(
  deps: StageDeps,
  video: VideoRow,
  error: ErrorValue,
  logLocation: string | null,
  lease: LeaseRef,
): Promise<void> {
  const failed = await transitionVideo(deps.db, {
    id: video.id,
    from: "encoding",
    to: "failed_encoding",
    set: { errorCode: error.code, errorMessage: error.message, logLocation },
    detail: error.code,
    lease,
    releaseLease: true,
  });
  if (failed) deps.log.error({ videoId: video.id, code: error.code }, "encode: failed, moving on");
  else deps.log.warn({ videoId: video.id, code: error.code }, "encode: lease lost before the failure was recorded; the new owner decides");
}

function reportProgress(deps: StageDeps, lease: LeaseRef, p: EncodeProgress): void {
  const { videoId } = lease;
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
  setVideoProgress(deps.db, lease, "encoding", p.percent).catch((error: unknown) =>
    deps.log.warn({ videoId, err: toErrorValue(error) }, "encode: could not store progress"),
  );
}
