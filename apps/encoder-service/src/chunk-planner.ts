import { basename, join } from "node:path";
import {
  SEGMENT_SECONDS,
  chunkingHelps,
  encodeSourceAudio,
  encodeTimeoutMs,
  FFMPEG_LOG_NAME,
  planChunks,
  prepareNormalizedSource,
  type ChunkPlanOptions,
} from "@aq/media";
import { getChunks, queueChunks, wholeSourceAudioPending, type ChunkRange, type VideoRow } from "@aq/platform/db";
import { presignGet, uploadFile, workKey } from "@aq/platform/storage";
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
 * 1. the source is normalized with its audio copied (a remux, at disk speed) and put in the
 *    bucket (work/<id>/), where every encoder reads it; the chunk rows are written and the first
 *    chunk queued: it encodes the start of the audio itself (encodeChunk);
 * 2. meanwhile the planner encodes the whole source's audio once, puts it in the bucket, and
 *    queues the other chunks, which copy their AAC frames from it (continuous across joins), and
 *    gives the stage's lease up; the video stays `encoding` while the chunks run.
 * A retry finds the rows and the inputs in place, encodes the audio if step 2 never finished, and
 * queues only the chunks not done (leaving the first chunk's job alone if it is still on its
 * way). Returns false when the lease was lost before the chunks were queued. Throws what the
 * media core throws (typed AqErrors).
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
  let source = video.chunkSource;
  let ranges: readonly ChunkRange[];
  let normalized: string;
  // Chunks whose job the first hand-off queued and which are still on their way.
  let inFlight: number[] = [];
  if (source) {
    const rows = await getChunks(deps.db, video.id);
    ranges = rows;
    if (wholeSourceAudioPending(source)) inFlight = rows.filter((c) => c.index === 0 && c.status !== "failed").map((c) => c.index);
    normalized = await presignGet(
      deps.storage,
      source.normalizedKey,
      Math.ceil(encodeTimeoutMs(ladder, source.info.durationSeconds) / 1000) + 60,
    );
  } else {
    const prepared = await prepareNormalizedSource({
      source: work.source,
      workDir: work.dir,
      info: video.probe!,
      ladder,
      audio: "copy",
      signal: delivery.signal,
    });
    normalized = prepared.normalizedPath;
    source = { normalizedKey: workKey(video.id, basename(normalized)), info: prepared.normalizedInfo, audio: [] };
    await lease.assertHeld();
    await uploadFile(deps.storage, normalized, source.normalizedKey, upload);
    ranges = planChunks(source.info.durationSeconds ?? 0, chunkPlanOptions(options));
    if (wholeSourceAudioPending(source)) {
      const queued = await queueChunks(deps.db, lease.ref, ranges, source, { indices: [0], keepLease: true });
      if (queued === null) return false;
      inFlight = queued;
      deps.log.info({ videoId: video.id, chunks: ranges.length }, "encode: normalized, first chunk queued");
    }
  }
  if (wholeSourceAudioPending(source)) {
    const limits = { signal: delivery.signal, stallTimeoutMs: ladder.stallTimeoutSeconds * 1000 };
    const logFile = join(work.dir, FFMPEG_LOG_NAME);
    // In the background: the first chunk, which may be running on these cores, makes the video playable.
    const audio = await encodeSourceAudio({
      input: normalized,
      info: source.info,
      plan,
      outDir: work.dir,
      logFile,
      background: true,
      ...limits,
    });
    await lease.assertHeld();
    source = {
      ...source,
      audio: audio.map((track) => ({ bitrateKbps: track.bitrateKbps, key: workKey(video.id, basename(track.input)) })),
    };
    for (const [i, track] of audio.entries()) await uploadFile(deps.storage, track.input, source.audio[i]!.key, upload);
  }
  const rest = ranges.map((r) => r.index).filter((index) => !inFlight.includes(index));
  const queued = await queueChunks(deps.db, lease.ref, ranges, source, { indices: rest });
  if (queued) deps.log.info({ videoId: video.id, chunks: ranges.length, queued: inFlight.length + queued.length }, "encode: chunks queued");
  return queued !== null;
}
