import type { ChunkRange } from "@aq/contracts";

export type { ChunkRange };

/** About two segments: the first segments of every rung exist within seconds (issue #13 point 4). */
export const DEFAULT_FIRST_CHUNK_SEGMENTS = 2;

/** A last chunk shorter than this joins the chunk before it, whatever that one is. */
const MIN_LAST_CHUNK_SECONDS = 1;

export interface ChunkPlanOptions {
  /** The ladder's segment length (6 s). */
  segmentSeconds: number;
  /** Segments per chunk after the first (k in "chunks of k x 6 s"). */
  chunkSegments: number;
  /** Segments of the first chunk: short, so the first segments of every rung exist within seconds. */
  firstChunkSegments: number;
}

/**
 * Chunks of `chunkSegments` segments after a short first one. A remainder shorter than half a chunk
 * joins the chunk before it instead of making a job of its own (never the short first chunk, unless
 * the remainder is under a second). The last chunk's segmentCount may count one segment more than
 * the source's frames make. Boundaries fall on the segment grid,
 * so the chunks' segments are the single run's segments.
 */
export function planChunks(durationSeconds: number, options: ChunkPlanOptions): ChunkRange[] {
  const { segmentSeconds, chunkSegments, firstChunkSegments } = options;
  if (!(segmentSeconds > 0) || !(chunkSegments >= 1) || !(firstChunkSegments >= 1)) {
    throw new Error(`invalid chunk plan options ${JSON.stringify(options)}`);
  }
  if (!Number.isInteger(chunkSegments) || !Number.isInteger(firstChunkSegments)) throw new Error("chunks hold whole segments");
  if (!(durationSeconds > 0)) throw new Error(`cannot plan chunks for a duration of ${durationSeconds} s`);
  // The single run's segment count: a fraction of a millisecond past a boundary makes no segment.
  const totalSegments = Math.max(1, Math.ceil(durationSeconds / segmentSeconds - 1e-4));
  const sizes: number[] = [Math.min(firstChunkSegments, totalSegments)];
  let planned = sizes[0]!;
  while (planned < totalSegments) {
    const size = Math.min(chunkSegments, totalSegments - planned);
    sizes.push(size);
    planned += size;
  }
  const lastSize = sizes.at(-1)!;
  const lastSeconds = durationSeconds - (totalSegments - lastSize) * segmentSeconds;
  // A container's duration often runs a few milliseconds past the last frame (30.003 s for 720
  // frames at 24 fps): a remainder that short may hold no frame at all, so it never stands alone.
  if (sizes.length > 1 && ((sizes.length > 2 && lastSize < chunkSegments / 2) || lastSeconds < MIN_LAST_CHUNK_SECONDS)) {
    sizes.pop();
    sizes[sizes.length - 1]! += lastSize;
  }
  let firstSegment = 0;
  return sizes.map((segmentCount, index) => {
    const last = index === sizes.length - 1;
    const startSeconds = firstSegment * segmentSeconds;
    const range: ChunkRange = {
      index,
      startSeconds,
      durationSeconds: last ? durationSeconds - startSeconds : segmentCount * segmentSeconds,
      firstSegment,
      segmentCount,
      last,
    };
    firstSegment += segmentCount;
    return range;
  });
}

/**
 * Whether chunks help a source: when it makes more than the first chunk. The first chunk is short
 * and plays within seconds while the rest is encoded beside it (and on other encoders), where a
 * single run shows nothing until the whole ladder is done (BENCHMARKS.md, time to first playable).
 */
export function chunkingHelps(durationSeconds: number, options: ChunkPlanOptions): boolean {
  return planChunks(durationSeconds, options).length > 1;
}
