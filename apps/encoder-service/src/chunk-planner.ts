import { basename } from "node:path";
import { SEGMENT_SECONDS, chunkingHelps, encodeSourceAudio, planChunks, prepareNormalizedSource, type ChunkPlanOptions } from "@aq/media";
import { getChunks, queueChunks, type ChunkSource, type VideoRow } from "@aq/platform/db";
import { uploadFile, workKey } from "@aq/platform/storage";
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
 * The planner, one attempt of the encode stage for a chunked video (under the stage's lease):
 * normalizes the source and encodes its audio once, puts both in the bucket (work/<id>/) where
 * every encoder reads them, then writes the chunk rows and one job per chunk (queueChunks) and
 * gives the stage's lease up; the video stays `encoding` while the chunks run. A retry finds the
 * rows and the inputs in place and queues only the chunks not done. Returns false when the lease
 * was lost before the chunks were queued. Throws what the media core throws (typed AqErrors).
 */
export async function planChunkedEncode(
  deps: StageDeps,
  video: VideoRow,
  delivery: DeliveryContext,
  work: { source: string; dir: string },
  options: ChunkingOptions,
): Promise<boolean> {
  const { lease } = delivery;
  if (video.chunkSource) {
    const ranges = await getChunks(deps.db, video.id);
    const queued = await queueChunks(deps.db, lease.ref, ranges, video.chunkSource);
    deps.log.info({ videoId: video.id, queued }, "encode: chunks not done queued again");
    return queued !== null;
  }
  const plan = video.plannedRenditions ?? [];
  const ladder = deps.ladder;
  const limits = { signal: delivery.signal, stallTimeoutMs: ladder.stallTimeoutSeconds * 1000 };
  const { normalizedPath, normalizedInfo, logFile } = await prepareNormalizedSource({
    source: work.source,
    workDir: work.dir,
    info: video.probe!,
    ladder,
    signal: delivery.signal,
  });
  const audio = await encodeSourceAudio({ input: normalizedPath, info: normalizedInfo, plan, outDir: work.dir, logFile, ...limits });
  await lease.assertHeld();
  const source: ChunkSource = {
    normalizedKey: workKey(video.id, basename(normalizedPath)),
    info: normalizedInfo,
    audio: audio.map((track) => ({ bitrateKbps: track.bitrateKbps, key: workKey(video.id, basename(track.input)) })),
  };
  const upload = { log: deps.log, signal: delivery.signal };
  await uploadFile(deps.storage, normalizedPath, source.normalizedKey, upload);
  for (const [i, track] of audio.entries()) await uploadFile(deps.storage, track.input, source.audio[i]!.key, upload);
  const ranges = planChunks(normalizedInfo.durationSeconds ?? 0, chunkPlanOptions(options));
  const queued = await queueChunks(deps.db, lease.ref, ranges, source);
  if (queued) deps.log.info({ videoId: video.id, chunks: ranges.length }, "encode: normalized, audio encoded, chunks queued");
  return queued !== null;
}
