import { appendFile, mkdir, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { AqError, ENCODE_ATTEMPTS, chunkLogName, isAqError, MASTER_PLAYLIST, type ChunkJob, type ErrorValue } from "@aq/contracts";
import { chunkedPlaylists, encodeChunk, encodeTimeoutMs, FFMPEG_LOG_NAME, type RenditionPlan } from "@aq/media";
import type { X264Preset } from "@aq/config";
import { publishProgress } from "@aq/platform/bus";
import {
  beginChunkAttempt,
  completeChunk,
  failChunk,
  getChunk,
  recordChunkFailure,
  releaseChunkAttempt,
  sharedInputsPending,
  type ChunkFanIn,
  type ChunkSource,
  type PublishedPlaylists,
  type VideoChunkRow,
} from "@aq/platform/db";
import { headObject, presignGet, putTextObject, uploadFiles, videoPrefix } from "@aq/platform/storage";
import { logsDir, PROCESS_OWNER, videoWorkDir, type DeliveryContext, type StageDeps } from "@aq/pipeline";
import { bucketReachable } from "./bucket-reachable.js";
import { keepLog } from "./job-log.js";

/** Parallel segment uploads of one chunk. */
const SEGMENT_UPLOAD_CONCURRENCY = 4;

/**
 * One chunk job, under the chunk's lease (the runner took it while the video is `encoding`): the
 * chunk's range is encoded in every rung from the normalized source and audio in the bucket (read
 * through presigned URLs, so no disk is shared), its segments are put in the bucket under their
 * final names, then the chunk is recorded done and the playlists of the done prefix published
 * (completeChunk). The encoder uploads its own segments: they are on its disk already, and going
 * through the uploader would need either a shared disk or a second trip through the bucket before
 * anything is playable. A failed attempt is retried once; the second failure fails the video.
 */
export interface ChunkJobOptions {
  /** The first chunk's x264 preset (CHUNK_FIRST_PRESET): it is what makes the video playable. */
  firstChunkPreset: X264Preset;
}

export async function runChunkJob(deps: StageDeps, job: ChunkJob, delivery: DeliveryContext, options: ChunkJobOptions): Promise<void> {
  const { db, log } = deps;
  const { lease, video } = delivery;
  const chunk = await getChunk(db, job.videoId, job.index);
  if (!chunk || chunk.status === "done" || chunk.status === "failed" || !video.chunkSource || !video.chunkCount) {
    log.info({ status: chunk?.status ?? null }, "chunk: nothing to do");
    return;
  }
  // Queued early by a sweep: the planner queues it again once the inputs it reads are in the bucket.
  if (job.index > 0 && sharedInputsPending(video.chunkSource)) {
    log.info("chunk: the normalized source or its audio is not in the bucket yet; the planner queues this chunk then");
    return;
  }
  let lastError: ErrorValue = { code: "ENCODE_FAILED", message: "the encoder stopped while encoding this chunk" };
  let lastLog: string | null = chunk.logLocation;
  for (let attempt = chunk.attempts + 1; attempt <= ENCODE_ATTEMPTS; attempt++) {
    if ((await beginChunkAttempt(db, lease.ref, job.index, PROCESS_OWNER)) !== attempt) {
      log.warn({ attempt }, "chunk: the attempt count moved under this lease; stopping");
      return;
    }
    const dir = join(videoWorkDir(deps.workDir, job.videoId), `chunk-${job.index}-attempt-${attempt}-${lease.ref.token.slice(0, 8)}`);
    const logFile = join(dir, FFMPEG_LOG_NAME);
    try {
      await encodeAndRecord(deps, chunk, delivery, { dir, logFile, attempt }, options);
      return;
    } catch (error) {
      if (lease.lost) throw error;
      if (delivery.signal.aborted) {
        await releaseChunkAttempt(db, lease.ref, job.index);
        throw error;
      }
      // An attempt that failed while the bucket it reads its inputs from and writes its segments to
      // was unreachable says nothing about the chunk (ffmpeg's verdict would even blame the source):
      // the attempt is given back and the job redelivered after the consumer's backoff.
      if (!(await bucketReachable(deps, videoInputKey(video.chunkSource, job.index)))) {
        await releaseChunkAttempt(db, lease.ref, job.index);
        log.warn({ attempt, err: isAqError(error) ? error.toValue() : String(error) }, "chunk: bucket unreachable; attempt given back");
        throw error;
      }
      if (!isAqError(error)) throw error;
      // The error's own sentence; the ffmpeg log stays in the bucket, where Video.logUrl leads.
      lastError = error.toValue();
      // The attempt's log ends with AQ's verdict (and is the only trace when ffmpeg never ran).
      await appendFile(logFile, `aq: ${error.code}: ${error.message}\n`).catch(() => undefined);
      lastLog = await keepLog(deps, job.videoId, chunkLogName(job.index, attempt), logFile);
      await recordChunkFailure(db, lease.ref, job.index, lastError, lastLog);
      log.warn({ attempt, code: error.code }, "chunk: attempt failed");
    } finally {
      await rm(dir, { recursive: true, force: true });
      await removeIfEmpty(logsDir(deps.workDir, job.videoId), videoWorkDir(deps.workDir, job.videoId));
    }
  }
  if (await failChunk(db, lease.ref, job.index, lastError, lastLog))
    log.error({ code: lastError.code }, "chunk: failed twice; video failed");
  else log.warn("chunk: lease lost or video moved before the failure was recorded");
}

async function encodeAndRecord(
  deps: StageDeps,
  chunk: VideoChunkRow,
  delivery: DeliveryContext,
  attempt: { dir: string; logFile: string; attempt: number },
  options: ChunkJobOptions,
): Promise<void> {
  const { storage, ladder, log } = deps;
  const { lease, video } = delivery;
  const source = video.chunkSource!;
  const plan = video.plannedRenditions ?? [];
  const outDir = join(attempt.dir, "out");
  await mkdir(outDir, { recursive: true });
  // The first chunk encodes the start of the audio itself; the others copy the whole-source tracks.
  const audio = chunk.index === 0 ? [] : source.audio;
  const videoKey = videoInputKey(source, chunk.index);
  // A missing input is named as such, rather than as ffmpeg's HTTP 404.
  for (const key of [videoKey, ...audio.map((track) => track.key)]) {
    if (!(await headObject(storage, key))) {
      throw new AqError("CHUNK_INPUT_MISSING", `chunk ${chunk.index} cannot start: its input ${key} is not in the bucket`, { key });
    }
  }
  const timeoutMs = encodeTimeoutMs(ladder, chunk.durationSeconds);
  // Valid for the whole run: ffmpeg keeps reading the source until the chunk's end.
  const urlSeconds = Math.ceil(timeoutMs / 1000) + 60;
  const encoded = await encodeChunk({
    input: await presignGet(storage, videoKey, urlSeconds),
    audio:
      chunk.index === 0
        ? undefined
        : await Promise.all(
            audio.map(async (track) => ({ bitrateKbps: track.bitrateKbps, input: await presignGet(storage, track.key, urlSeconds) })),
          ),
    info: source.info,
    plan,
    chunk: { ...chunk, last: chunk.index === video.chunkCount! - 1 },
    outDir,
    logFile: attempt.logFile,
    signal: delivery.signal,
    timeoutMs,
    stallTimeoutMs: ladder.stallTimeoutSeconds * 1000,
    // The first chunk makes the video playable: on shared cores, the others give way to it.
    preset: chunk.index === 0 ? options.firstChunkPreset : ladder.x264Preset,
    background: chunk.index > 0,
    rateControl: ladder.rateControl,
    threads: ladder.encodeThreads,
  });
  await lease.assertHeld();
  const prefix = videoPrefix(video.id);
  const segments = encoded.renditions.flatMap((r) => r.segments.map((s) => ({ localPath: join(outDir, s.uri), key: prefix + s.uri })));
  await uploadFiles(storage, segments, { concurrency: SEGMENT_UPLOAD_CONCURRENCY, log, signal: delivery.signal });
  const logLocation = await keepLog(deps, video.id, chunkLogName(chunk.index, attempt.attempt), attempt.logFile);
  const recorded = await completeChunk(deps.db, lease.ref, chunk.index, { renditions: encoded.renditions, logLocation }, (fanIn) =>
    publishPlaylists(deps, fanIn, plan),
  );
  if (!recorded) return log.warn("chunk: lease lost or video moved before the chunk was recorded; the new owner decides");
  reportProgress(deps, video.id, recorded.progress);
  const { published } = recorded;
  log.info(
    { segments: segments.length, publishedChunks: published?.publishedChunks, complete: Boolean(published?.renditions) },
    "chunk: done",
  );
}

/** The first chunk reads the head of the normalized source while the planner has not put the whole file in the bucket. */
function videoInputKey(source: ChunkSource, index: number): string {
  return index === 0 && source.headKey ? source.headKey : source.normalizedKey;
}

/**
 * Writes the playlists of the done prefix into the bucket (called by completeChunk holding the
 * video's row lock, so writers take turns): the media playlists first, then the master, so a
 * player never finds a master naming a playlist that is not there. EVENT playlists while chunks are
 * missing, VOD with #EXT-X-ENDLIST once all are done.
 */
async function publishPlaylists(deps: StageDeps, fanIn: ChunkFanIn, plan: RenditionPlan[]): Promise<PublishedPlaylists | null> {
  const { video, chunks } = fanIn;
  const done = chunks
    .filter((c) => c.status === "done" && c.renditions)
    .map((c) => ({ index: c.index, renditions: c.renditions!, warnings: [] }));
  const playlists = chunkedPlaylists(plan, done, chunks.length, video.chunkSource?.info.audio != null);
  if (!playlists) return null;
  const prefix = videoPrefix(video.id);
  const media = playlists.files.filter((f) => f.name !== MASTER_PLAYLIST);
  const master = playlists.files.filter((f) => f.name === MASTER_PLAYLIST);
  await Promise.all(media.map((file) => putTextObject(deps.storage, prefix + file.name, file.text)));
  for (const file of master) await putTextObject(deps.storage, prefix + file.name, file.text);
  return {
    publishedChunks: playlists.chunkCount,
    playableSeconds: playlists.durationSeconds,
    // What the row keeps of each rung: the master's own figures.
    ...(playlists.complete
      ? {
          renditions: playlists.renditions.map(({ name, width, height, bandwidth, averageBandwidth }) => ({
            name,
            width,
            height,
            bandwidth,
            averageBandwidth,
          })),
        }
      : {}),
  };
}

/** The share of the video's chunks done, once per chunk (chunks run in parallel, so no finer figure means much). */
function reportProgress(deps: StageDeps, videoId: string, percent: number): void {
  publishProgress(deps.nc, {
    v: 1,
    videoId,
    status: "encoding",
    stage: "encode",
    percent,
    fps: null,
    speed: null,
    etaSeconds: null,
    at: new Date().toISOString(),
  });
}

/** Folders other chunks of the same video on this encoder may still be using: removed only once empty. */
async function removeIfEmpty(...dirs: string[]): Promise<void> {
  for (const dir of dirs) await rmdir(dir).catch(() => undefined);
}
