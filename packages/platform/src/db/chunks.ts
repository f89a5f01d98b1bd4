import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import {
  ENCODE_ATTEMPTS,
  chunkLeaseUnit,
  chunkMessageId,
  chunkSubject,
  playableSubject,
  type ChunkJob,
  type ErrorValue,
  type PlayableEvent,
  type StoredChunkRange,
} from "@aq/contracts";
import type { Database } from "./client.js";
import { clearExpiredLease, holdsLease, releaseLease, type LeaseRef } from "./leases.js";
import {
  outbox,
  type ChunkSource,
  videoChunks,
  videoStatusHistory,
  videos,
  workLeases,
  type StoredRendition,
  type StoredChunkRendition,
  type VideoChunkRow,
  type VideoRow,
} from "./schema.js";
import { announceToStageWithin, transitionWithin, type Tx } from "./videos.js";

async function queueJob(tx: Tx, videoId: string, index: number, round: number): Promise<void> {
  const job: ChunkJob = { v: 1, videoId, index, round, at: new Date().toISOString() };
  await tx.insert(outbox).values({ subject: chunkSubject(videoId, index), payload: job, messageId: chunkMessageId(videoId, index, round) });
}

/**
 * Whether the chunks after the first still wait for the inputs they share: the planner records the
 * source first with only the head the first chunk reads (headKey), then with the whole normalized
 * file and the whole-source audio tracks in the bucket. (Rows planned before the head existed
 * recorded the normalized file at once and only the audio later.)
 */
export function sharedInputsPending(source: ChunkSource): boolean {
  return source.headKey !== undefined || (source.info.audio !== null && source.audio.length === 0);
}

/**
 * The planner's hand-off (the video stays `encoding`): the chunk rows, written once, and a job
 * for every chunk not done (or for those of `indices` only), in the outbox, all under the
 * planner's lease, which this ends unless `keepLease`. A chunk left failed or half-done by an
 * earlier run starts again with a fresh attempt budget, so a retry re-runs only what is not done.
 * Returns the indices queued, or null when the lease was lost.
 */
export async function queueChunks(
  db: Database,
  lease: LeaseRef,
  ranges: readonly StoredChunkRange[],
  source: ChunkSource,
  options: { indices?: readonly number[]; keepLease?: boolean } = {},
): Promise<number[] | null> {
  return db.transaction(async (tx) => {
    const [video] = await tx.select().from(videos).where(eq(videos.id, lease.videoId)).for("update");
    if (video?.status !== "encoding" || !(await holdsLease(tx, lease))) return null;
    if (ranges.length) {
      await tx
        .insert(videoChunks)
        .values(
          ranges.map(({ index, startSeconds, durationSeconds, firstSegment, segmentCount }) => ({
            videoId: lease.videoId,
            index,
            startSeconds,
            durationSeconds,
            firstSegment,
            segmentCount,
          })),
        )
        .onConflictDoNothing();
    }
    const requeued = await tx
      .update(videoChunks)
      .set({
        status: "pending",
        attempts: 0,
        round: sql`${videoChunks.round} + 1`,
        errorCode: null,
        errorMessage: null,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(videoChunks.videoId, lease.videoId),
          inArray(videoChunks.status, ["pending", "encoding", "failed"]),
          options.indices ? inArray(videoChunks.index, [...options.indices]) : undefined,
        ),
      )
      .returning({ index: videoChunks.index, round: videoChunks.round });
    // The first chunk first: it is the short one that makes the video playable.
    requeued.sort((a, b) => a.index - b.index);
    for (const chunk of requeued) await queueJob(tx, lease.videoId, chunk.index, chunk.round);
    await tx
      .update(videos)
      .set({ chunkCount: ranges.length, chunkSource: source, updatedAt: new Date() })
      .where(eq(videos.id, lease.videoId));
    if (!options.keepLease) await releaseLease(tx, lease);
    return requeued.map((c) => c.index);
  });
}

export async function getChunks(db: Database | Tx, videoId: string): Promise<VideoChunkRow[]> {
  return db.select().from(videoChunks).where(eq(videoChunks.videoId, videoId)).orderBy(asc(videoChunks.index));
}

export async function getChunk(db: Database, videoId: string, index: number): Promise<VideoChunkRow | null> {
  const [row] = await db
    .select()
    .from(videoChunks)
    .where(and(eq(videoChunks.videoId, videoId), eq(videoChunks.index, index)));
  return row ?? null;
}

const chunkIs = (lease: LeaseRef, index: number) => and(eq(videoChunks.videoId, lease.videoId), eq(videoChunks.index, index));
const leaseHeld = (lease: LeaseRef) =>
  sql`exists (select 1 from ${workLeases} where ${workLeases.videoId} = ${lease.videoId} and ${workLeases.unit} = ${lease.unit} and ${workLeases.token} = ${lease.token})`;
const videoEncoding = (videoId: string) =>
  sql`exists (select 1 from ${videos} where ${videos.id} = ${videoId} and ${videos.status} = 'encoding')`;

/**
 * Counts a new attempt at a chunk under its lease; returns the attempt number, or null when the
 * chunk is done or out of attempts, the video no longer encoding, or the lease lost.
 */
export async function beginChunkAttempt(db: Database, lease: LeaseRef, index: number, encoder: string): Promise<number | null> {
  const [row] = await db
    .update(videoChunks)
    .set({ status: "encoding", attempts: sql`${videoChunks.attempts} + 1`, encoder, updatedAt: new Date() })
    .where(
      and(
        chunkIs(lease, index),
        inArray(videoChunks.status, ["pending", "encoding"]),
        lt(videoChunks.attempts, ENCODE_ATTEMPTS),
        leaseHeld(lease),
        videoEncoding(lease.videoId),
      ),
    )
    .returning({ attempts: videoChunks.attempts });
  return row?.attempts ?? null;
}

/** Gives back an attempt interrupted by a shutdown rather than by a failure. */
export async function releaseChunkAttempt(db: Database, lease: LeaseRef, index: number): Promise<void> {
  await db
    .update(videoChunks)
    .set({ status: "pending", attempts: sql`greatest(${videoChunks.attempts} - 1, 0)`, updatedAt: new Date() })
    .where(and(chunkIs(lease, index), eq(videoChunks.status, "encoding"), leaseHeld(lease)));
}

/** An attempt that failed with another to come: its error and log stay on the row for operators. */
export async function recordChunkFailure(db: Database, lease: LeaseRef, index: number, error: ErrorValue, logLocation: string | null) {
  await db
    .update(videoChunks)
    .set({ errorCode: error.code, errorMessage: error.message, logLocation, updatedAt: new Date() })
    .where(and(chunkIs(lease, index), leaseHeld(lease)));
}

/**
 * The chunk failed its last attempt: it is marked failed and the video ends `failed_encoding`
 * with the chunk's error and ffmpeg log, in one transaction. False when the lease was lost or
 * the video had already moved (another chunk failed it first, or it was deleted).
 */
export async function failChunk(
  db: Database,
  lease: LeaseRef,
  index: number,
  error: ErrorValue,
  logLocation: string | null,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [video] = await tx.select({ status: videos.status }).from(videos).where(eq(videos.id, lease.videoId)).for("update");
    if (video?.status !== "encoding" || !(await holdsLease(tx, lease))) return false;
    const [chunk] = await tx
      .update(videoChunks)
      .set({ status: "failed", errorCode: error.code, errorMessage: error.message, logLocation, updatedAt: new Date() })
      .where(and(chunkIs(lease, index), eq(videoChunks.status, "encoding")))
      .returning({ index: videoChunks.index });
    if (!chunk) return false;
    const failed = await transitionWithin(tx, {
      id: lease.videoId,
      from: "encoding",
      to: "failed_encoding",
      set: { errorCode: error.code, errorMessage: `chunk ${index}: ${error.message}`, logLocation },
      detail: `${error.code} in chunk ${index}`,
      lease,
      releaseLease: true,
    });
    return failed !== null;
  });
}

/** What the chunk that was just recorded done leaves to publish, all chunks read in the same transaction. */
export interface ChunkFanIn {
  video: VideoRow;
  chunks: VideoChunkRow[];
  /** Chunks 0..n-1 are done: the playlists may list their segments. */
  donePrefix: number;
  complete: boolean;
}

/** What publishing did, recorded with the chunk in the same transaction. */
export interface PublishedPlaylists {
  /** The playlists now list this many chunks (never fewer than before). */
  publishedChunks: number;
  playableSeconds: number;
  /** Set when the final playlists and master are written: the encoder stage is asked to finish the video. */
  renditions?: StoredRendition[];
}

export interface ChunkRecorded {
  /** Percent of the video's chunks done. */
  progress: number;
  /** What was published, when the done prefix grew. */
  published: PublishedPlaylists | null;
}

/**
 * The fan-in. Records a chunk done (its segments are in the bucket) under its lease, then, still
 * in the same transaction and holding the video's row lock, lets `publish` write the playlists
 * for the done prefix: the lock orders the writers, so a shorter playlist never replaces a longer
 * one. The first publication makes the video playable (a `playable` event); the one that lists
 * every chunk records the renditions and announces the video, still `encoding`, to the encoder
 * stage again, which makes its assets and moves it to `encoded`. If anything fails, nothing is recorded and the chunk's
 * job is redelivered. Returns null when the lease was lost or the video is no longer encoding.
 */
export async function completeChunk(
  db: Database,
  lease: LeaseRef,
  index: number,
  done: { renditions: StoredChunkRendition[]; logLocation: string | null },
  publish: (fanIn: ChunkFanIn) => Promise<PublishedPlaylists | null>,
): Promise<ChunkRecorded | null> {
  return db.transaction(async (tx) => {
    const [video] = await tx.select().from(videos).where(eq(videos.id, lease.videoId)).for("update");
    if (video?.status !== "encoding" || !(await holdsLease(tx, lease))) return null;
    const [chunk] = await tx
      .update(videoChunks)
      .set({
        status: "done",
        renditions: done.renditions,
        logLocation: done.logLocation,
        errorCode: null,
        errorMessage: null,
        updatedAt: new Date(),
      })
      .where(and(chunkIs(lease, index), eq(videoChunks.status, "encoding")))
      .returning();
    if (!chunk) return null;
    await releaseLease(tx, lease);
    const chunks = await getChunks(tx, lease.videoId);
    const firstNotDone = chunks.findIndex((c) => c.status !== "done");
    const donePrefix = firstNotDone < 0 ? chunks.length : firstNotDone;
    const complete = donePrefix === chunks.length && chunks.length === video.chunkCount;
    const doneCount = chunks.filter((c) => c.status === "done").length;
    const progress = Math.round((doneCount / Math.max(1, chunks.length)) * 1000) / 10;
    await tx.update(videos).set({ progress, updatedAt: new Date() }).where(eq(videos.id, lease.videoId));
    if (donePrefix <= video.publishedChunks && !complete) return { progress, published: null };
    const published = await publish({ video, chunks, donePrefix, complete });
    if (!published) return { progress, published: null };
    const firstTime = video.playableAt === null;
    await tx
      .update(videos)
      .set({ publishedChunks: published.publishedChunks, ...(firstTime ? { playableAt: new Date() } : {}) })
      .where(eq(videos.id, lease.videoId));
    if (firstTime) {
      const event: PlayableEvent = {
        v: 1,
        videoId: lease.videoId,
        playableSeconds: published.playableSeconds,
        at: new Date().toISOString(),
      };
      await tx.insert(outbox).values({ subject: playableSubject(lease.videoId), payload: event });
      // The webhook event, committed with the playable mark: the fan-out reads it from the history,
      // where its id orders it among the video's status changes.
      await tx.insert(videoStatusHistory).values({
        videoId: lease.videoId,
        kind: "playable",
        fromStatus: null,
        toStatus: video.status,
        detail: `playable: ${published.playableSeconds.toFixed(1)} s`,
      });
    }
    if (published.renditions) {
      // The video stays `encoding`: its assets (images, the MP4 download) are still to be made, by
      // the encoder stage (apps/encoder-service chunk-finish.ts) under its own lease, with a fresh
      // attempt budget, so that a failure there is retried and fails the video like any encode's.
      const [row] = await tx
        .update(videos)
        .set({ renditions: published.renditions, attempts: 0, progress: 100, updatedAt: new Date() })
        .where(eq(videos.id, lease.videoId))
        .returning();
      await announceToStageWithin(tx, row!, "encoder", `${chunks.length} chunks done: assets to make`);
    }
    return { progress, published };
  });
}

/**
 * Chunks that may have nobody on them: pending or encoding, their video still encoding, untouched
 * since before `olderThan` (JetStream redelivers a lost job on its own; this catches jobs whose
 * deliveries ran out or whose message was lost). requeueChunk skips those under a live lease.
 */
export async function findStuckChunks(db: Database, olderThan: Date, limit = 100): Promise<VideoChunkRow[]> {
  const rows = await db
    .select({ chunk: videoChunks })
    .from(videoChunks)
    .innerJoin(videos, eq(videos.id, videoChunks.videoId))
    .where(and(eq(videos.status, "encoding"), inArray(videoChunks.status, ["pending", "encoding"]), lt(videoChunks.updatedAt, olderThan)))
    .orderBy(asc(videoChunks.updatedAt))
    .limit(limit);
  return rows.map((r) => r.chunk);
}

/** Queues a stuck chunk's job again in a new round (and a chunk whose owner died with a fresh attempt), unless someone took its lease meanwhile. */
export async function requeueChunk(db: Database, videoId: string, index: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await clearExpiredLease(tx, videoId, chunkLeaseUnit(index)))) return false;
    const [row] = await tx
      .update(videoChunks)
      .set({ status: "pending", round: sql`${videoChunks.round} + 1`, updatedAt: new Date() })
      .where(and(eq(videoChunks.videoId, videoId), eq(videoChunks.index, index), inArray(videoChunks.status, ["pending", "encoding"])))
      .returning({ round: videoChunks.round });
    if (!row) return false;
    await queueJob(tx, videoId, index, row.round);
    return true;
  });
}
