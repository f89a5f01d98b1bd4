import { and, asc, desc, eq, exists, inArray, isNull, lt, ne, notExists, or, sql } from "drizzle-orm";
import { statusSubject, WORK_CONSUMERS, type ErrorValue, type StatusEvent, type VideoStatus, type WorkerName } from "@aq/contracts";
import type { Database } from "./client.js";
import { clearExpiredLease, holdsLease, leaseIs, releaseLease, type LeaseRef } from "./leases.js";
import {
  outbox,
  videoChunks,
  videoStatusHistory,
  videos,
  workLeases,
  type NewVideoRow,
  type StatusChangeRow,
  type VideoRow,
} from "./schema.js";

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

function statusEvent(row: VideoRow, from: VideoStatus | null): StatusEvent {
  const error: ErrorValue | null = row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null;
  return { v: 1, videoId: row.id, status: row.status, from, attempt: row.attempts, at: new Date().toISOString(), error };
}

async function recordChange(tx: Tx, row: VideoRow, from: VideoStatus | null, detail?: string): Promise<void> {
  const event = statusEvent(row, from);
  await tx
    .insert(videoStatusHistory)
    .values({ videoId: row.id, fromStatus: from, toStatus: row.status, detail: detail ?? null, error: event.error });
  await tx.insert(outbox).values({ subject: statusSubject(row.id, row.status), payload: event });
}

/** Inserts a video and announces its first status, in one transaction. */
export async function insertVideo(db: Database, values: NewVideoRow): Promise<VideoRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(videos).values(values).returning();
    if (!row) throw new Error(`insert of video ${values.id} returned no row`);
    await recordChange(tx, row, null, "created");
    return row;
  });
}

export interface Transition {
  id: string;
  /** The status(es) the video must be in for the change to happen. */
  from: VideoStatus | readonly VideoStatus[];
  to: VideoStatus;
  /** Other columns to set with the status. */
  set?: Partial<Omit<NewVideoRow, "id" | "status" | "createdAt">>;
  detail?: string;
  /** Work under a lease: the change happens only while this token holds it. */
  lease?: LeaseRef;
  /** With `lease`: the change ends the leased work, so the lease goes in the same transaction. */
  releaseLease?: boolean;
  /** Handing work back: the change happens only if nobody holds a live lease on this unit. */
  unlessLeased?: string;
}

/**
 * Compare-and-set status change: it happens only if the video is still in an expected status
 * (and, for leased work, only while the lease holds), so a redelivered message, a second
 * instance or a worker that lost its lease can never repeat a stage or move a video backwards.
 * The history row and the outbox event are written in the same transaction. Returns the
 * updated row, or null when nothing changed.
 */
export async function transitionVideo(db: Database, t: Transition): Promise<VideoRow | null> {
  return db.transaction((tx) => transitionWithin(tx, t));
}

/** transitionVideo inside a transaction that writes more rows with it (chunk rows, see chunks.ts). */
export async function transitionWithin(tx: Tx, t: Transition): Promise<VideoRow | null> {
  const expected = typeof t.from === "string" ? [t.from] : [...t.from];
  const [current] = await tx.select({ status: videos.status }).from(videos).where(eq(videos.id, t.id)).for("update");
  if (!current || !expected.includes(current.status)) return null;
  if (t.lease && !(await holdsLease(tx, t.lease))) return null;
  if (t.unlessLeased && !(await clearExpiredLease(tx, t.id, t.unlessLeased))) return null;
  const now = new Date();
  const [row] = await tx
    .update(videos)
    .set({ ...t.set, status: t.to, updatedAt: now, statusChangedAt: now })
    .where(and(eq(videos.id, t.id), inArray(videos.status, expected)))
    .returning();
  if (!row) return null;
  await recordChange(tx, row, current.status, t.detail);
  if (t.lease && t.releaseLease) await releaseLease(tx, t.lease);
  return row;
}

/** Only the lease holder may write: `videos` rows under a lease, for single-row updates. */
function underLease(lease: LeaseRef) {
  return exists(sql`(select 1 from ${workLeases} where ${leaseIs(lease)})`);
}

/** Live progress is not a status change: it updates the row only while the status and the lease hold. */
export async function setVideoProgress(db: Database, lease: LeaseRef, status: VideoStatus, percent: number): Promise<void> {
  await db
    .update(videos)
    .set({ progress: percent, updatedAt: new Date() })
    .where(and(eq(videos.id, lease.videoId), eq(videos.status, status), underLease(lease)));
}

export async function getVideo(db: Database, id: string): Promise<VideoRow | null> {
  const [row] = await db.select().from(videos).where(eq(videos.id, id));
  return row ?? null;
}

/** The video's status changes, oldest first (not its other history entries, such as becoming playable). */
export async function getVideoHistory(db: Database, id: string): Promise<StatusChangeRow[]> {
  return db
    .select()
    .from(videoStatusHistory)
    .where(and(eq(videoStatusHistory.videoId, id), eq(videoStatusHistory.kind, "status")))
    .orderBy(asc(videoStatusHistory.id));
}

export interface VideoPageCursor {
  createdAt: Date;
  id: string;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listVideos(
  db: Database,
  options: { status?: VideoStatus; exceptStatus?: VideoStatus; first: number; after?: VideoPageCursor },
): Promise<VideoRow[]> {
  const conditions = [];
  if (options.status) conditions.push(eq(videos.status, options.status));
  if (options.exceptStatus) conditions.push(ne(videos.status, options.exceptStatus));
  if (options.after) {
    const { createdAt, id } = options.after;
    conditions.push(or(lt(videos.createdAt, createdAt), and(eq(videos.createdAt, createdAt), lt(videos.id, id))));
  }
  return db
    .select()
    .from(videos)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(videos.createdAt), desc(videos.id))
    .limit(options.first);
}

/**
 * Work of one stage that nobody owns: videos waiting in `queued` since before `olderThan`, and
 * videos in `working` whose lease on `unit` expired (or that have no lease and have not been
 * updated since before `olderThan`). A live lease always means someone is on it.
 */
export async function findStuckVideos(
  db: Database,
  stage: { queued: VideoStatus; working: VideoStatus; unit: string },
  olderThan: Date,
  limit = 100,
): Promise<VideoRow[]> {
  const rows = await db
    .select({ video: videos })
    .from(videos)
    .leftJoin(workLeases, and(eq(workLeases.videoId, videos.id), eq(workLeases.unit, stage.unit)))
    .where(
      or(
        and(
          eq(videos.status, stage.queued),
          lt(videos.statusChangedAt, olderThan),
          or(isNull(workLeases.videoId), lt(workLeases.expiresAt, sql`now()`)),
        ),
        and(
          eq(videos.status, stage.working),
          or(and(isNull(workLeases.videoId), lt(videos.updatedAt, olderThan)), lt(workLeases.expiresAt, sql`now()`)),
          // Chunks in flight are swept one by one (findStuckChunks); the video is not handed back under them.
          notExists(
            db
              .select({ one: sql`1` })
              .from(videoChunks)
              .where(and(eq(videoChunks.videoId, videos.id), inArray(videoChunks.status, ["pending", "encoding"]))),
          ),
        ),
      ),
    )
    .orderBy(asc(videos.statusChangedAt))
    .limit(limit);
  return rows.map((r) => r.video);
}

/** Re-announces a video's current status through the outbox (used by the stuck-work sweep). */
export async function republishStatus(db: Database, row: VideoRow, detail: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(videos)
      .set({ statusChangedAt: new Date() })
      .where(and(eq(videos.id, row.id), eq(videos.status, row.status)));
    await tx.insert(outbox).values({ subject: statusSubject(row.id, row.status), payload: { ...statusEvent(row, null), detail } });
  });
}

/**
 * Hands a video that stays in its status to a stage's queue: the event the stage's consumer waits
 * for (the subject of its queue status, as the previous stage's status change sends it), carrying
 * the video's current status, so a subscriber following the video sees no status it is not in and
 * no history row is written. In the caller's transaction.
 */
export async function announceToStageWithin(tx: Tx, row: VideoRow, worker: WorkerName, detail: string): Promise<void> {
  const subject = statusSubject(row.id, WORK_CONSUMERS[worker].status);
  await tx.insert(outbox).values({ subject, payload: { ...statusEvent(row, null), detail } });
}

/** Counts a new attempt at the current stage; returns the attempt number, or null if the status moved on or the lease was lost. */
export async function beginAttempt(db: Database, lease: LeaseRef, status: VideoStatus): Promise<number | null> {
  const [row] = await db
    .update(videos)
    .set({ attempts: sql`${videos.attempts} + 1`, updatedAt: new Date() })
    .where(and(eq(videos.id, lease.videoId), eq(videos.status, status), underLease(lease)))
    .returning({ attempts: videos.attempts });
  return row?.attempts ?? null;
}

/** Gives back an attempt that was interrupted by a shutdown rather than by a failure. */
export async function releaseAttempt(db: Database, lease: LeaseRef, status: VideoStatus): Promise<void> {
  await db
    .update(videos)
    .set({ attempts: sql`greatest(${videos.attempts} - 1, 0)` })
    .where(and(eq(videos.id, lease.videoId), eq(videos.status, status), underLease(lease)));
}

/** A video's caption tracks: published, and waiting for READY. */
export type VideoCaptions = Pick<VideoRow, "captions" | "pendingCaptions">;

/**
 * Changes a video's caption tracks with its row locked, so two changes to one video take turns
 * (and a worker's move to READY waits for a change in progress): `change` gets the row as locked
 * and returns the lists that change, after doing whatever must happen before they are recorded
 * (rewriting the master playlist). Null when there is no such video.
 */
export async function changeVideoCaptions(
  db: Database,
  id: string,
  change: (row: VideoRow) => Promise<Partial<VideoCaptions>>,
): Promise<VideoRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(videos).where(eq(videos.id, id)).for("update");
    if (!row) return null;
    const changed = await change(row);
    if (changed.captions === undefined && changed.pendingCaptions === undefined) return row;
    const [updated] = await tx
      .update(videos)
      .set({ ...changed, updatedAt: new Date() })
      .where(eq(videos.id, id))
      .returning();
    return updated ?? null;
  });
}
