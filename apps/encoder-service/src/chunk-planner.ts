import { basename, extname, join } from "node:path";
import {
  SEGMENT_SECONDS,
  chunkingHelps,
  cutNormalizedHead,
  encodeSourceAudio,
  encodeTimeoutMs,
  FFMPEG_LOG_NAME,
  firstChunkHeadSeconds,
  planChunks,
  prepareNormalizedSource,
  sideBySide,
  type ChunkPlanOptions,
} from "@aq/media";
import { getChunks, queueChunks, sharedInputsPending, type VideoRow } from "@aq/platform/db";
import type { StoredChunkRange } from "@aq/contracts";
import { headObject, presignGet, uploadFile, workKey } from "@aq/platform/storage";
import type { DeliveryContext, StageDeps } from "@aq/pipeline";

export interface ChunkingOptions {
  /** Sources at least this long are chunked; 0: never. */
  minSourceSeconds: number;
  chunkSeconds: number;
  firstChunkSegments: number;
}

export function chunkPlanOptions(options: ChunkingOptions): ChunkPlanOptions {
  return {
    segmentSeconds: SEGMENT_SECONDS,
    chunkSegments: options.chunkSeconds / SEGMENT_SECONDS,
    firstChunkSegments: options.firstChunkSegments,
  };
}

/**
 * Whether the video is encoded in chunks: once chunked, always (a retry re-runs its chunks that are
 * not done); otherwise when it is long enough by the setting and long enough for chunks to help.
 */
export function isChunked(video: VideoRow, options: ChunkingOptions): boolean {
  if (video.chunkCount !== null) return true;
  const duration = video.probe?.durationSeconds ?? 0;
  return options.minSourceSeconds > 0 && duration >= options.minSourceSeconds && chunkingHelps(duration, chunkPlanOptions(options));
}

/**
 * The planner, one attempt of the encode stage for a chunked video (under the stage's lease), in
 * two hand-offs, so that the first segments do not wait for anything the length of the source:
 * 1. the source is normalized with its audio copied (a remux, at disk speed); its first seconds,
 *    cut by stream copy, go to the bucket (work/<id>/), the chunk rows are written and the first
 *    chunk queued: it reads that head and encodes the start of the audio itself (encodeChunk);
 * 2. meanwhile the planner puts the whole normalized file in the bucket, where every encoder reads
 *    it, while it encodes the whole source's audio once, puts that there too, and queues the other
 *    chunks, which copy their AAC frames from it (continuous across joins), and gives the stage's lease up;
 *    the video stays `encoding` while the chunks run.
 * A retry finds the rows in place, makes again and puts in the bucket what step 2 had not put
 * there (a stream copy gives the same packets), and queues only the chunks not done (leaving the
 * first chunk's job alone if it is still on its way). Returns false when the lease was lost before
 * the chunks were queued. Throws what the media core throws (typed AqErrors).
 */
export async function planChunkedEncode(
  deps: StageDeps,
  video: VideoRow,
  delivery: DeliveryContext,
  work: { source: string; dir: string },
  options: ChunkingOptions,
): Promise<boolean> {
  const { lease } = delivery;
  const plan = video.plannedRenditions ?? [];
  const ladder = deps.ladder;
  const upload = { log: deps.log, signal: delivery.signal };
  const normalize = () =>
    prepareNormalizedSource({
      source: work.source,
      workDir: work.dir,
      info: video.probe!,
      ladder,
      audio: "copy",
      signal: delivery.signal,
    });
  let source = video.chunkSource;
  let ranges: readonly StoredChunkRange[];
  // This attempt's normalized file, when it made one.
  let normalized: string | null = null;
  // Chunks whose job the first hand-off queued and which are still on their way.
  let inFlight: number[] = [];
  if (source) {
    const rows = await getChunks(deps.db, video.id);
    ranges = rows;
    if (sharedInputsPending(source)) inFlight = rows.filter((c) => c.index === 0 && c.status !== "failed").map((c) => c.index);
  } else {
    const prepared = await normalize();
    normalized = prepared.normalizedPath;
    ranges = planChunks(prepared.normalizedInfo.durationSeconds ?? 0, chunkPlanOptions(options));
    const head = join(work.dir, `head${extname(normalized)}`);
    await cutNormalizedHead({
      input: normalized,
      output: head,
      seconds: firstChunkHeadSeconds(ranges[0]!),
      logFile: join(work.dir, FFMPEG_LOG_NAME),
      signal: delivery.signal,
    });
    source = {
      normalizedKey: workKey(video.id, basename(normalized)),
      headKey: workKey(video.id, basename(head)),
      info: prepared.normalizedInfo,
      audio: [],
    };
    await lease.assertHeld();
    await uploadFile(deps.storage, head, source.headKey!, upload);
    const queued = await queueChunks(deps.db, lease.ref, ranges, source, { indices: [0], keepLease: true });
    if (queued === null) return false;
    inFlight = queued;
    deps.log.info({ videoId: video.id, chunks: ranges.length }, "encode: normalized, first chunk queued");
  }
  if (sharedInputsPending(source)) {
    if (normalized === null && !(await headObject(deps.storage, source.normalizedKey))) normalized = (await normalize()).normalizedPath;
    const local = normalized;
    const { normalizedKey, info } = source;
    const input =
      local ?? (await presignGet(deps.storage, normalizedKey, Math.ceil(encodeTimeoutMs(ladder, info.durationSeconds) / 1000) + 60));
    await lease.assertHeld();
    // The chunks after the first wait for both the normalized file and the audio in the bucket, so
    // the one is put there while the other is encoded (from the local file when this attempt has one).
    const [, audio] = await sideBySide(delivery.signal, [
      async (signal) => {
        if (local !== null) await uploadFile(deps.storage, local, normalizedKey, { ...upload, signal });
      },
      // In the background: the first chunk, which may be running on these cores, makes the video playable.
      (signal) =>
        encodeSourceAudio({
          input,
          info,
          plan,
          outDir: work.dir,
          logFile: join(work.dir, FFMPEG_LOG_NAME),
          background: true,
          signal,
          stallTimeoutMs: ladder.stallTimeoutSeconds * 1000,
        }),
    ]);
    await lease.assertHeld();
    const tracks = audio.map((track) => ({ bitrateKbps: track.bitrateKbps, key: workKey(video.id, basename(track.input)) }));
    for (const [i, track] of audio.entries()) await uploadFile(deps.storage, track.input, tracks[i]!.key, upload);
    // The chunks read the whole file from now on; the first chunk's job keeps the head it started with.
    source = { normalizedKey, info, audio: tracks };
  }
  const rest = ranges.map((r) => r.index).filter((index) => !inFlight.includes(index));
  const queued = await queueChunks(deps.db, lease.ref, ranges, source, { indices: rest });
  if (queued) deps.log.info({ videoId: video.id, chunks: ranges.length, queued: inFlight.length + queued.length }, "encode: chunks queued");
  return queued !== null;
}
